import type {
  ChangeTimes,
  IngestErrorRecord,
  IngestStatus,
  Page,
  PageRequest,
  Retraction,
  SourceCitation,
  StoredVersion,
  StoryHead,
  StoryReader,
  Tombstone,
} from '../../../functions/store/story-store.ts';
import type { StoryDocument } from '../../../functions/story/types.ts';
import { compareVersions, versionSortKey } from '../../../functions/story/version.ts';

/**
 * An in-memory StoryReader for the HTTP unit tests: the same contract as the DynamoDB adapter, kept in
 * arrays. The integration tests run the HTTP layer against the real DynamoDB adapter on dynalite instead.
 * Its cursors are offsets, so a test can see that the HTTP layer never hands them out unsigned.
 */
export class MemoryStoryReader implements StoryReader {
  private readonly versions = new Map<string, Map<string, StoredVersion & { rawText: string }>>();
  private readonly errors: IngestErrorRecord[] = [];
  private readonly statuses = new Map<string, IngestStatus>();
  private revision = 0;

  /** Stores a version (a later upload of the same version replaces it); `ingestedAt` defaults to publishedAt. */
  addVersion(document: StoryDocument, options: { ingestedAt?: string; rawText?: string } = {}): void {
    const byVersion = this.versions.get(document.storyId) ?? new Map();
    this.revision += 1;
    byVersion.set(versionSortKey(document.version), {
      storyId: document.storyId,
      version: document.version,
      publishedAt: document.publishedAt,
      contentHash: document.contentHash,
      revision: String(this.revision).padStart(10, '0'),
      ingestedAt: options.ingestedAt ?? document.publishedAt,
      document,
      rawText: options.rawText ?? `${document.version}\n${document.title}\n`,
    });
    this.versions.set(document.storyId, byVersion);
  }

  /** Records a rejected upload. */
  addIngestError(record: IngestErrorRecord): void {
    this.errors.push(record);
  }

  /** Records the status of a bucket key's latest upload. */
  setIngestStatus(status: IngestStatus): void {
    this.statuses.set(status.key, status);
  }

  async getIngestStatus(key: string): Promise<IngestStatus | null> {
    return this.statuses.get(key) ?? null;
  }

  /** The in-memory reader keeps no retractions: the integration tests cover them on dynalite. */
  async getRetraction(): Promise<Retraction | null> {
    return null;
  }

  async listStoryTombstones(): Promise<Tombstone[]> {
    return [];
  }

  async listVersionTombstones(): Promise<Tombstone[]> {
    return [];
  }

  async getChangeTimes(): Promise<ChangeTimes> {
    return { changedAt: null, retractedAt: null };
  }

  private versionsOf(storyId: string): StoredVersion[] {
    return [...(this.versions.get(storyId)?.values() ?? [])].sort((a, b) =>
      compareVersions(b.version, a.version),
    );
  }

  private heads(): StoredVersion[] {
    return [...this.versions.keys()]
      .map((storyId) => this.versionsOf(storyId)[0])
      .filter((version): version is StoredVersion => version !== undefined)
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.storyId.localeCompare(b.storyId));
  }

  async listStories(page: PageRequest): Promise<Page<StoryHead>> {
    return paginate(
      this.heads().map((version) => ({
        storyId: version.storyId,
        title: version.document.title,
        version: version.version,
        updatedAt: version.publishedAt,
        contentHash: version.contentHash,
        revision: version.revision,
        ingestedAt: version.ingestedAt,
      })),
      page,
    );
  }

  async listLatestVersions(page: PageRequest): Promise<Page<StoredVersion>> {
    return paginate(this.heads(), page);
  }

  async getHead(storyId: string): Promise<StoryHead | null> {
    const head = this.versionsOf(storyId)[0];
    if (!head) return null;
    return {
      storyId,
      title: head.document.title,
      version: head.version,
      updatedAt: head.publishedAt,
      contentHash: head.contentHash,
      revision: head.revision,
      ingestedAt: head.ingestedAt,
    };
  }

  async listVersionLabels(storyId: string): Promise<string[]> {
    return this.versionsOf(storyId).map((version) => version.version);
  }

  async listVersions(storyId: string, page: PageRequest): Promise<Page<StoredVersion>> {
    return paginate(this.versionsOf(storyId), page);
  }

  async getVersion(storyId: string, version: string): Promise<StoredVersion | null> {
    return this.versions.get(storyId)?.get(versionSortKey(version)) ?? null;
  }

  async getRawText(storyId: string, version: string): Promise<string | null> {
    return this.versions.get(storyId)?.get(versionSortKey(version))?.rawText ?? null;
  }

  async listSourceCitations(citationId: string, page: PageRequest): Promise<Page<SourceCitation>> {
    const all = [...this.versions.values()]
      .flatMap((byVersion) => [...byVersion.values()])
      .sort(
        (a, b) =>
          b.publishedAt.localeCompare(a.publishedAt) ||
          a.storyId.localeCompare(b.storyId) ||
          compareVersions(b.version, a.version),
      )
      .map((version) => ({
        storyId: version.storyId,
        version: version.version,
        title: version.document.title,
        publishedAt: version.publishedAt,
        ingestedAt: version.ingestedAt,
        paragraphs: version.document.paragraphs.filter((p) => p.citations.includes(citationId)),
      }))
      .filter((citation) => citation.paragraphs.length > 0);
    return paginate(all, page);
  }

  async listSourceStories(citationId: string, page: PageRequest): Promise<Page<StoredVersion>> {
    const citing = this.heads().filter((version) =>
      version.document.citations.some((citation) => citation.id === citationId),
    );
    return paginate(citing, page);
  }

  async listIngestErrors(page: PageRequest): Promise<Page<IngestErrorRecord>> {
    return paginate(
      [...this.errors].sort((a, b) => b.at.localeCompare(a.at)),
      page,
    );
  }
}

function paginate<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : Number(page.cursor);
  if (!Number.isInteger(start) || start < 0) throw new Error(`memory reader: bad cursor ${page.cursor}`);
  const end = start + page.limit;
  return { items: items.slice(start, end), cursor: end < items.length ? String(end) : null };
}

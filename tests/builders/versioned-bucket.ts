import type { BlobStore, StoredObject } from '../../functions/store/blob-store.ts';
import { BUCKET } from '../../functions/store/table-definition.ts';

interface ObjectVersion {
  versionId: string;
  bytes: Uint8Array;
  tags: Record<string, string>;
}

/**
 * A versioned bucket in memory, for the path the embedded S3 cannot take (s3rver has no versioning):
 * every put adds a version with a new id, a read without an id gets the newest, a read with an id
 * gets exactly that version, tagging names one version. It records every write the pipeline makes.
 */
export class VersionedBucket implements BlobStore {
  private readonly objects = new Map<string, ObjectVersion[]>();
  private counter = 0;
  /** The keys the pipeline wrote (its own copies), in order. */
  readonly pipelineWrites: string[] = [];

  /** A writer's upload: returns the version id S3 would put in the event. */
  upload(key: string, text: string): string {
    this.counter += 1;
    const versionId = `v${String(this.counter).padStart(4, '0')}`;
    const versions = this.objects.get(key) ?? [];
    versions.push({ versionId, bytes: new TextEncoder().encode(text), tags: {} });
    this.objects.set(key, versions);
    return versionId;
  }

  /** The tags of one version of a key. */
  tagsOf(key: string, versionId: string): Record<string, string> {
    return this.find(key, versionId).tags;
  }

  async getObject(
    key: string,
    options: { versionId?: string | undefined } = {},
  ): Promise<StoredObject | null> {
    const versions = this.objects.get(key) ?? [];
    const version = options.versionId
      ? versions.find((candidate) => candidate.versionId === options.versionId)
      : versions.at(-1);
    if (!version) return null;
    return { bytes: version.bytes, metadata: {}, contentLength: version.bytes.byteLength };
  }

  async putObject(key: string, bytes: Uint8Array): Promise<void> {
    this.pipelineWrites.push(key);
    this.upload(key, new TextDecoder().decode(bytes));
  }

  async markDiscarded(key: string, versionId: string): Promise<void> {
    this.find(key, versionId).tags = { [BUCKET.discardedTag.key]: BUCKET.discardedTag.value };
  }

  private find(key: string, versionId: string): ObjectVersion {
    const version = this.objects.get(key)?.find((candidate) => candidate.versionId === versionId);
    if (!version)
      throw Object.assign(new Error(`no version ${versionId} of ${key}`), { name: 'NoSuchVersion' });
    return version;
  }
}

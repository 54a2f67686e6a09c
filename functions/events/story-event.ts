import { createHash } from 'node:crypto';
import { versionSortKey } from '../story/version.ts';

/** The `source` of every storyfeed event. */
export const EVENT_SOURCE = 'storyfeed';

/** The `detail-type` of each event kind (SPEC §7). */
export const DETAIL_TYPES = {
  versionPublished: 'Story Version Published',
  retracted: 'Story Retracted',
} as const;

export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** The three formats of a feed. */
export interface FeedLinks {
  json: string;
  atom: string;
  rss: string;
}

/** Detail of `Story Version Published`: a version was stored, or became the head again. */
export interface VersionPublishedDetail {
  /** The event's own id, repeated here: EventBridge gives the envelope an id of its own. */
  eventId: string;
  storyId: string;
  version: string;
  title: string;
  publishedAt: string;
  contentHash: string;
  /** True when this version is the story's head (latest) after the change. */
  isHead: boolean;
  urls: {
    /** The page of this very version, `/read/{storyId}/{version}`: it stays valid when the head moves on. */
    page: string;
    /** The version's SPEC §2 document, `/stories/{storyId}/versions/{version}`. */
    json: string;
    /** The story's versioned feed. */
    feeds: FeedLinks;
  };
}

/** Detail of `Story Retracted`: one version went, or (`version: null`) the whole story did. */
export interface RetractedDetail {
  eventId: string;
  storyId: string;
  version: string | null;
}

/** An event in EventBridge's envelope, as the webhook receives it and as EventBridge delivers it. */
interface Envelope<T extends DetailType, D> {
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': T;
  /** ISO 8601: when the change happened (the time of the S3 event that caused it). */
  time: string;
  detail: D;
}

export type VersionPublishedEvent = Envelope<typeof DETAIL_TYPES.versionPublished, VersionPublishedDetail>;
export type RetractedEvent = Envelope<typeof DETAIL_TYPES.retracted, RetractedDetail>;
export type StoryEvent = VersionPublishedEvent | RetractedEvent;

/**
 * One change of what is published, as ingest reports it. `cause` names the S3 event behind it
 * (`<eventTime>#<sequencer>`, the ingest revision): the same for every redelivery of that event,
 * different for any later upload or delete, so event ids repeat exactly when the change does.
 */
export type StoryChange =
  | {
      kind: 'version-published';
      storyId: string;
      version: string;
      title: string;
      publishedAt: string;
      contentHash: string;
      isHead: boolean;
      cause: string;
      /** ISO 8601 time of the S3 event. */
      at: string;
      /** Sources whose feeds changed with it: the new head's and the previous head's citations (head changes only). */
      sources: readonly string[];
    }
  | {
      kind: 'retracted';
      storyId: string;
      /** null: the story has no version left. */
      version: string | null;
      /** The retracted text's hash (null for the whole story). */
      contentHash: string | null;
      /** True when the latest feed changed with it (the head was retracted). */
      headChanged: boolean;
      cause: string;
      at: string;
      sources: readonly string[];
    };

/** A batch for the sinks: the events of a change and the feed URLs (for WebSub) that changed with it. */
export interface Publication {
  events: StoryEvent[];
  feeds: string[];
}

/**
 * A deterministic event id (UUID-shaped, from SHA-256) for a change: kind, story, version (numerically
 * normalised, so v0.12 and v0.12.0 agree), content hash and cause. A redelivered S3 event gives the same id;
 * a new upload or delete, even of the same text, gives another.
 */
export function deriveEventId(
  detailType: DetailType,
  storyId: string,
  version: string | null,
  contentHash: string | null,
  cause: string,
): string {
  const hex = createHash('sha256')
    .update(
      [detailType, storyId, version === null ? '' : versionSortKey(version), contentHash ?? '', cause].join(
        '\n',
      ),
    )
    .digest('hex');
  // RFC 9562 layout, version 8 (custom) and the RFC variant bits.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The three format URLs of a feed path without its extension: `${base}/stories/x/feed` → .json/.atom/.rss. */
export function feedLinks(withoutExtension: string): FeedLinks {
  return {
    json: `${withoutExtension}.json`,
    atom: `${withoutExtension}.atom`,
    rss: `${withoutExtension}.rss`,
  };
}

/** Turns a change into its event (absolute URLs under `baseUrl`, no trailing slash). */
export function buildStoryEvent(change: StoryChange, baseUrl: string): StoryEvent {
  const base = baseUrl.replace(/\/+$/, '');
  if (change.kind === 'retracted') {
    const id = deriveEventId(
      DETAIL_TYPES.retracted,
      change.storyId,
      change.version,
      change.contentHash,
      change.cause,
    );
    return {
      id,
      source: EVENT_SOURCE,
      'detail-type': DETAIL_TYPES.retracted,
      time: change.at,
      detail: { eventId: id, storyId: change.storyId, version: change.version },
    };
  }
  const id = deriveEventId(
    DETAIL_TYPES.versionPublished,
    change.storyId,
    change.version,
    change.contentHash,
    change.cause,
  );
  const story = `${base}/stories/${encodeURIComponent(change.storyId)}`;
  const version = encodeURIComponent(change.version);
  const detail: VersionPublishedDetail = {
    eventId: id,
    storyId: change.storyId,
    version: change.version,
    title: change.title,
    publishedAt: change.publishedAt,
    contentHash: change.contentHash,
    isHead: change.isHead,
    urls: {
      page: `${base}/read/${encodeURIComponent(change.storyId)}/${version}`,
      json: `${story}/versions/${version}`,
      feeds: feedLinks(`${story}/feed`),
    },
  };
  return { id, source: EVENT_SOURCE, 'detail-type': DETAIL_TYPES.versionPublished, time: change.at, detail };
}

/**
 * The feeds a change altered: the story's feed always; with a head change also the latest feed and the
 * feeds of the sources involved. Each in all three formats, each URL once, in a stable order.
 */
export function changedFeedUrls(changes: readonly StoryChange[], baseUrl: string): string[] {
  const base = baseUrl.replace(/\/+$/, '');
  const urls = new Set<string>();
  const add = (path: string) => {
    for (const url of Object.values(feedLinks(`${base}${path}`))) urls.add(url);
  };
  for (const change of changes) {
    const headChanged = change.kind === 'retracted' ? change.headChanged : change.isHead;
    if (headChanged) add('/feeds/latest');
    add(`/stories/${encodeURIComponent(change.storyId)}/feed`);
    if (headChanged) for (const source of change.sources) add(`/sources/${encodeURIComponent(source)}/feed`);
  }
  return [...urls];
}

/** The publication for a list of changes: one event each, and the feeds they altered. */
export function buildPublication(changes: readonly StoryChange[], baseUrl: string): Publication {
  return {
    events: changes.map((change) => buildStoryEvent(change, baseUrl)),
    feeds: changedFeedUrls(changes, baseUrl),
  };
}

import type { StoryDocument } from '../story/types.ts';

/** One feed entry: a story (its latest version) or one version of a story. */
export interface FeedEntry {
  /** Stable absolute JSON URL: the story's URL in latest/source feeds, the version's URL in a story's feed. */
  id: string;
  /** The page for people (SPEC §5): `/read/{storyId}`, or `/read/{storyId}/{version}` for a version entry. */
  url: string;
  /** The entry's JSON URL (the same as `id`), linked as `related` / `_storyfeed.api_url`. */
  apiUrl: string;
  document: StoryDocument;
  /** ISO 8601; when the entry first appeared (the version's publishedAt). */
  published: string;
  /** ISO 8601; the version's publishedAt. */
  updated: string;
}

/** Everything a renderer needs; the same model renders as JSON Feed 1.1, Atom 1.0 or RSS 2.0. */
export interface FeedModel {
  title: string;
  description: string;
  /** Absolute base URL of the API (no trailing slash), for links such as `/cited/{id}`. */
  baseUrl: string;
  /** Absolute URL of the page for people that this feed follows (`/`, `/read/{id}`, `/cited/{id}`). */
  homePageUrl: string;
  /** Absolute URL of this very feed document (format-specific: .json, .atom or .rss). */
  selfUrl: string;
  /** The WebSub hub that is told when this feed changes (`<link rel="hub">`, JSON Feed `hubs`), if any. */
  hubUrl?: string | null;
  /** Absolute URL of the next page of this feed in the same format, or null. */
  nextUrl: string | null;
  /** ISO 8601; the newest `updated` of the entries (or a fixed epoch when empty). */
  updated: string;
  entries: FeedEntry[];
  /** Entries the feed no longer carries (retracted): Atom marks them (RFC 6721), JSON Feed and RSS drop them. */
  deletedEntries?: DeletedEntry[];
}

/** An RFC 6721 tombstone: the id an entry had, and when it was deleted. */
export interface DeletedEntry {
  /** The id the entry carried in this feed. */
  ref: string;
  /** ISO 8601. */
  when: string;
}

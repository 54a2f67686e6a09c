/**
 * The one definition of the storyfeed table and bucket layout. The CDK stack, the
 * DynamoDB/S3 adapters and the local emulator all read this module (STYLE rule 5).
 *
 * Item types (pk / sk):
 * - story head       STORY#<storyId> / HEAD                       gsi1: STORIES / <inverted updatedAt>#<storyId>
 * - story version    STORY#<storyId> / V#<version sort key>
 * - raw revision     STORY#<storyId> / R#<version sort key>#<contentHash>
 * - citation index   SOURCE#<citationId> / <storyId>#<version sort key>
 * - ingest error     ERRORS / <time>#<key>, or <time>#sha256:<hex of key> when that passes 1,024 bytes
 * - key status       KEY#<sha256 of key> / STATUS                  the latest processed event of a bucket key
 * - key error ref    KEY#<sha256 of key> / ERR#<event order>        where that key's ingest error item is
 * - key removal      KEY#<sha256 of key> / REMOVED                  the latest delete of the key
 * - key link         KEY#<sha256 of key> / LINK#<storyId>#<version sort key>
 * - version tombstone STORY#<storyId> / TOMB#<version sort key>      expiresAt (TTL)
 * - story tombstone  TOMBSTONES / STORY#<storyId>                   expiresAt (TTL)
 */
export const TABLE = {
  defaultName: 'storyfeed',
  partitionKey: 'pk',
  sortKey: 'sk',
  billing: 'PAY_PER_REQUEST',
  /** Epoch seconds after which DynamoDB deletes the item (ingest errors, tombstones); the stack enables TTL on it. */
  ttlAttribute: 'expiresAt',
  indexes: {
    byUpdated: { name: 'byUpdated', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  },
} as const;

/** Every key attribute of the table and its indexes; all are strings. */
export const KEY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.indexes.byUpdated.partitionKey,
  TABLE.indexes.byUpdated.sortKey,
] as const;

export const BUCKET = {
  /** The bucket name used by the embedded default. */
  localName: 'stories',
  /** Suffixes of story files; only these trigger ingest. */
  storySuffixes: ['.txt', '.md'],
  /** Where the pipeline keeps its own immutable copies; never ingested. */
  archivePrefix: '_archive/',
  /**
   * The tag ingest puts on an object version it rejected (on a versioned bucket). A lifecycle rule
   * expires noncurrent versions with this tag; every other version may be a published original.
   */
  discardedTag: { key: 'storyfeed', value: 'rejected' },
} as const;

/** Environment variables the functions read (set by the stack, and by local/). */
export const ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  /** The base of absolute URLs: feed links (API function) and event URLs (ingest function). */
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** The EventBridge bus the ingest function puts events on; unset = no EventBridge. */
  eventBusName: 'EVENT_BUS_NAME',
  /** A WebSub hub URL: feeds link it (API function), ingest pings it (ingest function); unset = none. */
  websubHub: 'WEBSUB_HUB',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  /** 'true' only where the deployment says X-Forwarded-Host comes from a trusted proxy; never on AWS. */
  trustForwardedHost: 'TRUST_FORWARDED_HOST',
  /** 'true' on AWS (set by the stack): `/ingest/*` answers only IAM-authorized callers. */
  operatorRoutesNeedIam: 'OPERATOR_ROUTES_NEED_IAM',
} as const;

/** True when an S3 key names a story file the pipeline should ingest. */
export function isStoryKey(key: string): boolean {
  if (key.startsWith(BUCKET.archivePrefix)) return false;
  const lower = key.toLowerCase();
  return BUCKET.storySuffixes.some((suffix) => lower.endsWith(suffix));
}

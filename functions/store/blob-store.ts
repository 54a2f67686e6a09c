/** An object read from the bucket. */
export interface StoredObject {
  bytes: Uint8Array;
  metadata: Record<string, string>;
  contentLength: number;
}

/** What the use cases need of the bucket (STYLE rule 3: passed in, not imported). */
export interface BlobStore {
  /**
   * Reads an object; null when it does not exist. When the object is larger than `maxBytes`
   * the body is not read and `bytes` is empty (`contentLength` tells the size).
   */
  getObject(
    key: string,
    options?: { versionId?: string | undefined; maxBytes?: number },
  ): Promise<StoredObject | null>;
  /** Writes an object (idempotent for the same bytes). */
  putObject(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /**
   * Tags one version of an object as rejected by ingest (BUCKET.discardedTag), so the bucket's
   * lifecycle may expire it once it is noncurrent. Only called for uploads that carry a version id.
   */
  markDiscarded(key: string, versionId: string): Promise<void>;
}

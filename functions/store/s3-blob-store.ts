import {
  GetObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BlobStore, StoredObject } from './blob-store.ts';
import { BUCKET } from './table-definition.ts';

/** The BlobStore on S3 (or s3rver, through the same client). */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Reads an object; null on NoSuchKey (and NoSuchVersion). Other errors propagate. */
  async getObject(
    key: string,
    options: { versionId?: string | undefined; maxBytes?: number } = {},
  ): Promise<StoredObject | null> {
    try {
      const response = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: options.versionId }),
      );
      const contentLength = response.ContentLength ?? 0;
      if (options.maxBytes !== undefined && contentLength > options.maxBytes) {
        await response.Body?.transformToWebStream().cancel();
        return { bytes: new Uint8Array(), metadata: response.Metadata ?? {}, contentLength };
      }
      const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
      return { bytes, metadata: response.Metadata ?? {}, contentLength: bytes.byteLength };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound') return null;
      throw error;
    }
  }

  /** Writes an object. */
  async putObject(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  }

  /** Tags one object version as rejected (replaces its tag set: uploads may not tag, see the stack). */
  async markDiscarded(key: string, versionId: string): Promise<void> {
    const { key: Key, value: Value } = BUCKET.discardedTag;
    await this.s3.send(
      new PutObjectTaggingCommand({
        Bucket: this.bucket,
        Key: key,
        VersionId: versionId,
        Tagging: { TagSet: [{ Key, Value }] },
      }),
    );
  }
}

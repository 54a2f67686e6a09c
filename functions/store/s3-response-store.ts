import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BUCKET } from './table-definition.ts';

/** Where answers too large for a Lambda response are kept, named by their ETag (content-addressed); the bucket's lifecycle expires them after a day. */
export const RESPONSE_PREFIX = `${BUCKET.archivePrefix}responses/`;
/** How long a link to a stored answer works. */
const LINK_SECONDS = 300;
const PUBLISHED_MEMO = 64;
/** How long an instance trusts its own earlier write: the bucket's lifecycle removes these after a day. */
const REWRITE_AFTER_MS = 3_600_000;

/**
 * Keeps answers larger than a Lambda response may be (6 MB) in the bucket and hands out short-lived
 * presigned GET URLs of them. Each answer is written once per instance (by ETag) and never trusted
 * from an earlier writer; on AWS the API role needs s3:PutObject and s3:GetObject on RESPONSE_PREFIX.
 */
export class S3ResponseStore {
  private readonly published = new Map<string, { written: Promise<void>; at: number }>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly linkSeconds = LINK_SECONDS,
  ) {}

  /** Stores `body` under `name` (once per instance) and returns a URL that serves it for a few minutes. */
  async publish(name: string, body: Uint8Array, contentType: string): Promise<string> {
    const key = `${RESPONSE_PREFIX}${name}`;
    const now = Date.now();
    const memo = this.published.get(key);
    let written = memo && now - memo.at < REWRITE_AFTER_MS ? memo.written : undefined;
    if (!written) {
      if (this.published.size >= PUBLISHED_MEMO) this.published.clear();
      written = this.s3
        .send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }))
        .then(() => undefined);
      this.published.set(key, { written, at: now });
      written.catch(() => this.published.delete(key));
    }
    await written;
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.linkSeconds,
    });
  }
}

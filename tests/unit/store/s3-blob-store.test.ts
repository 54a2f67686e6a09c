import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../functions/store/s3-blob-store.ts';

/** A stand-in for the SDK client that records each command's name and input (the request shape). */
function recordingClient() {
  const calls: { command: string; input: unknown }[] = [];
  const s3 = {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      calls.push({ command: command.constructor.name, input: command.input });
      return {};
    },
  } as unknown as S3Client;
  return { s3, calls };
}

describe('S3BlobStore on a versioned bucket', () => {
  it('tags exactly the rejected version, with the tag the lifecycle rule filters on', async () => {
    const { s3, calls } = recordingClient();
    await new S3BlobStore(s3, 'stories').markDiscarded('drafts/a.txt', '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');

    expect(calls).toEqual([
      {
        command: 'PutObjectTaggingCommand',
        input: {
          Bucket: 'stories',
          Key: 'drafts/a.txt',
          VersionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
          Tagging: { TagSet: [{ Key: 'storyfeed', Value: 'rejected' }] },
        },
      },
    ]);
  });

  it('reads an original by its version id', async () => {
    const { s3, calls } = recordingClient();
    await new S3BlobStore(s3, 'stories').getObject('drafts/a.txt', { versionId: 'abc' });

    expect(calls).toEqual([
      { command: 'GetObjectCommand', input: { Bucket: 'stories', Key: 'drafts/a.txt', VersionId: 'abc' } },
    ]);
  });
});

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ArchiveCorruptError,
  hashArchiveBytes,
  readArchivedDocument,
  readArchivedRaw,
} from '../../../functions/store/archive-integrity.ts';
import { ingestErrorSk } from '../../../functions/store/dynamo-keys.ts';
import { parseStory } from '../../../functions/story/parse-story.ts';
import { buildStoryFile } from '../../builders/story-file.ts';

const TEXT = buildStoryFile({ version: 'v0.1', title: 'Checked' });
const DOCUMENT = parseStory(TEXT, { key: 'stories/checked/v0.1.txt' });
const VERSION = { storyId: 'checked', version: 'v0.1', contentHash: DOCUMENT.contentHash };

describe('readArchivedRaw', () => {
  it('returns the original text (CRLF kept, BOM dropped as before) when its normalised text has the version hash', () => {
    const original = `\uFEFF${TEXT.replaceAll('\n', '\r\n')}`;
    expect(readArchivedRaw(Buffer.from(original), 'raw', VERSION)).toBe(original.slice(1));
  });

  it('throws ArchiveCorruptError for another text or bytes that are not a story text', () => {
    expect(() => readArchivedRaw(Buffer.from(`${TEXT} `), 'raw', VERSION)).toThrow(ArchiveCorruptError);
    expect(() => readArchivedRaw(Uint8Array.from([0xff, 0x00]), 'raw', VERSION)).toThrow(ArchiveCorruptError);
  });
});

describe('readArchivedDocument', () => {
  const bytes = gzipSync(JSON.stringify(DOCUMENT));

  it('returns the document when the bytes have the recorded hash', () => {
    expect(readArchivedDocument(bytes, 'doc', VERSION, hashArchiveBytes(bytes))).toEqual(DOCUMENT);
  });

  it('throws for changed bytes, non-gzip bytes, or the document of another version', () => {
    const edited = gzipSync(JSON.stringify({ ...DOCUMENT, title: 'Edited' }));
    expect(() => readArchivedDocument(edited, 'doc', VERSION, hashArchiveBytes(bytes))).toThrow(
      /failed its integrity check/,
    );
    expect(() => readArchivedDocument(Buffer.from('x'), 'doc', VERSION, undefined)).toThrow(
      ArchiveCorruptError,
    );
    const other = gzipSync(JSON.stringify({ ...DOCUMENT, version: 'v0.2' }));
    expect(() => readArchivedDocument(other, 'doc', VERSION, undefined)).toThrow(ArchiveCorruptError);
  });
});

describe('ingestErrorSk', () => {
  it('keeps the key in the sort key while it fits, and a hash of it when it would not', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(ingestErrorSk(at, 'a.txt')).toBe(`${at}#a.txt`);
    const long = ingestErrorSk(at, `${'é'.repeat(500)}.txt`);
    expect(long).toMatch(/#sha256:[0-9a-f]{64}$/);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(1024);
  });
});

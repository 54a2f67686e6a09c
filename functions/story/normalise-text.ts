import { isUtf8 } from 'node:buffer';
import * as crypto from 'node:crypto';
import { StoryError } from './types.ts';

/** The largest story file accepted, in bytes (1 MiB); exactly this size is still accepted. */
export const MAX_STORY_BYTES = 1_048_576;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Turns raw story bytes (or a string) into the normalised text: BOM dropped, CRLF and lone CR read as LF.
 * Throws StoryError `too_large` (over 1 MiB), `binary_content` (a NUL) or `invalid_encoding` (not UTF-8).
 */
export function normaliseStoryText(input: Uint8Array | string): string {
  const decoded = typeof input === 'string' ? checkString(input) : decodeBytes(input);
  const withoutBom = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  return withoutBom.includes('\r') ? withoutBom.replace(/\r\n?/g, '\n') : withoutBom;
}

/** The `contentHash` of a normalised story text: `sha256:<hex>` of its UTF-8 bytes. */
export function hashStoryText(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

/**
 * The `contentHash` of a story read from `bytes`, the file that normaliseStoryText decoded to `text`: when
 * the file has no BOM and no CR, its bytes are the text's UTF-8 bytes, hashed without encoding the text again.
 */
export function hashStoryFile(bytes: Uint8Array, text: string): string {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bom || bytes.indexOf(0x0d) !== -1 ? hashStoryText(text) : `sha256:${sha256Hex(bytes)}`;
}

/**
 * The SHA-256 of bytes or of a string's UTF-8 bytes, as hex: crypto.hash (Node 20.12+) hashes them in one
 * call without a Hash object per file (the same digest); older Node 20 releases build the Hash object.
 */
const sha256Hex: (data: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

function decodeBytes(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_STORY_BYTES) throw tooLarge(bytes.byteLength);
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw binaryContent(nul);
  // isUtf8 checks as strictly as a fatal TextDecoder (no surrogates, no overlong forms), and Buffer's
  // decoder is faster than TextDecoder's; the decoder still runs on bad bytes, for its error.
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new StoryError(
      'invalid_encoding',
      `the file is not valid UTF-8 (near byte ${findBadByte(bytes)}); save it as UTF-8`,
    );
  }
}

function checkString(text: string): string {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_STORY_BYTES) throw tooLarge(size);
  const nul = text.indexOf('\0');
  if (nul !== -1) throw binaryContent(nul);
  if (LONE_SURROGATE.test(text)) {
    throw new StoryError(
      'invalid_encoding',
      'the text holds a lone UTF-16 surrogate, which UTF-8 cannot encode',
    );
  }
  return text;
}

function tooLarge(size: number): StoryError {
  return new StoryError(
    'too_large',
    `the file is ${size} bytes; a story may be at most ${MAX_STORY_BYTES} bytes (1 MiB)`,
  );
}

function binaryContent(offset: number): StoryError {
  return new StoryError(
    'binary_content',
    `the file holds a NUL byte at offset ${offset}; a story must be plain text`,
  );
}

/** The offset of the first byte where strict UTF-8 decoding fails, found by bisection over prefixes. */
function findBadByte(bytes: Uint8Array): number {
  let good = 0;
  let bad = bytes.byteLength;
  while (bad - good > 4) {
    const middle = Math.floor((good + bad) / 2);
    if (decodesAsPrefix(bytes.subarray(0, middle))) good = middle;
    else bad = middle;
  }
  return good;
}

function decodesAsPrefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

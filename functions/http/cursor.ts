import { createHmac, timingSafeEqual } from 'node:crypto';
import { badParameter } from './errors.ts';

const MAX_CURSOR_LENGTH = 4096;
const MAC_LENGTH = 22; // 16 bytes of HMAC-SHA256, base64url
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

function computeMac(secret: string, scope: string, storeCursor: string): string {
  return createHmac('sha256', secret)
    .update(`${scope}\n${storeCursor}`, 'utf8')
    .digest('base64url')
    .slice(0, MAC_LENGTH);
}

/**
 * Wraps the store's continuation into an opaque, tamper-evident cursor bound to `scope` (the route and
 * its ids): `base64url(storeCursor) + "." + HMAC`.
 */
export function sealCursor(storeCursor: string, scope: string, secret: string): string {
  return `${Buffer.from(storeCursor, 'utf8').toString('base64url')}.${computeMac(secret, scope, storeCursor)}`;
}

/**
 * Returns the store's continuation inside a cursor made by `sealCursor` for the same scope and secret;
 * throws a 400 HttpError for anything else (malformed, tampered, or issued for another route).
 */
export function openCursor(cursor: string, scope: string, secret: string): string {
  const invalid = badParameter('cursor is malformed or was not issued for this list');
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid;
  const [payload, mac, ...rest] = cursor.split('.');
  if (payload === undefined || mac === undefined || rest.length > 0) throw invalid;
  if (!BASE64URL_PATTERN.test(payload) || !BASE64URL_PATTERN.test(mac) || mac.length !== MAC_LENGTH) {
    throw invalid;
  }
  const bytes = Buffer.from(payload, 'base64url');
  // Only the canonical encoding is accepted, so flipping padding bits is tampering too.
  if (bytes.toString('base64url') !== payload) throw invalid;
  const storeCursor = bytes.toString('utf8');
  if (Buffer.from(storeCursor, 'utf8').compare(bytes) !== 0) throw invalid;
  const expected = Buffer.from(computeMac(secret, scope, storeCursor), 'utf8');
  if (!timingSafeEqual(expected, Buffer.from(mac, 'utf8'))) throw invalid;
  return storeCursor;
}

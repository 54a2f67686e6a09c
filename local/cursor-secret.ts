import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_FILE = 'cursor-secret';
const SECRET_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The HMAC key of paging cursors for the embedded default, kept in `<dataDir>/cursor-secret`
 * (created once, readable by the owner only), so cursors and the ETags of pages that link them stay
 * valid across restarts. A file that is not a key is replaced by a new one.
 */
export function loadCursorSecret(dataDir: string): string {
  const path = join(dataDir, SECRET_FILE);
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (SECRET_PATTERN.test(text)) {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      return text;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

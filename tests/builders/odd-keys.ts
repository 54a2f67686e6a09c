/**
 * Keys S3 accepts that a store mapping keys to file paths cannot hold as they are: S3's maximum of
 * 1,024 bytes, segments longer than a file name may be, dot segments, empty segments, unicode.
 */
export const ODD_S3_KEYS = [
  `${'a'.repeat(1020)}.bin`,
  `segments/${'b'.repeat(234)}`,
  `segments/${'c'.repeat(240)}.bin`,
  '../../../escape-proof.bin',
  'a/../b',
  'b',
  '//x',
  '/x',
  'trailing/',
  'ünïcødé/日本語 key 🌳.bin',
] as const;

/** The keys in S3's listing order (UTF-8 bytes). */
export function inListingOrder(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

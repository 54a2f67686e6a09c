import { readFileSync } from 'node:fs';

/** The seed story of SPEC §1 (v0.12). */
export const SEED_ID = '8ac52d5236e3c6f4';
export const SEED_TEXT = readFileSync(
  new URL('../../seeds/000_8ac52d5236e3c6f4.txt', import.meta.url),
  'utf8',
);

/**
 * A next version of the seed, as its writer would publish it: v0.13 a day later, 80.3 billion yuan
 * raised to 95.1 billion yuan, one sentence rewritten and one paragraph added (with a new source).
 */
export function buildSeedNextVersion(): string {
  const next = SEED_TEXT.replace(/^v0\.12 🌳/, 'v0.13 🌳')
    .replace('2024-07-05 15:33:01.103000', '2024-07-06 09:12:00')
    .replace('80.3 billion yuan', '95.1 billion yuan')
    .replace(
      "Meanwhile, Shanghai's Xuhui District aims to become",
      "Meanwhile, Shanghai's Xuhui District now plans to become",
    );
  const disclaimerAt = next.indexOf('\nDisclaimer:');
  const added =
    'Officials in Shenzhen said on Saturday that the city will open 12 more AI research centres by 2026, ' +
    'with over 40 percent of the funding coming from private companies. [5e0b0c8d]\n\n';
  return `${next.slice(0, disclaimerAt + 1)}${added}${next.slice(disclaimerAt + 1)}`;
}

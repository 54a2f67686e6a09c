import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashStoryFile, hashStoryText, normaliseStoryText } from '../../../functions/story/normalise-text.ts';

describe('hashStoryFile', () => {
  it('gives the hash of the normalised text, with or without a BOM and CRs in the file', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'é', '😀', '\r', '\n', '\r\n', '\uFEFF', ' '),
      maxLength: 30,
    });
    fc.assert(
      fc.property(text, fc.boolean(), (sample, bom) => {
        const bytes = Buffer.from(bom ? `\uFEFF${sample}` : sample);
        const normalised = normaliseStoryText(bytes);
        expect(hashStoryFile(bytes, normalised)).toBe(hashStoryText(normalised));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the hash as sha256:<hex>', () => {
    expect(hashStoryFile(Buffer.from('abc'), 'abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

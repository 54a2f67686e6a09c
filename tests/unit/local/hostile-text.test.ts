import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../local/dev-log.ts';
import { wholeKeyPath } from '../../../local/s3-key-path.ts';

describe('escapeControl', () => {
  it('keeps a key with a newline on one log line', () => {
    expect(escapeControl('forge\ningest forged.txt\r\tx')).toBe('forge\\ningest forged.txt\\r\\tx');
  });

  it('escapes other control characters, separators and bidi overrides, and doubles backslashes', () => {
    expect(escapeControl('a\u001b[31mb\u2028c\u202ed\\n')).toBe('a\\u001b[31mb\\u2028c\\u202ed\\\\n');
  });

  it('leaves ordinary unicode keys as they are', () => {
    expect(escapeControl('stories/日本語 key 🌳/v0.1.txt')).toBe('stories/日本語 key 🌳/v0.1.txt');
  });
});

describe('wholeKeyPath', () => {
  it('makes a key with empty and dot segments one route segment', () => {
    expect(wholeKeyPath('/stories///x')).toBe('/stories/%2F%2Fx');
    expect(wholeKeyPath('/stories/a/../b')).toBe('/stories/a%2F..%2Fb');
  });

  it('leaves bucket paths alone', () => {
    expect(wholeKeyPath('/stories')).toBe('/stories');
    expect(wholeKeyPath('/stories/')).toBe('/stories/');
    expect(wholeKeyPath('/')).toBe('/');
  });
});

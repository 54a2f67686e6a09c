import { describe, expect, it } from 'vitest';
import { resolveBaseUrl } from '../../../functions/http/types.ts';

describe('resolveBaseUrl', () => {
  it('uses PUBLIC_BASE_URL when set, without a trailing slash', () => {
    expect(
      resolveBaseUrl({
        publicBaseUrl: 'https://feeds.example.com/',
        headers: { host: 'ignored' },
        stage: 'prod',
      }),
    ).toBe('https://feeds.example.com');
  });

  it('prefers X-Forwarded-Proto and X-Forwarded-Host over Host, and appends a named stage', () => {
    const headers = {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      host: 'internal:8080',
    };
    expect(resolveBaseUrl({ headers, stage: 'prod' })).toBe('https://api.example.com/prod');
    expect(resolveBaseUrl({ headers, stage: '$default' })).toBe('https://api.example.com');
  });

  it('falls back to Host and http, taking the first of comma-separated forwarded values', () => {
    expect(resolveBaseUrl({ headers: { host: 'localhost:3000' } })).toBe('http://localhost:3000');
    expect(resolveBaseUrl({ headers: { 'x-forwarded-proto': 'https, http', host: 'a.example' } })).toBe(
      'https://a.example',
    );
    expect(resolveBaseUrl({ publicBaseUrl: '', headers: { host: 'a.example' } })).toBe('http://a.example');
  });

  it('does not let a hostile Host header into absolute URLs', () => {
    expect(resolveBaseUrl({ headers: { host: 'evil.example"><script>' } })).toBe('http://localhost');
    expect(resolveBaseUrl({ headers: { host: 'a.example/path?x' } })).toBe('http://localhost');
    expect(resolveBaseUrl({ headers: { 'x-forwarded-proto': 'javascript', host: 'a.example' } })).toBe(
      'http://a.example',
    );
    expect(resolveBaseUrl({ headers: { host: 'a.example' }, stage: '../x' })).toBe('http://a.example');
  });
});

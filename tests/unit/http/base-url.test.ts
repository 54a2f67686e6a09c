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

  it('takes X-Forwarded-Host over Host only where the deployment trusts it, and appends a named stage', () => {
    const headers = {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      host: 'internal:8080',
    };
    const trusted = { headers, trustForwardedHost: true };
    expect(resolveBaseUrl({ ...trusted, stage: 'prod' })).toBe('https://api.example.com/prod');
    expect(resolveBaseUrl({ ...trusted, stage: '$default' })).toBe('https://api.example.com');
    expect(resolveBaseUrl({ ...trusted, publicBaseUrl: 'https://feeds.example.com' })).toBe(
      'https://feeds.example.com',
    );
  });

  it('ignores a client-sent X-Forwarded-Host by default, so it cannot poison cached links', () => {
    const headers = { 'x-forwarded-host': 'evil.example', host: 'api.example.com' };
    expect(resolveBaseUrl({ headers })).toBe('http://api.example.com');
    expect(resolveBaseUrl({ headers, trustForwardedHost: false })).toBe('http://api.example.com');
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

  it('keeps the URLs of different requests apart while it remembers them', () => {
    // Asked twice each, in turns: a remembered answer must never be another request's.
    for (let round = 0; round < 2; round += 1) {
      expect(resolveBaseUrl({ headers: {} })).toBe('http://localhost');
      expect(resolveBaseUrl({ headers: { host: 'undefined' } })).toBe('http://undefined');
      const forwarded = { host: 'a.example', 'x-forwarded-host': 'b.example' };
      expect(resolveBaseUrl({ headers: forwarded, trustForwardedHost: true })).toBe('http://b.example');
      expect(resolveBaseUrl({ headers: forwarded })).toBe('http://a.example');
      expect(resolveBaseUrl({ headers: { host: 'a.example' }, stage: 'prod' })).toBe('http://a.example/prod');
      expect(resolveBaseUrl({ headers: { host: 'a.example', 'x-forwarded-proto': 'https' } })).toBe(
        'https://a.example',
      );
    }
  });
});

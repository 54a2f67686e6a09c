import { describe, expect, it } from 'vitest';
import { suggestFreePort } from '../../../local/commands/env.ts';

describe('suggestFreePort (the port hint of a port in use)', () => {
  it('skips the ports the other variables use, by default or as set', async () => {
    const everyPortFree = async () => true;
    expect(await suggestFreePort(4568, 'PORT', {}, everyPortFree)).toBe(4570);
    expect(
      await suggestFreePort(3000, 'DYNAMODB_PORT', { PORT: '3001', S3_PORT: '3002' }, everyPortFree),
    ).toBe(3003);
  });

  it('skips ports something listens on', async () => {
    const busy = new Set([3001, 3002]);
    expect(await suggestFreePort(3000, 'PORT', {}, async (port) => !busy.has(port))).toBe(3003);
  });

  it('proposes nothing when no port is free nearby', async () => {
    expect(await suggestFreePort(3000, 'PORT', {}, async () => false)).toBeUndefined();
  });
});

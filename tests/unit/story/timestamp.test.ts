import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../functions/story/timestamp.ts';

describe('parseTimestamp', () => {
  it.each([
    ['2024-07-05 15:33:01', '2024-07-05T15:33:01.000Z'],
    ['2024-07-05 15:33:01.103999', '2024-07-05T15:33:01.103Z'],
    ['2024-07-05T15:33:01Z', '2024-07-05T15:33:01.000Z'],
    ['2024-07-05T15:33:01.5+08:00', '2024-07-05T07:33:01.500Z'],
    ['2024-07-05T15:33:01-0800', '2024-07-05T23:33:01.000Z'],
    ['2024-07-05T15:33Z', '2024-07-05T15:33:00.000Z'],
    ['2024-07-05T15:33+05:30', '2024-07-05T10:03:00.000Z'],
    ['2024-02-29 00:00:00', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, iso });
  });

  it.each([
    ['2024-07-05 15:33', 'seconds left out of the SPEC form'],
    ['2024-07-05T15:33:01', 'T without a zone'],
    ['2024-07-05 15:33:01.1234567', 'seven fraction digits'],
    ['2023-02-29 10:00:00', 'a day that does not exist'],
    ['2024-07-05T24:00Z', 'hour 24'],
    ['2024-07-05T15:33.5Z', 'a fraction without seconds'],
  ])('refuses %s (%s)', (text) => {
    expect(parseTimestamp(text).ok).toBe(false);
  });
});

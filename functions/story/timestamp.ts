const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})([ Tt])(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Why a timestamp line was refused, or the instant it names. */
export type TimestampResult = { ok: true; iso: string } | { ok: false; reason: string };

/**
 * Reads `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) or ISO 8601 with `T` and `Z`/offset; returns the instant
 * as `Date.toISOString()` with the fraction truncated to milliseconds, or the reason it is not a real time.
 */
export function parseTimestamp(text: string): TimestampResult {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (!match) {
    return { ok: false, reason: 'expected a timestamp like 2024-07-05 15:33:01 or 2024-07-05T15:33:01Z' };
  }
  const [, y = '', mo = '', d = '', separator, h = '', mi = '', s = '', fraction = '', zulu, sign, oh, om] =
    match;
  if (fraction.length > 6) return { ok: false, reason: 'the fraction of a second has more than 6 digits' };
  if (/[Tt]/.test(separator ?? '') && zulu === undefined && sign === undefined) {
    return { ok: false, reason: 'an ISO timestamp with T needs Z or an offset such as +08:00' };
  }
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `${y}-${mo}-${d} is not a date that exists` };
  }
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, reason: `${h}:${mi}:${s} is not a time of day` };
  const offsetHours = Number(oh ?? '0');
  const offsetMinutes = Number(om ?? '0');
  if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, reason: 'the UTC offset is out of range' };
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, millis);
  return { ok: true, iso: date.toISOString() };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

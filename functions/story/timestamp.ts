const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})([ Tt])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Why a timestamp line was refused, or the instant it names. */
export type TimestampResult = { ok: true; iso: string } | { ok: false; reason: string };

/**
 * Reads `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) or ISO 8601 with `T` and `Z`/offset; returns the instant
 * as `Date.toISOString()` with the fraction truncated to milliseconds, or the reason it is not a real time.
 */
export function parseTimestamp(text: string): TimestampResult {
  const first = text.charCodeAt(0);
  const match = first >= 0x30 && first <= 0x39 ? TIMESTAMP_PATTERN.exec(text) : null; // a title rarely starts with a digit
  if (!match) {
    return { ok: false, reason: 'expected a timestamp like 2024-07-05 15:33:01 or 2024-07-05T15:33:01Z' };
  }
  const fraction = match[8] ?? '';
  const zulu = match[9];
  const sign = match[10];
  if (fraction.length > 6) return { ok: false, reason: 'the fraction of a second has more than 6 digits' };
  const iso = match[4] === 'T' || match[4] === 't';
  if (iso && zulu === undefined && sign === undefined) {
    return { ok: false, reason: 'an ISO timestamp with T needs Z or an offset such as +08:00' };
  }
  // ISO 8601 may leave out the seconds (2024-07-05T15:33Z); the SPEC's own form has them.
  if (match[7] === undefined && !iso) {
    return { ok: false, reason: 'expected a timestamp like 2024-07-05 15:33:01 or 2024-07-05T15:33:01Z' };
  }
  // The pattern is anchored: the fields stand at fixed offsets (YYYY-MM-DD HH:MM[:SS]).
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = match[7] === undefined ? 0 : digitsAt(text, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `${match[1]}-${match[2]}-${match[3]} is not a date that exists` };
  }
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, reason: `${text.slice(11, match[7] === undefined ? 16 : 19)} is not a time of day` };
  const offsetHours = Number(match[11] ?? '0');
  const offsetMinutes = Number(match[12] ?? '0');
  if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, reason: 'the UTC offset is out of range' };
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  if (offset === 0) {
    // A real UTC date and time of a 4-digit year: toISOString would write these same fields.
    const time = match[7] === undefined ? `${text.slice(11, 16)}:00` : text.slice(11, 19);
    return { ok: true, iso: `${text.slice(0, 10)}T${time}.${millis}Z` };
  }
  if (year >= 100) {
    const instant = Date.UTC(year, month - 1, day, hour, minute - offset, second, Number(millis));
    return { ok: true, iso: new Date(instant).toISOString() };
  }
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes them as written.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, Number(millis));
  return { ok: true, iso: date.toISOString() };
}

/** The decimal value of `count` ASCII digits at `at`. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i += 1) value = value * 10 + text.charCodeAt(i) - 0x30;
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

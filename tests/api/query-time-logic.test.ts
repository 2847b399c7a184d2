import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/http-errors.js';
import { parseTime } from '../../server/routes/query-parsers.js';

/**
 * The times every window query takes (from, to, as_of, expires_at), on their own. The instants are written out in UTC by
 * hand: a date alone is 00:00 in China (UTC+8), 16:00 UTC the day before.
 */
describe('parseTime', () => {
  it.each<[string, string]>([
    ['2026-11-01', '2026-10-31T16:00:00.000Z'],
    ['2028-02-29', '2028-02-28T16:00:00.000Z'],
    ['2026-01-01T00:00:00+08:00', '2025-12-31T16:00:00.000Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-06-15T18:30+0800', '2026-06-15T10:30:00.000Z'],
    ['2026-06-15T10:30:00.123456-05:00', '2026-06-15T15:30:00.123Z'],
    ['1900-01-01', '1899-12-31T16:00:00.000Z'],
    ['9999-12-31', '9999-12-30T16:00:00.000Z'],
  ])('reads %s as %s', (raw, utc) => {
    expect(parseTime(raw, 'from')?.toISOString()).toBe(utc);
  });

  it.each([
    ['2026-02-30', 'a day February lacks'],
    ['2026-02-29', 'not a leap year'],
    ['2026-04-31T00:00:00Z', 'a day April lacks, with a time'],
    ['2026-13-01', 'a thirteenth month'],
    ['2026-01-01T08:00:00', 'a time without its zone'],
    ['2026-01-01T25:00:00Z', 'hour 25'],
    ['2026-01-01 08:00:00+08:00', 'a space for the T'],
    ['26-01-01', 'a two-digit year'],
    ['1e309', 'a number'],
    ['2026-01-01\u0000', 'a NUL after a date'],
    ['', 'nothing'],
  ])('refuses %s (%s), naming the field in both languages', (raw) => {
    let thrown: unknown;
    try {
      parseTime(raw, 'to');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    const err = thrown as HttpError;
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/^to: expected an ISO 8601 date/);
    expect(err.zh).toMatch(/^to：应为 ISO 8601 日期/);
  });

  // Year 1 at China midnight is year 0 in UTC, which PostgreSQL refuses (it answered 400 invalid_value, naming nothing).
  it.each(['0001-01-01', '0000-06-01', '1899-12-31T23:00:00Z'])('refuses %s: a year before 1900, naming the field in both languages', (raw) => {
    expect(() => parseTime(raw, 'from')).toThrow(/^from: the year must be 1900 or later$/);
    try {
      parseTime(raw, 'from');
    } catch (err) {
      expect((err as HttpError).statusCode).toBe(400);
      expect((err as HttpError).zh).toBe('from：年份须不早于 1900 年');
    }
  });

  it('passes an absent value through', () => {
    expect(parseTime(undefined, 'from')).toBeUndefined();
  });
});

// Query strings a schema cannot check alone, parsed here with a 400 naming the field (HTTP-side, so not in contract/).
import type { Bbox } from '../contract/geo-schemas.js';
import { badRequest } from '../http-errors.js';

/** Parses "minLon,minLat,maxLon,maxLat", naming what is wrong. */
export function parseBbox(raw: string | undefined, field = 'bbox'): Bbox | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length !== 4 || parts.some((p) => p === '' || !Number.isFinite(Number(p)))) {
    throw badRequest(field, 'expected four numbers minLon,minLat,maxLon,maxLat', '应为四个数字 minLon,minLat,maxLon,maxLat');
  }
  const [x0, y0, x1, y1] = parts.map(Number) as Bbox;
  if (x0 < -180 || x1 > 180 || y0 < -90 || y1 > 90)
    throw badRequest(field, 'longitudes must be within -180..180 and latitudes within -90..90', '经度须在 -180..180 之间，纬度须在 -90..90 之间');
  if (x0 >= x1 || y0 >= y1) throw badRequest(field, 'min must be less than max', '最小值必须小于最大值');
  return [x0, y0, x1, y1];
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Parses an ISO 8601 time with its zone, or a date alone as that day's midnight in China time (UTC+8, no daylight saving):
 * the day every figure is counted by (migrations/020), so `from=2026-11-01` starts where the city's 1 November does. A time
 * without a zone is ambiguous and refused, and so is a day the calendar lacks (2026-02-30, which `Date` would roll over).
 */
export function parseTime(raw: string | undefined, field: string): Date | undefined {
  if (raw === undefined) return undefined;
  const m = ISO_TIME.exec(raw);
  const t = m ? new Date(m[4] === undefined ? `${raw}T00:00:00+08:00` : raw) : undefined;
  if (!m || !t || Number.isNaN(t.getTime()) || !isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw badRequest(
      field,
      'expected an ISO 8601 date (2026-01-01, from 00:00 China time) or time with zone (2026-01-01T08:00:00+08:00)',
      '应为 ISO 8601 日期（2026-01-01，自北京时间 0 时起）或带时区的时间（2026-01-01T08:00:00+08:00）',
    );
  }
  // Year 1 in China time is year 0 in UTC, which PostgreSQL cannot hold; nothing the city counts is that old.
  if (Number(m[1]) < EARLIEST_YEAR) throw badRequest(field, `the year must be ${EARLIEST_YEAR} or later`, `年份须不早于 ${EARLIEST_YEAR} 年`);
  return t;
}

const EARLIEST_YEAR = 1900;

function isCalendarDay(year: number, month: number, day: number): boolean {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function parseTimeRange(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const range = { from: parseTime(from, 'from'), to: parseTime(to, 'to') };
  if (range.from && range.to && range.from >= range.to) throw badRequest('from', 'must be before to', '必须早于 to');
  return range;
}

/** Comma-separated values, each one of `allowed`. */
export function parseList<T extends string>(raw: string | undefined, field: string, allowed: readonly T[]): T[] | undefined {
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((s) => s.trim());
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length)
    throw badRequest(
      field,
      `unknown value ${bad.map((b) => JSON.stringify(b)).join(', ')}; allowed: ${allowed.join(', ')}`,
      `未知的取值 ${bad.map((b) => JSON.stringify(b)).join(', ')}；允许：${allowed.join(', ')}`,
    );
  return values as T[];
}

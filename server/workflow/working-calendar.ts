/**
 * Working-hours arithmetic for workflow deadlines (处置时限): "4 working
 * hours from dispatch" skips lunch breaks, nights, weekends and public
 * holidays, and counts make-up working days (调休, a Saturday or Sunday that
 * is worked).
 *
 * All arithmetic happens in a fixed UTC offset (China time, +08:00, which has
 * had no daylight saving since 1991), never in the machine's zone: a server
 * running in UTC must compute the same deadline as one running in Beijing.
 */

export type TimeOfDay = `${number}:${number}` | string;

export interface WorkingCalendarConfig {
  /** Working periods of a working day, local time, e.g. [['08:30','12:00'],['14:30','18:00']]. '24:00' may end a period. */
  periods: readonly (readonly [TimeOfDay, TimeOfDay])[];
  /** ISO weekdays that are working days: 1 = Monday ... 7 = Sunday. Default Monday to Friday. */
  weekdays?: readonly number[];
  /** Local dates (YYYY-MM-DD) with no work, even on a working weekday. */
  holidays?: readonly string[];
  /** Local dates (YYYY-MM-DD) worked even though their weekday is not (调休). */
  workdays?: readonly string[];
  /** Offset of local time from UTC in minutes; default 480 (Asia/Shanghai). */
  utcOffsetMinutes?: number;
}

export interface WorkingCalendar {
  /** The moment `hours` working hours after `start`; a start outside working time counts from the next working moment. */
  addWorkingHours(start: Date, hours: number): Date;
  /** Working hours between two moments; negative when `b` is before `a`. */
  workingHoursBetween(a: Date, b: Date): number;
  /** Whether `at` falls inside a working period of a working day (period ends are exclusive). */
  isWorkingTime(at: Date): boolean;
  /** Whether a local date (YYYY-MM-DD) is a working day. */
  isWorkingDay(date: string): boolean;
}

/** Reasons a configuration is refused; `detail` names the offending value. */
export const CALENDAR_REASONS = {
  NO_PERIODS: 'no_periods',
  BAD_TIME: 'bad_time',
  EMPTY_PERIOD: 'empty_period',
  OVERLAPPING_PERIODS: 'overlapping_periods',
  BAD_WEEKDAY: 'bad_weekday',
  BAD_DATE: 'bad_date',
  HOLIDAY_AND_WORKDAY: 'holiday_and_workday',
  BAD_OFFSET: 'bad_offset',
} as const;
export type CalendarReason = (typeof CALENDAR_REASONS)[keyof typeof CALENDAR_REASONS];

export type CalendarValidation =
  | { valid: true }
  | { valid: false; reason: CalendarReason; field: 'periods' | 'weekdays' | 'holidays' | 'workdays' | 'utcOffsetMinutes'; detail: string };

export const CHINA_UTC_OFFSET_MINUTES = 480;
export const DEFAULT_PERIODS = [
  ['08:30', '12:00'],
  ['14:30', '18:00'],
] as const;
export const DEFAULT_WEEKDAYS = [1, 2, 3, 4, 5] as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A deadline further than this is a bug (or a calendar without working days), not a plan. */
const MAX_SEARCH_DAYS = 3660;

/** Minutes since midnight of 'HH:MM' (00:00 to 24:00), or null. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

/** Whether text is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function validateWorkingCalendar(config: WorkingCalendarConfig): CalendarValidation {
  const bad = (reason: CalendarReason, field: Extract<CalendarValidation, { valid: false }>['field'], detail: string): CalendarValidation => ({
    valid: false,
    reason,
    field,
    detail,
  });
  if (config.periods.length === 0) return bad(CALENDAR_REASONS.NO_PERIODS, 'periods', 'at least one working period is needed');
  const spans: [number, number, string][] = [];
  for (const [from, to] of config.periods) {
    const start = parseTimeOfDay(from);
    const end = parseTimeOfDay(to);
    if (start === null || start === 24 * 60) return bad(CALENDAR_REASONS.BAD_TIME, 'periods', `"${from}" is not a time from 00:00 to 23:59`);
    if (end === null) return bad(CALENDAR_REASONS.BAD_TIME, 'periods', `"${to}" is not a time from 00:00 to 24:00`);
    if (end <= start) return bad(CALENDAR_REASONS.EMPTY_PERIOD, 'periods', `${from}-${to} ends before it starts`);
    spans.push([start, end, `${from}-${to}`]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) return bad(CALENDAR_REASONS.OVERLAPPING_PERIODS, 'periods', `${spans[i - 1]![2]} overlaps ${spans[i]![2]}`);
  }
  for (const w of config.weekdays ?? DEFAULT_WEEKDAYS) {
    if (!Number.isInteger(w) || w < 1 || w > 7) return bad(CALENDAR_REASONS.BAD_WEEKDAY, 'weekdays', `${w} is not an ISO weekday (1 = Monday ... 7 = Sunday)`);
  }
  for (const field of ['holidays', 'workdays'] as const) {
    for (const d of config[field] ?? []) {
      if (!isIsoDate(d)) return bad(CALENDAR_REASONS.BAD_DATE, field, `"${d}" is not a date written YYYY-MM-DD`);
    }
  }
  const holidays = new Set(config.holidays ?? []);
  const both = (config.workdays ?? []).find((d) => holidays.has(d));
  if (both) return bad(CALENDAR_REASONS.HOLIDAY_AND_WORKDAY, 'workdays', `${both} is listed both as a holiday and as a make-up working day`);
  const offset = config.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60)
    return bad(CALENDAR_REASONS.BAD_OFFSET, 'utcOffsetMinutes', `${offset} is not an offset in minutes`);
  return { valid: true };
}

/** Builds a calendar; an invalid configuration is a programming error here (validate user input first). */
export function createWorkingCalendar(config: WorkingCalendarConfig): WorkingCalendar {
  const check = validateWorkingCalendar(config);
  if (!check.valid) throw new RangeError(`invalid working calendar (${check.reason}): ${check.detail}`);
  const offset = (config.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES) * MINUTE;
  // Periods as [start, end) in ms from local midnight, in order.
  const periods = config.periods.map(([from, to]) => [parseTimeOfDay(from)! * MINUTE, parseTimeOfDay(to)! * MINUTE] as const).sort((x, y) => x[0] - y[0]);
  const weekdays = new Set(config.weekdays ?? DEFAULT_WEEKDAYS);
  const holidays = new Set(config.holidays ?? []);
  const workdays = new Set(config.workdays ?? []);

  // A "day number" counts local days since 1970-01-01 (a Thursday).
  const dayOf = (utcMs: number) => Math.floor((utcMs + offset) / DAY);
  const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
  const isoWeekday = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;
  const worksOn = (day: number) => {
    const date = dateOf(day);
    if (workdays.has(date)) return true;
    if (holidays.has(date)) return false;
    return weekdays.has(isoWeekday(day));
  };
  /** The working periods of a day as absolute UTC ms, or none. */
  const periodsOf = (day: number): [number, number][] => (worksOn(day) ? periods.map(([s, e]) => [day * DAY - offset + s, day * DAY - offset + e]) : []);

  const toMs = (d: Date, name: string) => {
    const ms = d instanceof Date ? d.getTime() : NaN;
    if (Number.isNaN(ms)) throw new TypeError(`${name} must be a valid Date`);
    return ms;
  };

  function addWorkingHours(start: Date, hours: number): Date {
    const from = toMs(start, 'start');
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be a finite number >= 0, got ${hours}`);
    // Whole milliseconds, so that workingHoursBetween gives the same hours back.
    let remaining = Math.round(hours * HOUR);
    const firstDay = dayOf(from);
    for (let day = firstDay; day < firstDay + MAX_SEARCH_DAYS; day++) {
      for (const [s, e] of periodsOf(day)) {
        if (e <= from) continue;
        const begin = Math.max(s, from);
        // `<=`: a deadline that lands exactly on a period's end stays there
        // rather than jumping to the start of the next period.
        if (remaining <= e - begin) return new Date(begin + remaining);
        remaining -= e - begin;
      }
    }
    throw new RangeError(`no working time within ${MAX_SEARCH_DAYS} days of ${start.toISOString()}; does the calendar have working days?`);
  }

  function workingHoursBetween(a: Date, b: Date): number {
    const x = toMs(a, 'a');
    const y = toMs(b, 'b');
    if (y < x) return -workingHoursBetween(b, a);
    let total = 0;
    for (let day = dayOf(x); day <= dayOf(y); day++) {
      for (const [s, e] of periodsOf(day)) total += Math.max(0, Math.min(e, y) - Math.max(s, x));
    }
    return total / HOUR;
  }

  function isWorkingTime(at: Date): boolean {
    const ms = toMs(at, 'at');
    return periodsOf(dayOf(ms)).some(([s, e]) => ms >= s && ms < e);
  }

  function isWorkingDay(date: string): boolean {
    if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD`);
    return worksOn(Math.round(new Date(`${date}T00:00:00Z`).getTime() / DAY));
  }

  return { addWorkingHours, workingHoursBetween, isWorkingTime, isWorkingDay };
}

import { DEFAULT_PERIODS, isIsoDate, parseTimeOfDay, type WorkingCalendarConfig } from './working-calendar.js';

/**
 * Text forms of the working calendar, as written in environment variables:
 * periods `08:30-12:00,14:30-18:00`, dates `2026-10-01,2026-10-02` or ranges
 * `2026-10-01..2026-10-07`. Parsers return the value or a reason string; the
 * config loader turns a reason into a ConfigError naming the variable.
 */

/**
 * The 2026 PRC public holidays and make-up working days, as published by the
 * General Office of the State Council (notice of 4 Nov 2025). Shipped as the default so
 * that deadlines are right out of the box this year; each new year's schedule
 * must be set through GRIDSCOPE_HOLIDAYS / GRIDSCOPE_WORKDAYS.
 */
export const PRC_2026_HOLIDAYS =
  '2026-01-01..2026-01-03,2026-02-15..2026-02-23,2026-04-04..2026-04-06,2026-05-01..2026-05-05,' +
  '2026-06-19..2026-06-21,2026-09-25..2026-09-27,2026-10-01..2026-10-07';
export const PRC_2026_WORKDAYS = '2026-01-04,2026-02-14,2026-02-28,2026-05-09,2026-09-20,2026-10-10';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `08:30-12:00,14:30-18:00` → [['08:30','12:00'],['14:30','18:00']]; overlap is checked by validateWorkingCalendar. */
export function parseWorkPeriods(text: string): Parsed<[string, string][]> {
  const periods: [string, string][] = [];
  for (const item of splitList(text)) {
    const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(item);
    if (!m || parseTimeOfDay(m[1]!) === null || parseTimeOfDay(m[2]!) === null) {
      return { ok: false, reason: `"${item}" is not a period written HH:MM-HH:MM` };
    }
    periods.push([m[1]!, m[2]!]);
  }
  if (periods.length === 0) return { ok: false, reason: 'at least one period is needed' };
  return { ok: true, value: periods };
}

/** Longest range accepted, so that a typo in a year cannot expand to millions of dates. */
const MAX_RANGE_DAYS = 366;

/** Dates and inclusive ranges → sorted unique YYYY-MM-DD dates. Empty text is an empty list. */
export function parseDateList(text: string): Parsed<string[]> {
  const dates = new Set<string>();
  for (const item of splitList(text)) {
    const [from, to, extra] = item.split('..');
    if (extra !== undefined || !from || !isIsoDate(from) || (to !== undefined && !isIsoDate(to))) {
      return { ok: false, reason: `"${item}" is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)` };
    }
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to ?? from}T00:00:00Z`);
    const days = (end - start) / 86_400_000;
    if (days < 0 || days >= MAX_RANGE_DAYS) return { ok: false, reason: `"${item}" is not a range of 1 to ${MAX_RANGE_DAYS} days` };
    for (let d = 0; d <= days; d++) dates.add(new Date(start + d * 86_400_000).toISOString().slice(0, 10));
  }
  return { ok: true, value: [...dates].sort() };
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const dateList = (text: string) => {
  const parsed = parseDateList(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

/** The calendar deadlines use unless configured: Mon–Fri 08:30–12:00, 14:30–18:00 China time, 2026 PRC holidays and make-up days. */
export const DEFAULT_CALENDAR: WorkingCalendarConfig = {
  periods: DEFAULT_PERIODS,
  holidays: dateList(PRC_2026_HOLIDAYS),
  workdays: dateList(PRC_2026_WORKDAYS),
};

import { describe, expect, it } from 'vitest';
import { parseDateList, PRC_2026_HOLIDAYS, PRC_2026_WORKDAYS } from '../../server/workflow/calendar-config.js';
import {
  CALENDAR_REASONS,
  createWorkingCalendar,
  DEFAULT_PERIODS,
  validateWorkingCalendar,
  type WorkingCalendarConfig,
} from '../../server/workflow/working-calendar.js';

/** A moment in China time, written as on a wall clock in Zhuzhou. */
const cn = (local: string) => new Date(`${local}:00+08:00`);
/** The same moment back as China wall-clock text, e.g. '2026-06-15 10:30'. */
const wall = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

const dates = (text: string) => {
  const parsed = parseDateList(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};
const CHINA_2026: WorkingCalendarConfig = { periods: DEFAULT_PERIODS, holidays: dates(PRC_2026_HOLIDAYS), workdays: dates(PRC_2026_WORKDAYS) };
const cal = createWorkingCalendar(CHINA_2026);
const plain = createWorkingCalendar({ periods: DEFAULT_PERIODS });

describe('addWorkingHours', () => {
  it.each([
    // [start (China time), hours, deadline (China time), why]
    ['2026-06-12 16:00', 4, '2026-06-15 10:30', 'Friday afternoon over the weekend: 2 h Friday + 2 h Monday'],
    ['2026-06-09 11:00', 2, '2026-06-09 15:30', 'across the lunch break'],
    ['2026-06-09 10:00', 2, '2026-06-09 12:00', 'ending exactly at noon stays at noon'],
    ['2026-06-09 17:00', 2, '2026-06-10 09:30', 'overnight'],
    ['2026-06-09 06:00', 1, '2026-06-09 09:30', 'before work: the clock starts at 08:30'],
    ['2026-06-09 13:00', 1, '2026-06-09 15:30', 'during lunch: the clock starts at 14:30'],
    ['2026-06-09 20:00', 0.5, '2026-06-10 09:00', 'in the evening: the clock starts next morning'],
    ['2026-06-13 09:00', 1, '2026-06-15 09:30', 'on a Saturday: the clock starts Monday'],
    ['2026-06-09 12:00', 0, '2026-06-09 14:30', 'zero hours outside working time is the next working moment'],
    ['2026-06-09 09:00', 0, '2026-06-09 09:00', 'zero hours inside working time is the start'],
    ['2026-06-09 09:00', 0.25, '2026-06-09 09:15', 'a quarter hour'],
    ['2026-06-09 11:30', 1.5, '2026-06-09 15:30', 'fractional hours across lunch'],
    ['2026-06-08 08:30', 35, '2026-06-12 18:00', 'a full working week (35 h) ends Friday at 18:00, not Monday morning'],
    ['2026-09-30 16:00', 4, '2026-10-08 10:30', 'National Day: 1-7 October are holidays'],
    ['2026-10-09 16:00', 4, '2026-10-10 10:30', 'Saturday 10 October is a make-up working day'],
    ['2026-09-18 17:00', 2, '2026-09-20 09:30', 'Sunday 20 September is a make-up working day'],
    ['2026-02-13 17:00', 8, '2026-02-14 18:00', 'Spring Festival eve: Saturday 14 February is worked'],
    ['2026-02-14 17:00', 2, '2026-02-24 09:30', 'then nine days of Spring Festival'],
    ['2026-12-31 17:00', 2, '2027-01-01 09:30', 'no 2027 holidays are configured, so 1 January 2027 is an ordinary Friday'],
  ])('%s + %s h → %s (%s)', (start, hours, deadline) => {
    expect(wall(cal.addWorkingHours(cn(start), hours))).toBe(deadline);
  });

  it('ignores holidays and make-up days when none are configured', () => {
    expect(wall(plain.addWorkingHours(cn('2026-09-30 16:00'), 4))).toBe('2026-10-01 10:30');
    expect(wall(plain.addWorkingHours(cn('2026-10-09 16:00'), 4))).toBe('2026-10-12 10:30');
  });

  it('does not depend on the machine time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      const inNewYork = createWorkingCalendar(CHINA_2026).addWorkingHours(cn('2026-06-12 16:00'), 4);
      process.env.TZ = 'Pacific/Kiritimati';
      const inKiritimati = createWorkingCalendar(CHINA_2026).addWorkingHours(cn('2026-06-12 16:00'), 4);
      expect(wall(inNewYork)).toBe('2026-06-15 10:30');
      expect(inKiritimati.getTime()).toBe(inNewYork.getTime());
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('works with a period ending at midnight and a custom week', () => {
    const roundTheClock = createWorkingCalendar({ periods: [['00:00', '24:00']], weekdays: [1, 2, 3, 4, 5, 6, 7] });
    expect(wall(roundTheClock.addWorkingHours(cn('2026-06-08 00:00'), 48))).toBe('2026-06-10 00:00');
    const saturdaysOnly = createWorkingCalendar({ periods: [['09:00', '17:00']], weekdays: [6] });
    expect(wall(saturdaysOnly.addWorkingHours(cn('2026-06-08 10:00'), 10))).toBe('2026-06-20 11:00');
  });

  it('refuses misuse', () => {
    expect(() => cal.addWorkingHours(cn('2026-06-09 09:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingHours(cn('2026-06-09 09:00'), Number.NaN)).toThrow(RangeError);
    expect(() => cal.addWorkingHours(cn('2026-06-09 09:00'), Infinity)).toThrow(RangeError);
    expect(() => cal.addWorkingHours(new Date('not a date'), 1)).toThrow(TypeError);
    const never = createWorkingCalendar({ periods: DEFAULT_PERIODS, weekdays: [] });
    expect(() => never.addWorkingHours(cn('2026-06-09 09:00'), 1)).toThrow(/no working time/);
  });
});

describe('workingHoursBetween', () => {
  it.each([
    ['2026-06-12 16:00', '2026-06-15 10:30', 4],
    ['2026-06-09 08:30', '2026-06-09 18:00', 7],
    ['2026-06-09 12:10', '2026-06-09 14:20', 0],
    ['2026-06-09 19:00', '2026-06-10 08:00', 0],
    ['2026-06-08 00:00', '2026-06-15 00:00', 35],
    ['2026-09-28 00:00', '2026-10-12 00:00', 6 * 7], // Mon-Wed, then Thu 8, Fri 9 and the make-up Sat 10,
    ['2026-06-09 09:00', '2026-06-09 09:00', 0],
  ])('%s → %s is %s h', (a, b, hours) => {
    expect(cal.workingHoursBetween(cn(a), cn(b))).toBeCloseTo(hours, 9);
  });

  it('is negative when the end is before the start', () => {
    expect(cal.workingHoursBetween(cn('2026-06-15 10:30'), cn('2026-06-12 16:00'))).toBeCloseTo(-4, 9);
  });

  it('gives back the hours added, from any start, across weekends, holidays and make-up days', () => {
    const hoursList = [0, 0.1, 1, 2.75, 3.5, 4, 7, 13.25, 40, 100];
    let checked = 0;
    // Every 37 minutes through five weeks around National Day, so starts fall everywhere.
    for (let t = cn('2026-09-14 00:00').getTime(); t < cn('2026-10-19 00:00').getTime(); t += 37 * 60_000) {
      const start = new Date(t);
      for (const hours of hoursList) {
        const due = cal.addWorkingHours(start, hours);
        expect(cal.workingHoursBetween(start, due)).toBeCloseTo(hours, 9);
        // A deadline is never in a break unless it is a period's end.
        if (hours > 0) expect(cal.isWorkingTime(due) || cal.isWorkingTime(new Date(due.getTime() - 1))).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe('working days and times', () => {
  it('knows holidays, make-up days and weekends', () => {
    expect(cal.isWorkingDay('2026-10-01')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.isWorkingDay('2026-10-11')).toBe(false);
    expect(cal.isWorkingDay('2026-10-12')).toBe(true);
    expect(() => cal.isWorkingDay('2026-10-32')).toThrow(RangeError);
  });

  it('treats period ends as outside working time', () => {
    expect(cal.isWorkingTime(cn('2026-06-09 08:30'))).toBe(true);
    expect(cal.isWorkingTime(cn('2026-06-09 12:00'))).toBe(false);
    expect(cal.isWorkingTime(cn('2026-06-09 14:29'))).toBe(false);
    expect(cal.isWorkingTime(cn('2026-06-13 10:00'))).toBe(false);
  });
});

describe('validateWorkingCalendar', () => {
  it.each([
    [{ periods: [] }, CALENDAR_REASONS.NO_PERIODS, 'periods'],
    [{ periods: [['8:30', '12:00']] }, CALENDAR_REASONS.BAD_TIME, 'periods'],
    [{ periods: [['08:30', '25:00']] }, CALENDAR_REASONS.BAD_TIME, 'periods'],
    [{ periods: [['24:00', '24:00']] }, CALENDAR_REASONS.BAD_TIME, 'periods'],
    [{ periods: [['12:00', '08:30']] }, CALENDAR_REASONS.EMPTY_PERIOD, 'periods'],
    [
      {
        periods: [
          ['14:30', '18:00'],
          ['08:30', '15:00'],
        ],
      },
      CALENDAR_REASONS.OVERLAPPING_PERIODS,
      'periods',
    ],
    [{ periods: DEFAULT_PERIODS, weekdays: [0, 1] }, CALENDAR_REASONS.BAD_WEEKDAY, 'weekdays'],
    [{ periods: DEFAULT_PERIODS, holidays: ['2026-02-30'] }, CALENDAR_REASONS.BAD_DATE, 'holidays'],
    [{ periods: DEFAULT_PERIODS, workdays: ['2026/10/10'] }, CALENDAR_REASONS.BAD_DATE, 'workdays'],
    [{ periods: DEFAULT_PERIODS, holidays: ['2026-10-10'], workdays: ['2026-10-10'] }, CALENDAR_REASONS.HOLIDAY_AND_WORKDAY, 'workdays'],
    [{ periods: DEFAULT_PERIODS, utcOffsetMinutes: 100_000 }, CALENDAR_REASONS.BAD_OFFSET, 'utcOffsetMinutes'],
  ] as [WorkingCalendarConfig, string, string][])('refuses %j as %s', (config, reason, field) => {
    const result = validateWorkingCalendar(config);
    expect(result).toMatchObject({ valid: false, reason, field });
    expect(() => createWorkingCalendar(config)).toThrow(RangeError);
  });

  it('accepts touching periods and the defaults', () => {
    expect(
      validateWorkingCalendar({
        periods: [
          ['08:00', '12:00'],
          ['12:00', '13:00'],
        ],
      }),
    ).toEqual({ valid: true });
    expect(validateWorkingCalendar(CHINA_2026)).toEqual({ valid: true });
  });
});

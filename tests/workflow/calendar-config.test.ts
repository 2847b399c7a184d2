import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { parseDateList, parseWorkPeriods } from '../../server/workflow/calendar-config.js';

describe('calendar text forms', () => {
  it('parses periods', () => {
    expect(parseWorkPeriods('08:30-12:00, 14:30-18:00')).toEqual({
      ok: true,
      value: [
        ['08:30', '12:00'],
        ['14:30', '18:00'],
      ],
    });
    expect(parseWorkPeriods('08:30-12:00,2pm-6pm')).toMatchObject({ ok: false, reason: expect.stringMatching(/"2pm-6pm"/) });
    expect(parseWorkPeriods('')).toMatchObject({ ok: false });
  });

  it('parses dates and inclusive ranges, sorted and unique', () => {
    expect(parseDateList('2026-10-06..2026-10-08, 2026-10-01,2026-10-07')).toEqual({
      ok: true,
      value: ['2026-10-01', '2026-10-06', '2026-10-07', '2026-10-08'],
    });
    expect(parseDateList('2026-12-31..2027-01-01')).toEqual({ ok: true, value: ['2026-12-31', '2027-01-01'] });
    expect(parseDateList('')).toEqual({ ok: true, value: [] });
    expect(parseDateList('2026-10-07..2026-10-01')).toMatchObject({ ok: false });
    expect(parseDateList('2026-01-01..2029-01-01')).toMatchObject({ ok: false });
    expect(parseDateList('2026-02-29')).toMatchObject({ ok: false });
    expect(parseDateList('2026-10-01..2026-10-02..2026-10-03')).toMatchObject({ ok: false });
  });
});

describe('loadConfig: calendar, photos and events', () => {
  it('defaults to the 2026 PRC schedule, photos under the data directory and 30 days of events', () => {
    const config = loadConfig({ GRIDSCOPE_DATA_DIR: '/srv/gs' });
    expect(config.workingCalendar.periods).toEqual([
      ['08:30', '12:00'],
      ['14:30', '18:00'],
    ]);
    expect(config.workingCalendar.holidays).toContain('2026-10-07');
    expect(config.workingCalendar.holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect(config.workingCalendar.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(config.photoDir).toBe(join('/srv/gs', 'photos'));
    expect(config.photoMaxBytes).toBe(10 * 1024 * 1024);
    expect(config.eventRetentionDays).toBe(30);
    expect(config.wall).toEqual({ metric: 'per_1k', window: '30d', basemapStyleUrl: undefined, minGridPixels: 6 });
  });

  it("takes the wall's smallest grid worth colouring alone (0 = always grids) and refuses what is not a whole number of pixels", () => {
    expect(loadConfig({ GRIDSCOPE_WALL_MIN_GRID_PIXELS: '0' }).wall.minGridPixels).toBe(0);
    expect(loadConfig({ GRIDSCOPE_WALL_MIN_GRID_PIXELS: '12' }).wall.minGridPixels).toBe(12);
    for (const bad of ['-1', '2.5', 'six', '1001']) {
      expect(() => loadConfig({ GRIDSCOPE_WALL_MIN_GRID_PIXELS: bad }), bad).toThrow(/GRIDSCOPE_WALL_MIN_GRID_PIXELS/);
    }
  });

  it('takes explicit values; empty holiday lists mean none', () => {
    const config = loadConfig({
      GRIDSCOPE_WORK_PERIODS: '09:00-17:00',
      GRIDSCOPE_HOLIDAYS: '',
      GRIDSCOPE_WORKDAYS: '',
      GRIDSCOPE_PHOTO_DIR: 'pics',
      GRIDSCOPE_PHOTO_MAX_BYTES: '2048',
    });
    expect(config.workingCalendar).toMatchObject({ periods: [['09:00', '17:00']], holidays: [], workdays: [] });
    expect(config.photoDir).toBe(resolve('pics'));
    expect(config.photoMaxBytes).toBe(2048);
  });

  it('takes a read replica beside a PostgreSQL primary', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:pw@primary/db', DATABASE_READ_URL: 'postgresql://u:pw@replica:5433/db' });
    expect(config.databaseReadUrl).toBe('postgresql://u:pw@replica:5433/db');
    expect(loadConfig({ DATABASE_URL: 'postgres://u:pw@primary/db' }).databaseReadUrl).toBeUndefined();
  });

  it.each([
    [{ GRIDSCOPE_WORK_PERIODS: '08:30-12:00;14:30-18:00' }, /GRIDSCOPE_WORK_PERIODS=.*not a period/],
    [{ GRIDSCOPE_WORK_PERIODS: '08:30-12:00,11:00-13:00' }, /GRIDSCOPE_WORK_PERIODS=.*overlaps/],
    [{ GRIDSCOPE_WORK_PERIODS: '12:00-08:00' }, /GRIDSCOPE_WORK_PERIODS=.*ends before it starts/],
    [{ GRIDSCOPE_HOLIDAYS: '2026-13-01' }, /GRIDSCOPE_HOLIDAYS="2026-13-01"/],
    [{ GRIDSCOPE_WORKDAYS: '2026-10-01' }, /GRIDSCOPE_WORKDAYS=.*both as a holiday and as a make-up/],
    [{ GRIDSCOPE_PHOTO_MAX_BYTES: '10MB' }, /GRIDSCOPE_PHOTO_MAX_BYTES="10MB"/],
    [{ GRIDSCOPE_EVENT_RETENTION_DAYS: '0' }, /GRIDSCOPE_EVENT_RETENTION_DAYS="0"/],
    // A replica of the embedded database cannot exist; the URL (a password) is never repeated.
    [{ DATABASE_READ_URL: 'postgres://u:secret@replica/db' }, /DATABASE_READ_URL="\(redacted\)".*PGlite has no replicas/],
    [{ DATABASE_URL: 'postgres://u:pw@primary/db', DATABASE_READ_URL: 'replica:5433' }, /DATABASE_READ_URL="\(redacted\)".*postgres:\/\//],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

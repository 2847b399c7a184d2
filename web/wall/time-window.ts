import type { WallWindow } from '../../server/contract/wall-options.js';

const DAY_MS = 86_400_000;
/** The city's clock: China Standard Time, UTC+8, no daylight saving. */
const CITY_OFFSET_MS = 8 * 3_600_000;

/** Local (UTC+8) midnight of the day containing `now`. */
export function cityMidnight(now: Date): Date {
  return new Date(Math.floor((now.getTime() + CITY_OFFSET_MS) / DAY_MS) * DAY_MS - CITY_OFFSET_MS);
}

/**
 * Start of a window in whole local days, today included: today = since
 * midnight, 7d = today and the 6 days before. Whole days keep the figures
 * steady through the day instead of sliding every second.
 */
export function windowStart(window: WallWindow, now: Date): Date {
  const days = window === 'today' ? 1 : window === '7d' ? 7 : 30;
  return new Date(cityMidnight(now).getTime() - (days - 1) * DAY_MS);
}

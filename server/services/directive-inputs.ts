import { CsvError, parseCsv, type CsvTable } from '../contract/directive-csv.js';
import { invalidInput } from './domain-error.js';

/** A daily directive runs at most this many rounds: a quarter's daily reports, then a new directive. */
export const MAX_ROUNDS = 92;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The China date (YYYY-MM-DD) of an instant. */
export function chinaDate(t: Date): string {
  return new Date(t.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Checks the last day of a daily directive (日报告): a real date, not before
 * the first round's (the deadline's China date), and at most MAX_ROUNDS
 * rounds. Returns it, or null for a one-off directive.
 */
export function parseDailyUntil(raw: string | undefined, deadline: Date): string | null {
  if (raw === undefined) return null;
  const t = Date.parse(`${raw}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== raw) throw invalidInput('daily_until', 'expected a date YYYY-MM-DD', '应为日期 YYYY-MM-DD');
  const first = Date.parse(`${chinaDate(deadline)}T00:00:00Z`);
  const rounds = Math.round((t - first) / DAY_MS) + 1;
  if (rounds < 1)
    throw invalidInput('daily_until', `must not be before the first round's date ${chinaDate(deadline)}`, `不能早于首轮日期 ${chinaDate(deadline)}`);
  if (rounds > MAX_ROUNDS) throw invalidInput('daily_until', `at most ${MAX_ROUNDS} daily rounds`, `每日轮次最多 ${MAX_ROUNDS} 轮`);
  return raw;
}

/** Parses a directive's CSV attachment; a malformed one is refused naming its line. */
export function parseAttachment(raw: { filename: string; csv: string } | undefined): (CsvTable & { filename: string }) | null {
  if (raw === undefined) return null;
  const filename = raw.filename.trim();
  if (!filename) throw invalidInput('attachment.filename', 'must not be blank', '不能为空');
  try {
    return { filename, ...parseCsv(raw.csv) };
  } catch (err) {
    if (err instanceof CsvError) throw invalidInput('attachment.csv', `line ${err.line}: ${err.en}`, `第 ${err.line} 行：${err.zh}`);
    throw err;
  }
}

/**
 * Every colour scale of the maps, and the one way values become colours.
 * Pages decide which of their metrics takes which scale (the wall's
 * metric-scale.ts, the explorer's choropleth.ts); the palettes, the class
 * breaks and the lookup are here, once.
 *
 * Every scale stays readable with a colour-vision deficiency: neighbouring
 * classes differ by ΔE ≥ 9 under simulated protanopia, deuteranopia and
 * tritanopia (tests/web/colour-scales.test.ts). Red–green scales do not pass.
 */
import type { Rgba } from './theme.js';

/** One class of a legend: values ≥ `min` (and < `max`) take `colour`. */
export interface LegendClass {
  min: number;
  /** Exclusive upper bound; null for the last class. */
  max: number | null;
  colour: string;
  /** Set on categorical classes (urgency) instead of a range. */
  label?: string;
}

export interface Legend {
  classes: LegendClass[];
  /** Places with no value (no residents, or nothing reported for a rate). */
  noData: string;
  /** A difference legend: classes below zero mean "fewer/lower than the other period". */
  diverging?: boolean;
  /** Each class is one value shown, not a range (only a few places on the map). */
  exact?: boolean;
}

export const PALETTES = {
  /** Counts and rates on the wall: dark to bright, readable on a dark wall; the warm heatmap stays distinct. */
  sequentialDark: ['#1d3557', '#245f8f', '#2a9d8f', '#8ab17d', '#e9c46a'],
  /** Counts and rates in the explorer: light to dark blue-purple, cool under the warm heatmap. */
  sequentialLight: ['#f1eef6', '#d0d1e6', '#a6bddb', '#74a9cf', '#2b8cbe', '#045a8d'],
  /** Differences A − B: blue ← grey → red. */
  difference: ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'],
  /**
   * Closure rate: higher is better, so orange (low, bad) to purple (high, good),
   * ColorBrewer PuOr. Red–green failed colour-blind viewers (two classes ΔE 1.3
   * under deuteranopia).
   */
  closureRate: ['#b35806', '#f1a340', '#fee0b6', '#d8daeb', '#998ec3', '#542788'],
  /** Highest urgency of a grid's open incidents: none, blue, yellow, red. */
  urgency: ['#24324d', '#3a86ff', '#f4c430', '#e63946'],
  /** The incident heatmap: warm and translucent at the low end, so the colours beneath stay readable. */
  heat: [
    [255, 255, 178, 40],
    [254, 217, 118, 110],
    [254, 178, 76, 150],
    [253, 141, 60, 180],
    [240, 59, 32, 210],
    [189, 0, 38, 235],
  ] as Rgba[],
};

/** "No data" on the dark wall (darker than any class) and in the explorer (lighter than the background). */
export const NO_DATA = { dark: '#10151f', muted: '#2a3245' } as const;

/** Closure-rate thresholds a supervisor reads at a glance (the same on every page). */
export const CLOSURE_RATE_BREAKS = [0, 0.5, 0.7, 0.85, 0.95, 0.99];

/** Two significant digits: short legend labels, and breaks that read as round numbers. */
export function niceBreak(v: number): number {
  // toPrecision, not arithmetic: 0.072 must not come out as 0.07200000000000001.
  return v === 0 ? 0 : Number(v.toPrecision(2));
}

/**
 * Classes from ascending breaks. Fewer classes than colours take the palette's last colours (the brightest/darkest end),
 * except a first class from zero, which keeps the first colour as it has in a full legend: a map where nothing was
 * reported (a wall's "today" just after midnight, one quiet grid) is drawn in the palette's quietest colour, not its
 * loudest.
 */
export function classesFrom(breaks: readonly number[], palette: readonly string[]): LegendClass[] {
  const offset = Math.max(0, palette.length - breaks.length);
  return breaks.map((min, i) => ({ min, max: breaks[i + 1] ?? null, colour: palette[i === 0 && min === 0 ? 0 : i + offset]! }));
}

/** The value at quantile `q` of ascending `sorted` (0 when empty). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Ascending breaks with duplicates dropped (rounding can make two quantiles equal). */
export function strictlyRising(breaks: readonly number[]): number[] {
  return breaks.filter((b, i) => i === 0 || b > breaks[i - 1]!);
}

/** The closure-rate legend: fixed thresholds, PuOr. */
export function closureRateLegend(noData: string): Legend {
  return { noData, classes: classesFrom(CLOSURE_RATE_BREAKS, PALETTES.closureRate) };
}

/** Symmetric classes around zero for A − B, from the largest change shown; the middle class holds "about the same". */
export function differenceLegend(values: readonly (number | null)[], noData: string = NO_DATA.muted): Legend {
  const extent = Math.max(0, ...values.filter((v): v is number => v !== null).map(Math.abs));
  const step = niceBreak(extent / 3.5) || 1;
  const mins = [-Infinity, -2.5 * step, -1.5 * step, -0.5 * step, 0.5 * step, 1.5 * step, 2.5 * step].map((m) => (Number.isFinite(m) ? niceBreak(m) : m));
  return { diverging: true, noData, classes: classesFrom(mins, PALETTES.difference) };
}

/** The colour of one value under a legend. */
export function colourOf(legend: Legend, value: number | null): string {
  if (value === null) return legend.noData;
  let colour = legend.classes[0]!.colour;
  for (const c of legend.classes) if (value >= c.min) colour = c.colour;
  return colour;
}

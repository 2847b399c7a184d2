import type { WallMetric } from '../../server/contract/wall-options.js';
import type { GridMetrics } from './api-types.js';

/** One class of the legend: values in [min, max) get `colour`. */
export interface LegendClass {
  min: number;
  /** Exclusive upper bound; null for the last class. */
  max: number | null;
  colour: string;
  /** Set on categorical classes (urgency) instead of a range. */
  label?: string;
}

export interface Legend {
  metric: WallMetric;
  classes: LegendClass[];
  /** Grids with no value (no residents, or nothing reported for a rate). */
  noData: string;
}

export const NO_DATA = '#10151f';
// Every scale stays readable with a colour-vision deficiency: neighbouring classes
// differ by ΔE ≥ 9 under simulated protanopia, deuteranopia and tritanopia
// (tests/web/colour-scales.test.ts). Red–green scales do not pass.
// Sequential, dark to bright, readable on a dark wall; the heatmap (warm) stays distinct.
const SEQUENTIAL = ['#1d3557', '#245f8f', '#2a9d8f', '#8ab17d', '#e9c46a'];
// Closure rate: low is bad (orange), high is good (purple); ColorBrewer PuOr.
const DIVERGING = ['#e66101', '#fdb863', '#f7f7f7', '#b2abd2', '#5e3c99'];
const URGENCY = { none: '#24324d', blue: '#3a86ff', yellow: '#f4c430', red: '#e63946' };

/** The wall's palettes, for the colour-vision test. */
export const WALL_PALETTES = { sequential: SEQUENTIAL, closureRate: DIVERGING, urgency: Object.values(URGENCY) };

/**
 * The value a grid is coloured by, or null for "no data". The tuple is the
 * grid-metrics answer: [reported, closed, open, overdue, max_open_urgency, population].
 */
export function metricValue(metric: WallMetric, tuple: GridMetrics['grids'][string]): number | null {
  const [reported, closed, open, overdue, urgency, population] = tuple;
  switch (metric) {
    case 'per_1k':
      return population > 0 ? (reported / population) * 1000 : null;
    case 'open':
      return open;
    case 'overdue':
      return overdue;
    case 'closure_rate':
      return reported > 0 ? closed / reported : null;
    case 'urgency':
      return urgency;
  }
}

/** Rounds a break to 2 significant digits so legend labels stay short. */
export function niceBreak(v: number): number {
  if (v <= 0) return 0;
  // toPrecision, not arithmetic: 0.072 must not come out as 0.07200000000000001.
  return Number(v.toPrecision(2));
}

/**
 * The legend for a metric over the current values. Counts and rates get
 * quantile classes (so a city with one hot spot still shows its gradient),
 * with zero as a class of its own for counts; closure rate fixed thresholds
 * that mean something to a supervisor; urgency its four levels.
 */
export function legendFor(metric: WallMetric, values: (number | null)[]): Legend {
  if (metric === 'urgency') {
    return {
      metric,
      noData: NO_DATA,
      classes: [
        { min: 0, max: 1, colour: URGENCY.none, label: 'none' },
        { min: 1, max: 2, colour: URGENCY.blue, label: 'blue' },
        { min: 2, max: 3, colour: URGENCY.yellow, label: 'yellow' },
        { min: 3, max: null, colour: URGENCY.red, label: 'red' },
      ],
    };
  }
  if (metric === 'closure_rate') {
    const bounds = [0, 0.5, 0.7, 0.85, 0.95];
    return { metric, noData: NO_DATA, classes: bounds.map((min, i) => ({ min, max: bounds[i + 1] ?? null, colour: DIVERGING[i]! })) };
  }
  const positive = values.filter((v): v is number => v !== null && v > 0).sort((a, b) => a - b);
  const quantile = (q: number) => positive[Math.min(positive.length - 1, Math.floor(q * positive.length))] ?? 0;
  const isCount = metric === 'open' || metric === 'overdue';
  // Counts: 0 | 1.. ; rates: quantile breaks from the lowest positive value.
  const raw = isCount ? [1, quantile(0.4), quantile(0.7), quantile(0.9)] : [quantile(0.2), quantile(0.4), quantile(0.6), quantile(0.8)];
  const breaks = [0, ...raw.map((b) => (isCount ? Math.max(1, Math.ceil(b)) : niceBreak(b)))].filter((b, i, all) => i === 0 || b > all[i - 1]!);
  return { metric, noData: NO_DATA, classes: breaks.map((min, i) => ({ min, max: breaks[i + 1] ?? null, colour: SEQUENTIAL[i + SEQUENTIAL.length - breaks.length]! })) };
}

/** The colour of one value under a legend. */
export function colourFor(legend: Legend, value: number | null): string {
  if (value === null) return legend.noData;
  let colour = legend.classes[0]!.colour;
  for (const c of legend.classes) if (value >= c.min) colour = c.colour;
  return colour;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Every grid's value under a metric, keyed by the grid's numeric feature id (its code as a number, see map-grids.sql). */
export function gridValues(metric: WallMetric, metrics: GridMetrics): Map<number, number | null> {
  return new Map(Object.entries(metrics.grids).map(([code, tuple]) => [Number(code), metricValue(metric, tuple)]));
}

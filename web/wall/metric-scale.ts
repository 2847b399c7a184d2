import type { WallMetric } from '../../server/contract/wall-options.js';
import type { GridMetrics, GridMetricTuple } from './api-types.js';
import {
  classesFrom,
  closureRateLegend,
  colourOf,
  NO_DATA,
  niceBreak,
  PALETTES,
  quantile,
  strictlyRising,
  type Legend as ColourLegend,
  type LegendClass,
} from '../shared/map/colour-scales.js';

export type { LegendClass };
export { niceBreak };

/** The wall's legend: the classes of one of its metrics (palettes and lookup: web/shared/map/colour-scales.ts). */
export interface WallLegend extends ColourLegend {
  metric: WallMetric;
  /** Whose values the classes are of: grids (the default) or communities (wall-grouping.ts). */
  by?: 'grid' | 'community';
}
export type Legend = WallLegend;

const [URGENCY_NONE, URGENCY_BLUE, URGENCY_YELLOW, URGENCY_RED] = PALETTES.urgency as [string, string, string, string];

/** The wall's palettes, for the colour-vision test. */
export const WALL_PALETTES = { sequential: PALETTES.sequentialDark, closureRate: PALETTES.closureRate, urgency: PALETTES.urgency };
/** Every colour a wall legend can give a grid (its classes and "no data"): the tiled map's fixed palette. */
export const WALL_GRID_COLOURS: readonly string[] = [...new Set([...PALETTES.sequentialDark, ...PALETTES.closureRate, ...PALETTES.urgency, NO_DATA.dark])];

/**
 * The value a grid is coloured by, or null for "no data". The tuple is the
 * grid-metrics answer: [reported, closed, open, overdue, max_open_urgency, population].
 */
export function metricValue(metric: WallMetric, tuple: GridMetricTuple): number | null {
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

/**
 * The legend for a metric over the current values. Counts and rates get
 * quantile classes (so a city with one hot spot still shows its gradient),
 * with zero as a class of its own for counts; closure rate the fixed
 * thresholds every page uses; urgency its four levels.
 */
export function legendFor(metric: WallMetric, values: (number | null)[]): WallLegend {
  const noData = NO_DATA.dark;
  if (metric === 'urgency') {
    return {
      metric,
      noData,
      classes: [
        { min: 0, max: 1, colour: URGENCY_NONE, label: 'none' },
        { min: 1, max: 2, colour: URGENCY_BLUE, label: 'blue' },
        { min: 2, max: 3, colour: URGENCY_YELLOW, label: 'yellow' },
        { min: 3, max: null, colour: URGENCY_RED, label: 'red' },
      ],
    };
  }
  if (metric === 'closure_rate') return { metric, ...closureRateLegend(noData) };
  const positive = values.filter((v): v is number => v !== null && v > 0).sort((a, b) => a - b);
  const q = (p: number) => quantile(positive, p);
  const isCount = metric === 'open' || metric === 'overdue';
  // Counts: 0 | 1.. ; rates: quantile breaks from the lowest positive value.
  const raw = isCount ? [1, q(0.4), q(0.7), q(0.9)] : [q(0.2), q(0.4), q(0.6), q(0.8)];
  const breaks = strictlyRising([0, ...raw.map((b) => (isCount ? Math.max(1, Math.ceil(b)) : niceBreak(Math.max(0, b))))]);
  return { metric, noData, classes: classesFrom(breaks, PALETTES.sequentialDark) };
}

/** The colour of one value under a legend. */
export const colourFor = colourOf;

/** The i-th grid's figures from the columnar grid-metrics answer, in metricValue's order. */
export function gridTuple({ columns: c }: GridMetrics, i: number): GridMetricTuple {
  return [c.reported[i]!, c.closed[i]!, c.open[i]!, c.overdue[i]!, c.max_open_urgency[i]!, c.population[i]!];
}

/** Every grid's value under a metric, keyed by the grid's numeric feature id (its code as a number, see map-grids.sql). */
export function gridValues(metric: WallMetric, metrics: GridMetrics): Map<number, number | null> {
  const values = new Map<number, number | null>();
  for (let i = 0; i < metrics.codes.length; i++) values.set(Number(metrics.codes[i]), metricValue(metric, gridTuple(metrics, i)));
  return values;
}

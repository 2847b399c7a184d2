import {
  classesFrom,
  closureRateLegend,
  colourOf,
  differenceLegend as sharedDifferenceLegend,
  NO_DATA,
  niceBreak,
  PALETTES,
  quantile,
  strictlyRising,
  type Legend,
  type LegendClass,
} from '../shared/map/colour-scales.js';
import { rgba } from '../shared/map/theme.js';
import type { Metric } from './explore-params.js';
import type { ExploreChildren } from '../../server/contract/explore-schemas.js';

/** The figures of a child place the map can colour by: a child of GET /api/explore/children. */
export type ChildFigures = ExploreChildren['children'][number];

export type { Legend, LegendClass };

/** The explorer's palettes, for the colour-vision test (the palettes themselves: web/shared/map/colour-scales.ts). */
export const EXPLORE_PALETTES = { sequential: PALETTES.sequentialLight, difference: PALETTES.difference, closureRate: PALETTES.closureRate };
const SEQUENTIAL = PALETTES.sequentialLight;
const noData = NO_DATA.muted;

export function metricValue(metric: Metric, c: ChildFigures | undefined): number | null {
  if (!c) return null;
  switch (metric) {
    case 'reported':
      return c.reported;
    case 'overdue':
      return c.overdue;
    case 'per_1k':
      return c.per_1k;
    case 'closure_rate':
      return c.closure_rate;
    case 'mean_hours_to_close':
      return c.mean_hours_to_close;
  }
}

/** Up to this many distinct values, the legend lists the values themselves. */
export const EXACT_MAX = 4;

/**
 * Class breaks by quantiles of the values shown (so a region with one hot
 * spot still shows its gradient), rounded, duplicates dropped; closure rate
 * on fixed thresholds a supervisor reads at a glance.
 */
export function levelLegend(metric: Metric, values: (number | null)[]): Legend {
  if (metric === 'closure_rate') return closureRateLegend(noData);
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const distinct = [...new Set(sorted)];
  if (distinct.length <= EXACT_MAX) return { exact: true, noData, classes: classesFrom(distinct, SEQUENTIAL) };
  const q = (p: number) => quantile(sorted, p);
  const isCount = metric === 'reported' || metric === 'overdue';
  const raw = [0, q(1 / 6), q(2 / 6), q(3 / 6), q(4 / 6), q(5 / 6)].map((b) => (isCount ? Math.ceil(b) : niceBreak(b)));
  return { noData, classes: classesFrom(strictlyRising(raw), SEQUENTIAL) };
}

/** Symmetric classes around zero for A − B (web/shared/map/colour-scales.ts). */
export const differenceLegend = (values: (number | null)[]): Legend => sharedDifferenceLegend(values, noData);
export { colourOf, rgba };

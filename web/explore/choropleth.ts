import type { Metric } from './explore-params.js';
import type { ExploreChildren } from '../../server/contract/explore-schemas.js';

/** The figures of a child place the map can colour by: a child of GET /api/explore/children. */
export type ChildFigures = ExploreChildren['children'][number];

export interface LegendClass {
  /** Values ≥ min (and < the next class's min) take this colour. */
  min: number;
  colour: string;
}

export interface Legend {
  classes: LegendClass[];
  noData: string;
  /** A difference legend: classes below zero mean "fewer/lower than period B". */
  diverging: boolean;
  /**
   * Each class is one value shown, not a range: with only a few places on the
   * map (a grid alone, a community's three grids) ranges like "≥ 28 / 0 – 28"
   * say nothing that the values themselves do not say better.
   */
  exact?: boolean;
}

export const NO_DATA = '#2a3245';
// Sequential (light → dark blue-purple) for levels: cool, so the warm heatmap on top stays distinct.
// A diverging blue ← grey → red for differences.
const SEQUENTIAL = ['#f1eef6', '#d0d1e6', '#a6bddb', '#74a9cf', '#2b8cbe', '#045a8d'];
const DIVERGING = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];
// Closure rate: higher is better, so the scale runs the other way: orange (low, bad) to
// purple (high, good), ColorBrewer PuOr. Red–green failed colour-blind viewers (two classes
// ΔE 1.3 under deuteranopia); tests/web/colour-scales.test.ts checks every scale.
const CLOSURE = ['#b35806', '#f1a340', '#fee0b6', '#d8daeb', '#998ec3', '#542788'];

/** The explorer's palettes, for the colour-vision test. */
export const EXPLORE_PALETTES = { sequential: SEQUENTIAL, difference: DIVERGING, closureRate: CLOSURE };

export function metricValue(metric: Metric, c: ChildFigures | undefined): number | null {
  if (!c) return null;
  switch (metric) {
    case 'reported': return c.reported;
    case 'overdue': return c.overdue;
    case 'per_1k': return c.per_1k;
    case 'closure_rate': return c.closure_rate;
    case 'mean_hours_to_close': return c.mean_hours_to_close;
  }
}

/** Two significant digits: short legend labels, and breaks that read as round numbers. */
export function nice(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(2));
}

/** Up to this many distinct values, the legend lists the values themselves. */
export const EXACT_MAX = 4;

/**
 * Class breaks by quantiles of the values shown (so a region with one hot
 * spot still shows its gradient), rounded, duplicates dropped; closure rate
 * on fixed thresholds a supervisor reads at a glance.
 */
export function levelLegend(metric: Metric, values: (number | null)[]): Legend {
  if (metric === 'closure_rate') {
    return { diverging: false, noData: NO_DATA, classes: [0, 0.5, 0.7, 0.85, 0.95, 0.99].map((min, i) => ({ min, colour: CLOSURE[i]! })) };
  }
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const distinct = [...new Set(sorted)];
  if (distinct.length <= EXACT_MAX) {
    const offset = SEQUENTIAL.length - distinct.length;
    return { diverging: false, exact: true, noData: NO_DATA, classes: distinct.map((min, i) => ({ min, colour: SEQUENTIAL[i + offset]! })) };
  }
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const isCount = metric === 'reported' || metric === 'overdue';
  const raw = [0, q(1 / 6), q(2 / 6), q(3 / 6), q(4 / 6), q(5 / 6)].map((b) => (isCount ? Math.ceil(b) : nice(b)));
  const breaks = raw.filter((b, i) => i === 0 || b > raw[i - 1]!);
  const offset = SEQUENTIAL.length - breaks.length;
  return { diverging: false, noData: NO_DATA, classes: breaks.map((min, i) => ({ min, colour: SEQUENTIAL[i + offset]! })) };
}

/** Symmetric classes around zero for A − B, from the largest change shown; the middle class holds "about the same". */
export function differenceLegend(values: (number | null)[]): Legend {
  const extent = Math.max(0, ...values.filter((v): v is number => v !== null).map(Math.abs));
  const step = nice(extent / 3.5) || 1;
  const mins = [-Infinity, -2.5 * step, -1.5 * step, -0.5 * step, 0.5 * step, 1.5 * step, 2.5 * step].map((m) => (Number.isFinite(m) ? nice(m) : m));
  return { diverging: true, noData: NO_DATA, classes: mins.map((min, i) => ({ min, colour: DIVERGING[i]! })) };
}

export function colourOf(legend: Legend, value: number | null): string {
  if (value === null) return legend.noData;
  let colour = legend.classes[0]!.colour;
  for (const c of legend.classes) if (value >= c.min) colour = c.colour;
  return colour;
}

export function rgba(hex: string, alpha = 255): [number, number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

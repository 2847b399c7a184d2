import { Type, type Static } from 'typebox';
import { CallerUnitSchema, CategoryCountFields } from './common-schemas.js';
import { WALL_METRICS, WALL_WINDOWS, type WallMetric, type WallWindow } from './wall-options.js';

/**
 * The answers the wall display reads besides GeoJSON (geojson-schemas.ts):
 * its configuration, the KPIs, per-grid figures, heat cells, categories and
 * the region tree. The routes declare these; the wall derives its types.
 */

const NullableRate = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });
const WindowEcho = {
  from: Type.Union([Type.String(), Type.Null()], { description: 'the window asked for (ISO 8601); null = open-ended' }),
  to: Type.Union([Type.String(), Type.Null()]),
};

export const WallConfigSchema = Type.Object({
  metric: Type.Unsafe<WallMetric>({ type: 'string', enum: [...WALL_METRICS] }),
  window: Type.Unsafe<WallWindow>({ type: 'string', enum: [...WALL_WINDOWS] }),
  basemap_style_url: Type.Union([Type.String(), Type.Null()]),
  min_grid_pixels: Type.Number({
    minimum: 0,
    description: 'a tiled region is coloured by community where its mean grid would be drawn smaller than this (CSS px); 0 = by grid',
  }),
  features: Type.Object({
    stream: Type.Boolean({ description: 'GET /api/stream (Server-Sent Events) exists' }),
    directives: Type.Boolean({ description: 'GET /api/directives exists' }),
  }),
});
export type WallConfig = Static<typeof WallConfigSchema>;

/** The KPIs (README, "KPIs") of a region or child, over incidents reported in the window. */
export const SummaryFigures = {
  reported: Type.Integer({ description: 'incidents reported in the window' }),
  closed: Type.Integer({ description: 'of those, closed (核查结案)' }),
  closure_rate: NullableRate('closed / reported, 4 decimals; null when nothing was reported'),
  open: Type.Integer({ description: 'of those, still open (not closed, rejected or duplicate)' }),
  overdue: Type.Integer({ description: 'of those, dispatched or in progress past their due time (督办)' }),
  red_open: Type.Integer({ description: 'of those, open and of red urgency' }),
  closed_within_deadline: Type.Integer({ description: 'of the closed, resolved no later than their deadline' }),
  within_deadline_rate: NullableRate('closed within deadline / closed that had a deadline, 4 decimals'),
  mean_hours_to_close: NullableRate('mean hours from report to close over the closed, 1 decimal'),
};

export const SummarySchema = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), name_en: Type.Union([Type.String(), Type.Null()]), level: Type.String() }),
  unit: CallerUnitSchema,
  ...WindowEcho,
  ...SummaryFigures,
  children: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      name_en: Type.Union([Type.String(), Type.Null()]),
      population: Type.Union([Type.Integer(), Type.Null()], { description: 'residents; null where not surveyed' }),
      ...SummaryFigures,
    }),
  ),
});
export type Summary = Static<typeof SummarySchema>;
export type SummaryChild = Summary['children'][number];

/** The order of each grid's figures in GET /api/map/grid-metrics. */
export const GRID_METRIC_FIELDS = ['reported', 'closed', 'open', 'overdue', 'max_open_urgency', 'population'] as const;
export type GridMetricTuple = [number, number, number, number, number, number];

export const GridMetricsSchema = Type.Object({
  ...WindowEcho,
  fields: Type.Array(Type.String(), { description: GRID_METRIC_FIELDS.join(', ') }),
  grids: Type.Record(Type.String(), Type.Unsafe<GridMetricTuple>({ type: 'array', items: { type: 'integer' }, minItems: 6, maxItems: 6 })),
});
export type GridMetrics = Static<typeof GridMetricsSchema>;

const Column = (description: string) => Type.Array(Type.Integer(), { description });
/**
 * GET /api/map/grid-metrics?shape=columns: the same figures as arrays, the
 * n-th number of each column belonging to the n-th code (codes in order).
 * For maps of 100k grids: no key or small array per grid to build or parse.
 */
export const GridMetricColumnsSchema = Type.Object({
  ...WindowEcho,
  fields: Type.Array(Type.String(), { description: GRID_METRIC_FIELDS.join(', ') }),
  codes: Type.Array(Type.String(), { description: 'grid codes, ascending' }),
  columns: Type.Object({
    reported: Column('incidents reported in the window'),
    closed: Column('of those, closed'),
    open: Column('open now, whatever their report date'),
    overdue: Column('open now and past their due time'),
    max_open_urgency: Column('0 none, 1 blue, 2 yellow, 3 red'),
    population: Column('residents'),
  }),
});
export type GridMetricColumns = Static<typeof GridMetricColumnsSchema>;

export const HeatBinsSchema = Type.Object({
  ...WindowEcho,
  cell_degrees: Type.Number(),
  bins: Type.Array(Type.Unsafe<[number, number, number]>({ type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 }), {
    description: '[lon, lat, weight] at each cell centre, heaviest first',
  }),
  total_weight: Type.Integer({ description: 'sum of the returned weights' }),
  truncated: Type.Boolean({ description: 'true when lighter cells beyond limit were left out' }),
});
export type HeatBins = Static<typeof HeatBinsSchema>;

export const CategoryStatsSchema = Type.Object({
  ...WindowEcho,
  categories: Type.Array(Type.Object({ ...CategoryCountFields, closure_rate: Type.Union([Type.Number(), Type.Null()]) })),
});
export type CategoryBreakdown = Static<typeof CategoryStatsSchema>;

/** A node of GET /api/regions; `children` are nodes of the same shape (documented loosely: OpenAPI 3.0 has no recursion here). */
export const RegionNodeSchema = Type.Object({
  code: Type.String(),
  level: Type.String(),
  name: Type.String(),
  name_en: Type.Union([Type.String(), Type.Null()]),
  population: Type.Union([Type.Integer(), Type.Null()]),
  children: Type.Array(Type.Unknown(), { description: 'child nodes of the same shape' }),
});
export type RegionNode = Omit<Static<typeof RegionNodeSchema>, 'children'> & { children: RegionNode[] };

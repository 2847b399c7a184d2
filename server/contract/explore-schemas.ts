import { Type, type Static } from 'typebox';
import { INCIDENT_STATUSES, URGENCIES } from './vocabulary.js';
import { CallerUnitSchema, CategoryCountFields, DateTime, NullableDateTime, ReportedFrom, ReportedTo } from './common-schemas.js';

/** A place of the explorer: a region (6, 9 or 12 digits) or a grid (15). */
export const PlaceCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$', description: 'region code (6, 9 or 12 digits) or grid code (15)' });

/** The filters every explorer aggregate takes: a place, a window of report times and incident attributes. */
export const ExploreFilterQuery = {
  region: Type.Optional(PlaceCode),
  from: ReportedFrom,
  to: ReportedTo,
  category: Type.Optional(Type.String({ description: 'category codes, comma-separated' })),
  urgency: Type.Optional(Type.String({ description: `${URGENCIES.join(', ')}; comma-separated` })),
  status: Type.Optional(Type.String({ description: `${INCIDENT_STATUSES.join(', ')}; comma-separated` })),
};

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T, description: string) => Type.Union([t, Type.Null()], { description });

export const PlaceSchema = Type.Object({
  code: Type.String(),
  level: Type.String({ description: 'city, district, street, community or grid' }),
  name: Type.String(),
  name_en: Type.Union([Type.String(), Type.Null()]),
  population: Type.Integer(),
});

/** The figures of a place or child (README, "KPIs"), plus the rate per resident. */
export const ExploreFigures = {
  population: Type.Integer(),
  reported: Type.Integer({ description: 'incidents reported in the window that pass the filters' }),
  closed: Type.Integer({ description: 'of those, closed (核查结案)' }),
  closure_rate: Nullable(Type.Number(), 'closed / reported, 4 decimals'),
  open: Type.Integer({ description: 'of those, not closed, rejected or duplicate' }),
  overdue: Type.Integer({ description: 'of those, dispatched or in progress past due now (督办)' }),
  red_open: Type.Integer(),
  closed_within_deadline: Type.Integer(),
  within_deadline_rate: Nullable(Type.Number(), 'closed within deadline / closed with a deadline, 4 decimals'),
  mean_hours_to_close: Nullable(Type.Number(), 'mean hours from report to close over the closed, 1 decimal'),
  per_1k: Nullable(Type.Number(), 'reported per 1,000 residents, 2 decimals; null without residents'),
};

const Window = {
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
};

export const ExploreChildrenResponse = Type.Object({
  place: PlaceSchema,
  ancestors: Type.Array(PlaceSchema, { description: "from the top of the caller's scope down to the place's parent" }),
  unit: CallerUnitSchema,
  ...Window,
  totals: Type.Object(ExploreFigures),
  children: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), name_en: Type.Union([Type.String(), Type.Null()]), ...ExploreFigures })),
  categories: Type.Array(Type.Object(CategoryCountFields)),
});
export type ExploreChildren = Static<typeof ExploreChildrenResponse>;

export const SeriesInterval = Type.Union([Type.Literal('day'), Type.Literal('week')], { default: 'day' });

export const ExploreSeriesResponse = Type.Object({
  place: PlaceSchema,
  interval: Type.String(),
  from: Type.String(),
  to: Type.String(),
  buckets: Type.Array(
    Type.Object({
      start: Type.String({ description: 'first day of the bucket, China time (weeks start on Monday)' }),
      reported: Type.Integer(),
      closed: Type.Integer({ description: 'of the incidents reported in the bucket, closed now' }),
    }),
  ),
});
export type ExploreSeries = Static<typeof ExploreSeriesResponse>;

export const ExploreGridResponse = Type.Object({
  code: Type.String(),
  name: Type.String(),
  households: Type.Integer(),
  population: Type.Integer(),
  area_km2: Type.Number(),
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  workers: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), phone: Type.String({ description: 'masked: 138****1234' }) })),
  recent: Type.Array(
    Type.Object({
      code: Type.String(),
      category: Type.String(),
      urgency: Type.String(),
      status: Type.String(),
      description: Type.String(),
      reported_at: DateTime,
      closed_at: NullableDateTime,
      due_at: NullableDateTime,
    }),
    { description: 'the newest incidents that pass the filters, at most `limit`' },
  ),
});
export type ExploreGrid = Static<typeof ExploreGridResponse>;

export const SEARCH_LIMIT = { default: 20, max: 50 };

/** Places found by the explorer's search box. */
export const ExploreSearchResponse = Type.Object({
  places: Type.Array(
    Type.Object({
      code: Type.String(),
      level: Type.String({ description: 'city, district, street, community or grid' }),
      name: Type.String(),
      name_en: Type.Union([Type.String(), Type.Null()]),
      parent_name: Type.Union([Type.String(), Type.Null()], { description: 'the region it lies in, to tell namesakes apart' }),
      parent_name_en: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type ExploreSearchResponse = Static<typeof ExploreSearchResponse>;

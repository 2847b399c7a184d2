import { Type, type Static } from 'typebox';
import { PLAN_STATUSES, type PlanStatus } from './vocabulary.js';
import { DateTime, NullableDateTime } from './common-schemas.js';

/**
 * A position: [longitude, latitude] in WGS84 degrees; a third number (a
 * height, RFC 7946) is accepted and dropped. Ranges, ring closure and the
 * size limits (GRIDSCOPE_GEOMETRY_MAX_*) are checked after the schema, with
 * messages naming the position (server/plans/geojson-shape.ts).
 */
export const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 3,
  description: '[longitude, latitude] (WGS84 degrees), optionally a height, which is dropped',
});
const Ring = Type.Array(Position, { description: 'a closed ring: at least 4 positions, the last repeating the first' });
export const PolygonGeometry = Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring) });
export const MultiPolygonGeometry = Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Ring)) });
export const PolygonalGeometry = Type.Union([PolygonGeometry, MultiPolygonGeometry]);
export const LineGeometry = Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position, { minItems: 2, maxItems: 1000 }) });

const Key = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Move = Type.Object({ from: Position, to: Position }, { additionalProperties: false });

/** One editor operation (server/services/plan-edits.ts). */
export const PlanEditSchema = Type.Union([
  Type.Object(
    { op: Type.Literal('reshape'), key: Key, geometry: PolygonalGeometry, moved: Type.Optional(Type.Array(Move, { maxItems: 100 })) },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('split'), key: Type.Optional(Key), line: LineGeometry }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('merge'), keys: Type.Array(Key, { minItems: 2, maxItems: 50 }) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('add'), geometry: PolygonalGeometry }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('delete'), key: Key, absorbers: Type.Array(Key, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
]);
export type PlanEditBody = Static<typeof PlanEditSchema>;

export const PlanStatusSchema = Type.Unsafe<PlanStatus>({ type: 'string', enum: [...PLAN_STATUSES] });

export const PlanSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  community_code: Type.String(),
  community_name: Type.String(),
  base_version: Type.Integer({ description: 'the community version the plan started from' }),
  current_version: Type.Integer({ description: 'the community version now; above base_version the plan can no longer be published' }),
  status: PlanStatusSchema,
  revision: Type.Integer(),
  head_revision: Type.Integer({ description: 'redo is possible while revision < head_revision' }),
  created_by: Type.String(),
  created_at: DateTime,
  updated_at: DateTime,
  published_at: NullableDateTime,
});

/** GeoJSON built by PostGIS and passed through: the documented shape only. */
export const GeoJsonCollection = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) }, { additionalProperties: true });

export const ValidationSchema = Type.Object({
  valid: Type.Boolean(),
  revision: Type.Integer(),
  problems: GeoJsonCollection,
  /** Problems of grids the plan left untouched (household bounds, pieces): they were there before; not blocking. */
  warnings: GeoJsonCollection,
});

/**
 * A GeoJSON FeatureCollection coming in (import): the envelope only. The
 * number of features (GRIDSCOPE_IMPORT_MAX_FEATURES) and each geometry are
 * checked after the schema, so every problem is reported with its feature.
 */
export const IncomingFeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object(
        {
          type: Type.Literal('Feature'),
          id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
          geometry: Type.Union([Type.Object({ type: Type.String() }, { additionalProperties: true }), Type.Null()]),
          properties: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);
export type IncomingFeatureCollectionBody = Static<typeof IncomingFeatureCollection>;

/** What a draft would do to workload (plan-what-if.sql): the draft's grids against the published ones. */
export const WhatIfSchema = Type.Object({
  incidents_total: Type.Integer({ description: 'incidents reported in the window in the community' }),
  incidents_unassigned: Type.Integer({ description: 'of those, inside no draft grid' }),
  grids: Type.Array(
    Type.Object({
      key: Type.Integer(),
      code: Type.Union([Type.String(), Type.Null()]),
      name: Type.Union([Type.String(), Type.Null()]),
      households: Type.Integer(),
      population: Type.Integer(),
      households_published: Type.Union([Type.Integer(), Type.Null()], { description: 'null for a new grid' }),
      population_published: Type.Union([Type.Integer(), Type.Null()]),
      incidents: Type.Integer(),
      incidents_published: Type.Union([Type.Integer(), Type.Null()]),
      workers: Type.Integer(),
    }),
  ),
  removed: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      households: Type.Integer(),
      population: Type.Integer(),
      incidents_published: Type.Integer(),
      workers: Type.Integer(),
    }),
    { description: 'published grids the draft drops' },
  ),
});
export type WhatIf = Static<typeof WhatIfSchema>;
export type WhatIfGrid = WhatIf['grids'][number];

export const WhatIfResponse = Type.Object({
  plan_id: Type.Integer(),
  revision: Type.Integer(),
  from: DateTime,
  to: DateTime,
  ...WhatIfSchema.properties,
});

/** The answer of a publish (server/repositories/grid-publish-repository.ts). */
export const PublishResultSchema = Type.Object({
  plan_id: Type.Integer(),
  community_code: Type.String(),
  version: Type.Integer({ description: "the community's new version" }),
  codes: Type.Array(Type.Object({ key: Type.Integer(), code: Type.String() }), { description: 'the code each draft grid got: kept, or the next free one' }),
  removed: Type.Array(Type.String()),
  lineage: Type.Array(
    Type.Object({
      old_code: Type.Union([Type.String(), Type.Null()]),
      new_code: Type.Union([Type.String(), Type.Null()]),
      kind: Type.String(),
      share: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  reassigned_incidents: Type.Integer({ description: 'open incidents whose grid changed' }),
});
export type PublishResult = Static<typeof PublishResultSchema>;

/** One step of grid lineage (GET /api/grids/lineage): which old code became which new one. */
export const LineageEntrySchema = Type.Object({
  plan_id: Type.Integer(),
  old_code: Type.Union([Type.String(), Type.Null()], { description: 'null for a new grid' }),
  new_code: Type.Union([Type.String(), Type.Null()], { description: 'null for a removed grid' }),
  kind: Type.String({ description: 'split, merge, reshape, new or removed (migrations/009)' }),
  share: Type.Union([Type.Number(), Type.Null()], { description: "the share of the old grid's area that went to the new one" }),
  published_at: DateTime,
});

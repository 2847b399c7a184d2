import { Type, type Static } from 'typebox';
import { PLAN_STATUSES } from '../plans/grid-plan-lifecycle.js';
import { DateTime, NullableDateTime } from './common-schemas.js';

/** Longitude/latitude in WGS84 degrees. */
export const Position = Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })], {
  description: '[longitude (-180…180), latitude (-90…90)] in WGS84 degrees',
});
const Ring = Type.Array(Position, { minItems: 4, maxItems: 20_000 });
export const PolygonGeometry = Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1, maxItems: 100 }) });
export const MultiPolygonGeometry = Type.Object({
  type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Ring, { minItems: 1, maxItems: 100 }), { minItems: 1, maxItems: 100 }),
});
export const PolygonalGeometry = Type.Union([PolygonGeometry, MultiPolygonGeometry]);
export const LineGeometry = Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position, { minItems: 2, maxItems: 1000 }) });

const Key = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Move = Type.Object({ from: Position, to: Position }, { additionalProperties: false });

/** One editor operation (server/repositories/plan-edit-repository.ts). */
export const PlanEditSchema = Type.Union([
  Type.Object({ op: Type.Literal('reshape'), key: Key, geometry: PolygonalGeometry, moved: Type.Optional(Type.Array(Move, { maxItems: 100 })) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('split'), key: Type.Optional(Key), line: LineGeometry }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('merge'), keys: Type.Array(Key, { minItems: 2, maxItems: 50 }) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('add'), geometry: PolygonalGeometry }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('delete'), key: Key, absorbers: Type.Array(Key, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
]);
export type PlanEditBody = Static<typeof PlanEditSchema>;

export const PlanStatusSchema = Type.Unsafe<(typeof PLAN_STATUSES)[number]>({ type: 'string', enum: [...PLAN_STATUSES] });

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
});

/** A GeoJSON FeatureCollection coming in (import, PATCH): each feature checked by PostGIS after the shape check here. */
export const IncomingFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    geometry: Type.Union([Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }, { additionalProperties: true }), Type.Null()]),
    properties: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  }, { additionalProperties: true }), { maxItems: 5000 }),
}, { additionalProperties: true });
export type IncomingFeatureCollectionBody = Static<typeof IncomingFeatureCollection>;

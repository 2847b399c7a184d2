import { Type, type TProperties, type TSchema } from 'typebox';

/**
 * What every GeoJSON answer's schema is built from (RFC 7946): coordinates,
 * geometries by kind, the property values, Feature and FeatureCollection
 * makers and the paging members. The answers themselves are in
 * geojson-schemas.ts (places, grids, map shapes, plans) and
 * incident-geojson-schemas.ts (incidents).
 */

/** [longitude, latitude] in WGS84 degrees, 5 or 6 decimals. */
export const LonLat = Type.Unsafe<[number, number]>({
  type: 'array',
  items: { type: 'number' },
  minItems: 2,
  maxItems: 2,
  description: '[longitude, latitude]',
});
export const BboxArray = Type.Unsafe<[number, number, number, number]>({
  type: 'array',
  items: { type: 'number' },
  minItems: 4,
  maxItems: 4,
  description: '[minLon, minLat, maxLon, maxLat]',
});

export type PolygonalCoordinates = { type: 'Polygon'; coordinates: [number, number][][] } | { type: 'MultiPolygon'; coordinates: [number, number][][][] };
export const PolygonalGeometryOut = Type.Unsafe<PolygonalCoordinates>({
  type: 'object',
  required: ['type', 'coordinates'],
  properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array', items: {} } },
  description: 'Polygon or MultiPolygon, outer rings counter-clockwise',
});
export const PointGeometry = Type.Object({ type: Type.Literal('Point'), coordinates: LonLat });
export const AnyGeometry = Type.Union(
  [
    Type.Unsafe<{ type: string; coordinates: unknown }>({ type: 'object', required: ['type'], properties: { type: { type: 'string' }, coordinates: {} } }),
    Type.Null(),
  ],
  { description: 'any RFC 7946 geometry, or null when there is nothing to draw' },
);

/** Property value schemas the answers share. */
export const Text = Type.String();
export const NullableText = Type.Union([Type.String(), Type.Null()]);
export const Count = Type.Integer({ minimum: 0 });
export const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/** A Feature with typed properties; `id` and `bbox` only where the SQL writes them. */
export function featureOf<G extends TSchema, P extends TProperties, M extends TProperties = Record<never, never>>(geometry: G, properties: P, members?: M) {
  return Type.Object({ type: Type.Literal('Feature'), ...(members ?? ({} as M)), geometry, properties: Type.Object(properties) });
}

/** A FeatureCollection of `feature`, with any foreign members (paging, as_of). */
export function collectionOf<F extends TSchema, M extends TProperties = Record<never, never>>(feature: F, description: string, members?: M) {
  return Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(feature), ...(members ?? ({} as M)) }, { description });
}

/**
 * A route's answer schema for pre-serialised GeoJSON: typed as the string the
 * handler sends (Fastify passes a string payload through without serialising
 * it), while the JSON schema documents the object the string holds.
 */
export function sentAsText(schema: TSchema) {
  return Type.Unsafe<string>({ ...schema });
}

/** The OGC API Features paging members of a page of features (server/routes/feature-paging.ts). */
export const PageMembers = {
  numberMatched: Type.Integer({ description: 'features matching the filters in all' }),
  numberReturned: Type.Integer(),
  links: Type.Array(Type.Object({ rel: Type.String(), href: Type.String(), type: Type.Optional(Type.String()) }, { additionalProperties: true })),
  next_cursor: Type.Optional(Type.String({ description: 'pass as `cursor` for the next page; absent on the last page' })),
};

/** Where a grid sits: its community, street and district codes. */
export const GridAncestry = { community_code: Text, street_code: Text, district_code: Text };

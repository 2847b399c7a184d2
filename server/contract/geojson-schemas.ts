import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { DateTime, IncidentStatusSchema, NullableDateTime, UrgencySchema } from './common-schemas.js';

/**
 * The GeoJSON answers (RFC 7946) with their real feature properties, as the
 * .sql files under server/repositories/sql/ build them. PostGIS writes the
 * text and the routes send it untouched; these schemas document it (OpenAPI)
 * and give the browser its types (`Static<>`). Geometries are documented by
 * kind only: their coordinates are PostGIS's. Simplified shapes are filled in
 * by the repositories (shared-edge simplification), so no answer has a null
 * polygon.
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

const Text = Type.String();
const NullableText = Type.Union([Type.String(), Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const StatusSchema = IncidentStatusSchema;

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

const GridFigures = { households: Count, population: Count };
const GridAncestry = { community_code: Text, street_code: Text, district_code: Text };

// --- regions and grids ---------------------------------------------------

export const RegionFeature = featureOf(
  PolygonalGeometryOut,
  {
    code: Text,
    name: Text,
    name_en: NullableText,
    level: Text,
    parent_code: NullableText,
    population: NullableInt,
    area_km2: Type.Number(),
    children: Type.Array(Text, { description: 'child region codes, or the grids of a community' }),
  },
  { id: Text, bbox: BboxArray },
);
export type RegionFeature = Static<typeof RegionFeature>;

export const GridListFeature = featureOf(
  PolygonalGeometryOut,
  {
    code: Text,
    name: Text,
    name_en: Type.Union([Text, Type.Null()], { description: "English: the community's English name and the grid's number; null when the community has none" }),
    ...GridAncestry,
    ...GridFigures,
  },
  { id: Text },
);
export const GridPage = collectionOf(GridListFeature, 'one page of grids in code order', PageMembers);
export type GridPage = Static<typeof GridPage>;

export const GridFeature = featureOf(
  PolygonalGeometryOut,
  {
    code: Text,
    name: Text,
    ...GridAncestry,
    ...GridFigures,
    area_km2: Type.Number(),
    workers: Type.Array(Type.Object({ id: Type.Integer(), name: Text, phone: Type.String({ description: 'masked: 138****1234' }) })),
  },
  { id: Text },
);
export type GridFeature = Static<typeof GridFeature>;

export const GridHistoryCollection = collectionOf(
  featureOf(
    PolygonalGeometryOut,
    {
      code: Text,
      name: Text,
      community_code: Text,
      ...GridFigures,
      valid_from: Type.Union([DateTime, Type.Null()], { description: 'null: current since the grids were first loaded' }),
      valid_to: NullableDateTime,
      plan_id: NullableInt,
    },
    { id: Text },
  ),
  'the grids as they were at `as_of`',
  { as_of: DateTime },
);

export const GridExportCollection = collectionOf(
  featureOf(PolygonalGeometryOut, { code: Text, name: Text, community_code: Text, ...GridFigures }, { id: Text }),
  'current grids, for re-import',
);

export const GridWorkloadCollection = collectionOf(
  featureOf(
    PolygonalGeometryOut,
    {
      code: Text,
      name: Text,
      ...GridFigures,
      workers: Count,
      incidents: Type.Integer({ description: 'reported in the window' }),
      area_km2: Type.Number(),
    },
    { id: Text },
  ),
  'grids with their workload',
);

// --- incidents -----------------------------------------------------------

export const IncidentListFeature = featureOf(
  PointGeometry,
  {
    code: Text,
    category: Text,
    urgency: UrgencySchema,
    status: StatusSchema,
    description: Text,
    reported_at: DateTime,
    closed_at: NullableDateTime,
    urged_at: Type.Optional(Type.Union([DateTime, Type.Null()], { description: 'when it was last urged (督办), null if never' })),
    grid_code: Text,
    ...GridAncestry,
  },
  { id: Text },
);
export type IncidentListFeature = Static<typeof IncidentListFeature>;
export const IncidentPage = collectionOf(IncidentListFeature, 'one page of incidents, newest first', PageMembers);
export type IncidentPage = Static<typeof IncidentPage>;

export const IncidentDetailFeature = featureOf(
  PointGeometry,
  {
    code: Text,
    category: Text,
    category_name: Type.Object({ zh: Text, en: Text }),
    urgency: UrgencySchema,
    status: StatusSchema,
    description: Text,
    reporter: Text,
    reported_at: DateTime,
    filed_at: NullableDateTime,
    dispatched_at: NullableDateTime,
    due_at: NullableDateTime,
    resolved_at: NullableDateTime,
    closed_at: NullableDateTime,
    overdue: Type.Boolean({ description: 'dispatched or in progress past due' }),
    urged_at: Type.Union([DateTime, Type.Null()], { description: 'when it was last urged (督办), null if never' }),
    site_check: Type.Union(
      [
        Type.Object({
          verdict: Type.Unsafe<'fixed' | 'not_fixed'>({ type: 'string', enum: ['fixed', 'not_fixed'] }),
          note: Text,
          at: DateTime,
          actor: Text,
          photo_urls: Type.Array(Text),
          current: Type.Boolean({ description: 'made since the latest resolution (false: an older round, before a verify_fail)' }),
        }),
        Type.Null(),
      ],
      { description: "the grid worker's latest on-site check (核查), null if none" },
    ),
    grid_code: Text,
    ...GridAncestry,
    duplicate_of: Type.Union([Text, Type.Null()], { description: 'the code of the original' }),
    assignments: Type.Array(
      Type.Object({
        unit: Text,
        unit_name: Text,
        status: Text,
        assigned_at: DateTime,
        due_at: NullableDateTime,
        resolved_at: NullableDateTime,
        feedback: Text,
      }),
    ),
    photos: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Text,
        mime: Text,
        bytes: Type.Integer(),
        uploaded_by: Text,
        uploaded_at: DateTime,
        url: Text,
      }),
    ),
    mediations: Type.Array(
      Type.Object({
        attempt: Type.Integer(),
        at: DateTime,
        outcome: Type.Unsafe<'succeeded' | 'failed'>({ type: 'string', enum: ['succeeded', 'failed'] }),
        note: Text,
        actor: Text,
      }),
    ),
    history: Type.Array(
      Type.Object({
        at: DateTime,
        actor: Text,
        action: Text,
        from_status: NullableText,
        to_status: Text,
        note: Text,
        details: Type.Unknown(),
      }),
    ),
  },
  { id: Text },
);
export type IncidentDetailFeature = Static<typeof IncidentDetailFeature>;

/** The answer to a new report (POST /api/incidents): the incident and possible duplicates nearby. */
export const ReportedIncidentSchema = Type.Object({
  incident: IncidentDetailFeature,
  possible_duplicates: Type.Array(
    Type.Object({
      code: Text,
      status: StatusSchema,
      reported_at: DateTime,
      description: Text,
      distance_m: Type.Number({ description: 'metres from the new report' }),
    }),
    { description: 'the same category within 50 m and 24 hours, nearest first' },
  ),
});
export type ReportedIncident = Static<typeof ReportedIncidentSchema>;

/** GET /api/incidents/:code/nearby: the incident's possible duplicates, placed, for the dispatch console's map. */
export const NearbyIncidentsSchema = Type.Object({
  code: Text,
  location: Type.Unsafe<[number, number]>({ ...LonLat, description: 'the incident, [longitude, latitude]' }),
  duplicates: Type.Array(
    Type.Object({
      code: Text,
      status: StatusSchema,
      reported_at: DateTime,
      description: Text,
      distance_m: Type.Number({ description: 'metres from the incident' }),
      lon: Type.Number(),
      lat: Type.Number(),
    }),
    { description: "the same category within 50 m, reported in the 24 hours before it, within the caller's scope; nearest first" },
  ),
});
export type NearbyIncidents = Static<typeof NearbyIncidentsSchema>;

// --- the wall's and the explorer's shapes -------------------------------

/**
 * With `tiles=auto`, a region of more grids than the server's threshold is
 * answered with no features and this member (a GeoJSON foreign member): draw
 * the grids from these vector tiles instead (feature id = grid code as a number).
 */
export const MapGridTiles = Type.Object(
  {
    threshold: Type.Integer({ minimum: 0, description: 'GRIDSCOPE_TILE_GRID_THRESHOLD: more grids than this are drawn from tiles' }),
    grids: Type.Integer({ minimum: 0, description: 'grids in the region asked for (inside the caller scope)' }),
    bbox: Type.Union([BboxArray, Type.Null()], { description: 'extent of those grids; null when none' }),
    tiles: Type.String({ description: 'same-origin tile URL template: /tiles/grids/{z}/{x}/{y}.mvt, with the region' }),
    minzoom: Type.Integer({ description: 'below this zoom the grid tiles are empty (a grid is under a pixel)' }),
    maxzoom: Type.Integer(),
    revision: Type.String({ description: 'geometry revision: changes when boundaries are published (reload the tiles)' }),
  },
  { description: 'the region is drawn from vector tiles' },
);
export type MapGridTiles = Static<typeof MapGridTiles>;

export const MapGridCollection = collectionOf(
  featureOf(
    PolygonalGeometryOut,
    { population: Count },
    { id: Type.Integer({ description: 'the grid code as a number (map feature state needs numeric ids)' }) },
  ),
  'grid polygons for colouring: id = grid code; with tiles=auto over the threshold, no features and `tiled`',
  { tiled: Type.Optional(MapGridTiles) },
);
export type MapGridCollection = Static<typeof MapGridCollection>;

const LabelledShape = {
  code: Text,
  name: Text,
  name_en: NullableText,
  label: Type.Unsafe<[number, number]>({ ...LonLat, description: 'a point inside the shape, for its label' }),
};

export const OutlineCollection = collectionOf(
  featureOf(
    PolygonalGeometryOut,
    {
      ...LabelledShape,
      population: NullableInt,
      level: Type.Unsafe<'district' | 'street'>({ type: 'string', enum: ['district', 'street'] }),
    },
    { id: Text, bbox: BboxArray },
  ),
  'district or street outlines with label points',
);
export type OutlineCollection = Static<typeof OutlineCollection>;

export const ExploreShapeCollection = collectionOf(
  featureOf(
    PolygonalGeometryOut,
    {
      ...LabelledShape,
      population: Count,
      level: Type.String({ description: 'district, street, community or grid' }),
    },
    { id: Text, bbox: BboxArray },
  ),
  "the children of a place (or a grid itself), for the explorer's map",
);
export type ExploreShapeCollection = Static<typeof ExploreShapeCollection>;

// --- boundary plans -----------------------------------------------------

export const PlanGridFeature = featureOf(
  PolygonalGeometryOut,
  {
    key: Type.Integer({ description: "the feature's key within the plan" }),
    code: Type.Union([Text, Type.Null()], { description: 'null for a grid new in this plan' }),
    name: NullableText,
    ...GridFigures,
    workers: Count,
    incidents: Type.Integer({ description: 'reported in the window' }),
    area_km2: Type.Number(),
  },
  { id: Type.Integer() },
);
export type PlanGridFeature = Static<typeof PlanGridFeature>;
export const PlanGridCollection = collectionOf(PlanGridFeature, "a draft's grids at its current revision");

export const PlanDiffFeature = featureOf(AnyGeometry, {
  change: Type.Unsafe<'new' | 'changed' | 'removed' | 'unchanged'>({ type: 'string', enum: ['new', 'changed', 'removed', 'unchanged'] }),
  key: NullableInt,
  code: NullableText,
  name: NullableText,
  changed_m2: NullableNumber,
});
export type PlanDiffFeature = Static<typeof PlanDiffFeature>;
export const PlanDiffCollection = collectionOf(PlanDiffFeature, 'what publishing would change, grid by grid');

import { type Static, Type } from 'typebox';
import {
  AnyGeometry,
  BboxArray,
  Count,
  collectionOf,
  featureOf,
  GridAncestry,
  LonLat,
  NullableInt,
  NullableNumber,
  NullableText,
  PageMembers,
  PolygonalGeometryOut,
  Text,
} from './geojson-base.js';
import { DateTime, NullableDateTime } from './common-schemas.js';

/**
 * The GeoJSON answers (RFC 7946) with their real feature properties, as the
 * .sql files under server/repositories/sql/ build them. PostGIS writes the
 * text and the routes send it untouched; these schemas document it (OpenAPI)
 * and give the browser its types (`Static<>`). Geometries are documented by
 * kind only: their coordinates are PostGIS's. Simplified shapes are filled in
 * by the repositories (shared-edge simplification), so no answer has a null
 * polygon.
 *
 * Incidents' answers are in incident-geojson-schemas.ts; the pieces both
 * are built from in geojson-base.ts.
 */

const GridFigures = { households: Count, population: Count };

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
    communities: Type.Object(
      {
        tiles: Type.String({ description: 'same-origin tile URL template: /tiles/communities/{z}/{x}/{y}.mvt, with the region' }),
        minzoom: Type.Integer(),
        maxzoom: Type.Integer(),
      },
      { description: "the region's communities (feature id = community code), for a map too small to show its grids one by one" },
    ),
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
      level: Type.Unsafe<'district' | 'street' | 'community' | 'grid'>({ type: 'string', enum: ['district', 'street', 'community', 'grid'] }),
    },
    { id: Text, bbox: BboxArray },
  ),
  'district, street, community or grid outlines with label points',
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

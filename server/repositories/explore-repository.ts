import type { Queryable } from '../db/database.js';
import type { ScopeLevel } from './region-repository.js';
import { createSharedEdgeShapes, withSharedEdgeShapes, type SharedEdgeLayer } from './shared-edge-shapes.js';
import { sqlFile } from './sql-file.js';
import type { CategoryCount } from './map-repository.js';
import type { Counts } from './stats-repository.js';
import { splitParams, splitWindow } from './daily-rollup.js';

const EXPLORE_COUNTS = sqlFile('explore-counts.sql');
const EXPLORE_CHILDREN = sqlFile('explore-children.sql');
const EXPLORE_CATEGORIES = sqlFile('explore-categories.sql');
const EXPLORE_SERIES = sqlFile('explore-series.sql');
const EXPLORE_SHAPES = sqlFile('explore-shapes.sql');
const EXPLORE_GRID = sqlFile('explore-grid.sql');
const EXPLORE_RECENT = sqlFile('explore-recent.sql');
const EXPLORE_PLACES = sqlFile('explore-places.sql');
const EXPLORE_SEARCH = sqlFile('explore-search.sql');

/** The layer a place's children belong to (a grid's only shape is itself). */
const CHILD_LAYER: Record<ScopeLevel, SharedEdgeLayer> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: 'grid' };

/** The explorer's filters: incidents of `place` reported in [from, to) with these attributes (undefined = any). */
export interface ExploreFilter {
  /** District, street, community or grid code; null = the whole city. */
  place: string | null;
  from?: Date;
  to?: Date;
  categories?: string[];
  urgencies?: string[];
  statuses?: string[];
  /** A handler's unit: only incidents dispatched to it, as in their incident list. */
  unit?: string | null;
}

export interface Place {
  code: string;
  level: ScopeLevel;
  name: string;
  name_en: string | null;
  population: number;
}

/** A place found by name or code, with its parent's name to tell namesakes apart. */
export interface FoundPlace {
  code: string;
  level: ScopeLevel;
  name: string;
  name_en: string | null;
  parent_name: string | null;
  parent_name_en: string | null;
}

export interface ChildPlace {
  code: string;
  name: string;
  name_en: string | null;
  population: number;
}

export interface SeriesBucket {
  /** First day of the bucket, China time (YYYY-MM-DD). */
  start: string;
  reported: number;
  closed: number;
}

export interface GridDetail {
  code: string;
  name: string;
  households: number;
  population: number;
  area_km2: number;
  bbox: [number, number, number, number];
  workers: { id: number; name: string; phone: string }[];
}

export interface RecentIncident {
  code: string;
  category: string;
  urgency: string;
  status: string;
  description: string;
  reported_at: Date;
  closed_at: Date | null;
  due_at: Date | null;
}

const filterParams = (f: ExploreFilter) => [f.place, f.from ?? null, f.to ?? null, f.categories ?? null, f.urgencies ?? null, f.statuses ?? null];
/** The rollup readers' leading parameters (daily-rollup.ts): place, the window split into rollup days and raw edges, attribute filters. */
const rollupParams = (f: ExploreFilter) => [
  f.place,
  ...splitParams(splitWindow(f.from, f.to, f.unit)),
  f.categories ?? null,
  f.urgencies ?? null,
  f.statuses ?? null,
];

/** Aggregates behind the district explorer (/explore): figures by child place, a time series, categories, shapes. */
export function createExploreRepository(db: Queryable) {
  const sharedEdgeShapes = createSharedEdgeShapes(db);
  return {
    /** Counts per child code (grid-code prefix of `childLength` digits) of the filtered incidents. */
    async countsByChild(f: ExploreFilter & { childLength: number }, tx: Queryable = db): Promise<Map<string, Counts>> {
      const rows = await tx.query<Counts & { child_code: string }>(EXPLORE_COUNTS, [...rollupParams(f), f.childLength, f.unit ?? null]);
      return new Map(rows.map(({ child_code, ...counts }) => [child_code, counts]));
    },

    async children(place: { code: string; level: ScopeLevel }, tx: Queryable = db): Promise<ChildPlace[]> {
      return tx.query<ChildPlace>(EXPLORE_CHILDREN, [place.code, place.level]);
    },

    async categories(f: ExploreFilter, tx: Queryable = db): Promise<CategoryCount[]> {
      return tx.query<CategoryCount>(EXPLORE_CATEGORIES, [...rollupParams(f), f.unit ?? null]);
    },

    /** One bucket per day or week of [from, to), China time; both bounds are required. */
    async series(f: ExploreFilter & { from: Date; to: Date; interval: 'day' | 'week' }, tx: Queryable = db): Promise<SeriesBucket[]> {
      return tx.query<SeriesBucket>(EXPLORE_SERIES, [...rollupParams(f), f.interval, f.unit ?? null, f.from, f.to]);
    },

    /** The children's polygons as GeoJSON text (a grid: itself), simplified with the edges they share. */
    async shapesText(place: { code: string; level: ScopeLevel }, simplify: number, tx: Queryable = db): Promise<string> {
      const rows = await tx.query<{ body: string }>(EXPLORE_SHAPES, [place.code, place.level, simplify]);
      if (simplify === 0) return rows[0]!.body;
      const collection = JSON.parse(rows[0]!.body) as { features: { id: string; geometry: unknown }[] };
      collection.features = withSharedEdgeShapes(collection.features, await sharedEdgeShapes(CHILD_LAYER[place.level], simplify, 5));
      return JSON.stringify(collection);
    },

    async grid(code: string, scope: string | null, tx: Queryable = db): Promise<GridDetail | null> {
      const rows = await tx.query<GridDetail>(EXPLORE_GRID, [code, scope]);
      return rows[0] ?? null;
    },

    async recent(f: ExploreFilter & { place: string; limit: number }, tx: Queryable = db): Promise<RecentIncident[]> {
      return tx.query<RecentIncident>(EXPLORE_RECENT, [...filterParams(f), f.limit, f.unit ?? null]);
    },

    /** Regions and grids by code (unknown codes are left out), in code order. */
    async places(codes: string[], tx: Queryable = db): Promise<Place[]> {
      return tx.query<Place>(EXPLORE_PLACES, [codes]);
    },

    /** Regions and grids inside `scope` (null = the city) whose name contains `text` or whose code starts with it. */
    async search(text: string, scope: string | null, limit: number, tx: Queryable = db): Promise<FoundPlace[]> {
      return tx.query<FoundPlace>(EXPLORE_SEARCH, [text, scope, limit]);
    },
  };
}

export type ExploreRepository = ReturnType<typeof createExploreRepository>;

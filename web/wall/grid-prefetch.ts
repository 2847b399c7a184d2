import type { Geometry } from 'geojson';
import type { GridTileSource } from '../shared/map/grid-tiles.js';
import type { Bbox } from './api-types.js';

/**
 * The grid polygons as /api/map/grids sends them: id = grid code, population
 * only. Asked with tiles=auto: a region over the server's threshold comes as
 * no features and `tiled`, where its vector tiles are.
 */
export interface GridCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: number; geometry: Geometry; properties: { population: number | null } }[];
  tiled?: GridTileSource;
}

/** Polygons and the ETag they came with, to ask later whether they changed. */
export interface LoadedGrids {
  grids: GridCollection;
  etag: string | null;
}

declare global {
  interface Window {
    /** Started by wall.html's head before any module loads. */
    gridscopeGrids?: { url: string; body: Promise<LoadedGrids | null> };
  }
}

const RETRY_MS = 3_000;

/**
 * The grid polygons at `url` (/api/map/grids with the wall's region, tiles=auto
 * and token), or where their tiles are: the answer wall.html's head asked for before any module loaded, if
 * it asked for this very URL and got one; otherwise fetched now, and again
 * every few seconds until they come (a wall starts before its server, too),
 * while `wanted()` holds. Never rejects; undefined if no longer wanted.
 */
export async function loadGrids(url: string, wanted: () => boolean): Promise<LoadedGrids | undefined> {
  const prefetch = window.gridscopeGrids;
  const early = prefetch?.url === url ? await prefetch.body : null;
  if (early) return early;
  while (wanted()) {
    const loaded = await changedGrids(url, null);
    if (loaded) return loaded;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  return undefined;
}

/**
 * The polygons at `url` if their ETag is no longer `etag` (a planner
 * published new boundaries); null when unchanged or out of reach. The
 * browser revalidates its copy: unchanged costs a 304 and no parsing.
 */
export async function changedGrids(url: string, etag: string | null): Promise<LoadedGrids | null> {
  try {
    const res = await fetch(url, { cache: 'no-cache', headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const now = res.headers.get('etag');
    if (etag !== null && now === etag) return null;
    return { grids: (await res.json()) as GridCollection, etag: now };
  } catch {
    // The server is down: the wall says so elsewhere.
    return null;
  }
}

/** West, south, east, north of every vertex; undefined for an empty collection. */
export function gridsBbox(grids: GridCollection): Bbox | undefined {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as [number, number];
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
      return;
    }
    for (const inner of c as unknown[]) visit(inner);
  };
  for (const f of grids.features) visit((f.geometry as { coordinates: unknown }).coordinates);
  return w <= e ? [w, s, e, n] : undefined;
}

import type { Geometry } from 'geojson';
import type { Bbox } from './api-types.js';

/** The grid polygons as /api/map/grids sends them: id = grid code, population only. */
export interface GridCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: number; geometry: Geometry; properties: { population: number | null } }[];
}

declare global {
  interface Window {
    /** Started by wall.html's head before any module loads. */
    gridscopeGrids?: { url: string; body: Promise<GridCollection | null> };
  }
}

const RETRY_MS = 3_000;

/**
 * The grid polygons at `url` (/api/map/grids with the wall's region and
 * token): the answer wall.html's head asked for before any module loaded, if
 * it asked for this very URL and got one; otherwise fetched now, and again
 * every few seconds until they come (a wall starts before its server, too),
 * while `wanted()` holds. Never rejects; undefined if no longer wanted.
 */
export async function loadGrids(url: string, wanted: () => boolean): Promise<GridCollection | undefined> {
  const prefetch = window.gridscopeGrids;
  const early = prefetch?.url === url ? await prefetch.body : null;
  if (early) return early;
  while (wanted()) {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      if (res.ok) return (await res.json()) as GridCollection;
    } catch {
      // The server is down: the wall says so elsewhere; keep trying.
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  return undefined;
}

/** West, south, east, north of every vertex; undefined for an empty collection. */
export function gridsBbox(grids: GridCollection): Bbox | undefined {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
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

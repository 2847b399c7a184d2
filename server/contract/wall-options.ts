/**
 * The wall display's choices, shared by the server (configuration, the wall
 * config route) and the web client (URL parameters). Plain constants, no
 * imports, so the browser bundle can take them without pulling in TypeBox.
 */

/** How grids are coloured. */
export const WALL_METRICS = ['per_1k', 'open', 'closure_rate', 'overdue', 'urgency'] as const;
export type WallMetric = (typeof WALL_METRICS)[number];

/** The time window of every figure on the wall: incidents reported since ... */
export const WALL_WINDOWS = ['today', '7d', '30d'] as const;
export type WallWindow = (typeof WALL_WINDOWS)[number];

export interface WallOptions {
  /** Default grid colouring when the URL names none. */
  metric: WallMetric;
  /** Default time window when the URL names none. */
  window: WallWindow;
  /** A MapLibre style URL drawn under the grids; unset = no basemap (offline). */
  basemapStyleUrl?: string;
  /**
   * A region drawn from vector tiles is coloured by community while its mean grid would be drawn smaller than this
   * (CSS pixels a side) at the zoom shown; 0 = always by grid. Default WALL_MIN_GRID_PIXELS.
   */
  minGridPixels?: number;
}

/**
 * Grids drawn smaller than this are not worth colouring one by one: at a province's 100k grids a city view holds
 * cells of ~3 px, a speckle nobody can read and, on the software renderer, most of the time to the first complete
 * frame (README, "A 100k-grid city"). Communities are ~70 times fewer.
 */
export const WALL_MIN_GRID_PIXELS = 6;

export const DEFAULT_WALL_OPTIONS: WallOptions = { metric: 'per_1k', window: '30d' };

export function isWallMetric(v: string | null | undefined): v is WallMetric {
  return (WALL_METRICS as readonly string[]).includes(v ?? '');
}

export function isWallWindow(v: string | null | undefined): v is WallWindow {
  return (WALL_WINDOWS as readonly string[]).includes(v ?? '');
}

import { isWallMetric, isWallWindow, type WallMetric, type WallWindow } from '../../server/contract/wall-options.js';

import type { Lang } from '../shared/i18n.js';
export type { Lang };

/** What the wall's URL may say: /wall?metric=overdue&window=7d&lang=en&heat=off&tour=20&refresh=15&region=430202&by=community&token=... */
export interface WallParams {
  /** Grid colouring; absent = the server's configured default. */
  metric?: WallMetric;
  /** Time window of every figure; absent = the server's configured default. */
  window?: WallWindow;
  lang: Lang;
  /** The incident heatmap over the grids; `heat=off` shows the grids' colours alone. */
  heat: boolean;
  /** Seconds per district of the district tour; 0 = no tour. */
  tourSeconds: number;
  /** Seconds between full refreshes (the only updates when the server has no event stream). */
  refreshSeconds?: number;
  /** District/street/community to show instead of the whole city. */
  region?: string;
  /** Access token appended to every API request and to the event stream. */
  token?: string;
  /**
   * What a region drawn from vector tiles is coloured by: `grid`, `community`, or (absent) whichever its size on
   * screen allows (web/wall/wall-grouping.ts). A region sent as polygons is always coloured by grid.
   */
  by?: 'grid' | 'community';
}

/** Reads the URL; a value it does not understand is ignored (a wall has nobody to show an error to), not fatal. */
export function parseWallParams(search: string): WallParams {
  const q = new URLSearchParams(search);
  const metric = q.get('metric');
  const window = q.get('window');
  const tour = Number(q.get('tour') ?? 0);
  const refresh = Number(q.get('refresh') ?? NaN);
  const region = q.get('region');
  const by = q.get('by');
  return {
    metric: isWallMetric(metric) ? metric : undefined,
    window: isWallWindow(window) ? window : undefined,
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
    heat: q.get('heat') !== 'off',
    // Under 5 s a flight never settles before the next starts.
    tourSeconds: Number.isFinite(tour) && tour > 0 ? Math.max(5, Math.round(tour)) : 0,
    refreshSeconds: Number.isFinite(refresh) && refresh > 0 ? Math.max(1, refresh) : undefined,
    region: region && /^[0-9]{6}([0-9]{3}){0,2}$/.test(region) ? region : undefined,
    token: q.get('token') || undefined,
    by: by === 'grid' || by === 'community' ? by : undefined,
  };
}

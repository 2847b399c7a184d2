/**
 * The colours and fonts of every map page (wall, explorer, plan editor,
 * dispatch): one dark background, one text and accent colour, the outline
 * and heatmap colours. Scales for values live in colour-scales.ts.
 */
export type Rgba = [number, number, number, number];

export const THEME = {
  background: '#0b1220',
  text: '#e6edf7',
  accent: '#5cc8ff',
  muted: '#8a9bb8',
  /** Headings of small boxes over the map (legend). */
  subtle: '#9fb3d1',
  /** A box over the map (legend, panels), translucent over the background. */
  panel: 'rgba(11, 18, 32, 0.86)',
  /** Grids before their figures arrive. */
  uncoloured: '#1a2336',
  selected: '#2f7de1',
  warning: '#ffb020',
  alarm: '#ff3b5c',
} as const;

/** CJK first: names are Chinese unless the page is in English. */
export const MAP_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';

/**
 * The desk pages' root font against the usual 16 px: 2 on a 4K screen with no display scaling (their HTML doubles it there),
 * else 1. Names drawn on a map (in pixels) are multiplied by it so that they keep their size beside the page's text.
 */
export function uiScale(): number {
  if (typeof getComputedStyle !== 'function') return 1;
  const px = Number.parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(px) && px > 0 ? px / 16 : 1;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function rgba(hex: string, alpha = 255): Rgba {
  return [...hexToRgb(hex), alpha];
}

/** Outlines drawn over grids: streets faint, districts bright, grid edges the background's colour. */
export const OUTLINE = {
  gridEdge: rgba(THEME.background, 150),
  street: [159, 179, 217, 140] as Rgba,
  district: [230, 237, 247, 255] as Rgba,
};

/** Name labels: white (secondary names a little dimmer) outlined in the background's colour. */
export const LABEL = {
  colour: [255, 255, 255, 255] as Rgba,
  secondary: [210, 222, 245, 230] as Rgba,
  outline: rgba(THEME.background, 235),
};

/** Markers: red open incidents, new incidents ringed white. */
export const MARKER = {
  red: [230, 57, 70, 255] as Rgba,
  redRim: [255, 235, 235, 255] as Rgba,
  ring: [255, 255, 255, 230] as Rgba,
};

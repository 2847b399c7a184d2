import { CODE_LENGTH } from '../../server/contract/vocabulary.js';
import { apiRequest } from '../shared/api-request.js';
import { bboxOfPositions } from '../shared/map/fit.js';
import { escapeHtml } from './page-directory.js';
import { nameWithin, type Named } from '../shared/i18n.js';

/**
 * The home page's preview of the caller's area: every grid, coloured by its
 * district, as an SVG. It reads the grids the wall reads (the same URL, so the
 * browser's copy serves both pages): over the server's tile threshold
 * (GRIDSCOPE_TILE_GRID_THRESHOLD, 20,000 by default) that answer carries no
 * polygons, and a province's 100k grids would be tens of megabytes and an SVG
 * nobody could draw, so the preview draws the districts instead and says how
 * many grids they hold.
 */
type Polygons = number[][][][];
export interface Shape {
  /** The attribute that names the shape: data-grid="…" or data-outline="…" (a district's or street's code). */
  kind: 'grid' | 'outline';
  code: string;
  name?: string;
  polygons: Polygons;
}
interface Feature {
  id: string | number;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | Polygons };
  properties: { name?: string };
}
interface MapGrids {
  features: Feature[];
  /** Present when the region is over the tile threshold: then `features` is empty. */
  tiled?: { grids: number };
}

const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const WIDTH = 560;
const HEIGHT = 720;
const MARGIN = 14;

const polygonsOf = (f: Feature): Polygons => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as Polygons));

/**
 * The caller's grids, or the outlines of the parts of their area (`parts`: its
 * districts, or its streets for a district's user) when there are too many grids
 * to draw (`outlines` says which); `grids` counts the grids either way.
 */
export async function loadPreview(parts: readonly { code: string }[]): Promise<{ shapes: Shape[]; grids: number; outlines?: 'district' | 'street' }> {
  const answer = await apiRequest<MapGrids>('GET', '/api/map/grids', { query: { tiles: 'auto' } });
  if (!answer.tiled)
    return { shapes: answer.features.map((f) => ({ kind: 'grid', code: String(f.id), polygons: polygonsOf(f) })), grids: answer.features.length };
  const level = parts[0]?.code.length === CODE_LENGTH.district ? 'district' : 'street';
  const outlines = await apiRequest<MapGrids>('GET', '/api/map/outlines', { query: { levels: level } });
  const shapes = outlines.features.map((f): Shape => ({ kind: 'outline', code: String(f.id), name: f.properties.name, polygons: polygonsOf(f) }));
  return { shapes, grids: answer.tiled.grids, outlines: level };
}

/**
 * The SVG's content and the legend's items: the shapes fitted into the drawing
 * (equirectangular, true to scale at mid-latitude), centred, each filled with its
 * part's colour. `parts` are the legend's items in order (the summary's children:
 * the districts of a city, the streets of a district).
 */
export function previewMarkup(
  shapes: readonly Shape[],
  parts: readonly (Named & { code: string })[],
  place?: Named,
): { viewBox: string; paths: string; legend: string } {
  const partOf = (code: string) => code.slice(0, parts[0]?.code.length ?? CODE_LENGTH.district);
  const colourOf = partColours(parts, shapes, partOf);
  const nameOf = new Map(parts.map((d) => [d.code, d.name]));
  const [x0, y0, x1, y1] = bboxOfPositions(shapes.flatMap((s) => s.polygons.flat(2))) ?? [0, 0, 0, 0];
  const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const scale = Math.min((WIDTH - 2 * MARGIN) / ((x1 - x0) * k || 1), (HEIGHT - 2 * MARGIN) / (y1 - y0 || 1));
  // Centred in the drawing, clear of its rounded edges: a tall city leaves equal room left and right, a wide one above and below.
  const ox = (WIDTH - (x1 - x0) * k * scale) / 2;
  const oy = (HEIGHT - (y1 - y0) * scale) / 2;
  const point = ([x, y]: number[]) => `${(ox + (x! - x0) * k * scale).toFixed(1)},${(oy + (y1 - y!) * scale).toFixed(1)}`;
  const paths = shapes
    .map((s) => {
      const d = s.polygons.map((polygon) => polygon.map((ring) => `M${ring.map(point).join('L')}Z`).join('')).join('');
      const title = s.name ?? `${nameOf.get(partOf(s.code)) ?? ''} ${s.code}`;
      return `<path data-${s.kind}="${escapeHtml(s.code)}" fill="${colourOf.get(partOf(s.code)) ?? COLOURS[0]}" d="${d}"><title>${escapeHtml(title)}</title></path>`;
    })
    .join('');
  // Bilingual like the rest of the page: the Chinese name, then the English one where the part has one; a community's
  // grids without the community's name the page's head carries (第三网格 Grid 3).
  const legend = parts
    .map((d) => {
      const en = d.name_en ? ` <small>${escapeHtml(nameWithin('en', d, place))}</small>` : '';
      return `<li><i style="background:${colourOf.get(d.code)}"></i>${escapeHtml(nameWithin('zh', d, place))}${en}</li>`;
    })
    .join('');
  return { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, paths, legend };
}

/**
 * A colour for each part, in the legend's order: the least used so far of those its neighbours (parts whose shapes
 * share a vertex with its own: grids and outlines are coverages, so neighbours share their edges' vertices) do not
 * have. Up to nine parts get nine colours; past nine a colour comes back, but never beside itself (a street of twelve
 * communities had two neighbours in one orange, their boundary lost).
 */
export function partColours(parts: readonly { code: string }[], shapes: readonly Shape[], partOf: (code: string) => string): Map<string, string> {
  const partsAt = new Map<string, Set<string>>();
  for (const s of shapes)
    for (const [x, y] of s.polygons.flat(2)) {
      const key = `${x!.toFixed(6)},${y!.toFixed(6)}`;
      const here = partsAt.get(key) ?? new Set<string>();
      here.add(partOf(s.code));
      partsAt.set(key, here);
    }
  const neighbours = new Map<string, Set<string>>(parts.map((p) => [p.code, new Set<string>()]));
  for (const here of partsAt.values()) if (here.size > 1) for (const a of here) for (const b of here) if (a !== b) neighbours.get(a)?.add(b);
  const colourOf = new Map<string, string>();
  const uses = COLOURS.map(() => 0);
  for (const { code } of parts) {
    const taken = new Set([...(neighbours.get(code) ?? [])].map((n) => colourOf.get(n)));
    const free = COLOURS.map((_, i) => i).filter((i) => !taken.has(COLOURS[i]));
    const pick = (free.length ? free : COLOURS.map((_, i) => i)).reduce((best, i) => (uses[i]! < uses[best]! ? i : best));
    uses[pick]!++;
    colourOf.set(code, COLOURS[pick]!);
  }
  return colourOf;
}

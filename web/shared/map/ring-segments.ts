import type { Geometry } from 'geojson';

type Segments = { length: number; attributes: Record<string, { value: Float32Array; size: number; stride: number; offset: number }> };
const segmentCache = new WeakMap<object, Map<string, Segments>>();

/**
 * Every ring of the polygons as separate straight segments, in one typed
 * array (binary data: no object per segment) for deck.gl's LineLayer, made
 * once per source object and part (`features` is called only then).
 * Straight segments are the cheapest line deck.gl draws: a PathLayer's joins
 * cost a shader compile of ~0.4 s and more per frame under software WebGL,
 * for joins nobody sees at these widths.
 */
export function ringSegments(source: object, part: string, features: () => readonly { geometry: Geometry }[]): Segments {
  const parts = segmentCache.get(source) ?? new Map<string, Segments>();
  segmentCache.set(source, parts);
  const kept = parts.get(part);
  if (kept) return kept;
  const rings: number[][][] = [];
  for (const { geometry: g } of features()) {
    if (g.type === 'Polygon') rings.push(...(g.coordinates as number[][][]));
    else if (g.type === 'MultiPolygon') for (const poly of g.coordinates as number[][][][]) rings.push(...poly);
  }
  const count = rings.reduce((n, r) => n + Math.max(0, r.length - 1), 0);
  // [x0, y0, x1, y1] per segment.
  const value = new Float32Array(count * 4);
  let i = 0;
  for (const ring of rings) {
    for (let k = 0; k + 1 < ring.length; k++) {
      value[i++] = ring[k]![0]!;
      value[i++] = ring[k]![1]!;
      value[i++] = ring[k + 1]![0]!;
      value[i++] = ring[k + 1]![1]!;
    }
  }
  const data = {
    length: count,
    attributes: {
      getSourcePosition: { value, size: 2, stride: 16, offset: 0 },
      getTargetPosition: { value, size: 2, stride: 16, offset: 8 },
    },
  };
  parts.set(part, data);
  return data;
}

// Simplified grids must still fit together (issue 13 item 9): neighbours share
// their simplified edges, so a district's grids stay one piece with no gaps or
// overlaps at every tolerance the API offers, across page boundaries, on the
// list API and on the wall's map layer. Expected values come from PostGIS
// (the union and intersections of the returned GeoJSON), not from our code.
// No size check here: the test city's grids are cut street by street with few
// corners, nearly all of them where three grids meet (kept by any shared-edge
// simplification) or on a neighbour's side (added to it, so both share it), so
// its simplified answer is not smaller; real boundaries are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simplify } from '../../server/contract/geo-schemas.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

let ctx: SeededApp;
let district: string;
let fullArea: number;
beforeAll(async () => {
  ctx = await createSeededApp();
  // The district the issue measured (28 grids in the test city).
  district = '430202';
  const [row] = await ctx.db.query<{ area: number; pieces: number }>(
    'SELECT ST_Area(u) AS area, ST_NumGeometries(u) AS pieces FROM (SELECT ST_UnaryUnion(ST_Collect(boundary)) AS u FROM grid WHERE district_code = $1) s',
    [district],
  );
  fullArea = Number(row!.area);
  expect(Number(row!.pieces), 'the unsimplified district is one piece').toBe(1);
});
afterAll(async () => ctx?.close());

const get = (url: string) => ctx.app.inject({ method: 'GET', url });

// Every level the home page and the wall use, and the most the schema allows.
const LEVELS = [0.0005, 0.001, 0.005, (Simplify as unknown as { maximum: number }).maximum];

interface Feature {
  id: string | number;
  geometry: { type: string; coordinates: number[][][][] };
}

/** Every feature of a paged list, following `next` links. */
async function allPages(url: string): Promise<{ features: Feature[]; bytes: number; pages: number }> {
  const features: Feature[] = [];
  let bytes = 0;
  let pages = 0;
  for (let next: string | undefined = url; next; pages++) {
    const res = await get(next);
    expect(res.statusCode, `${next}: ${res.body.slice(0, 200)}`).toBe(200);
    bytes += res.body.length;
    const page = json(res);
    features.push(...page.features);
    const link = page.links?.find((l: { rel: string }) => l.rel === 'next');
    next = link ? new URL(link.href).pathname + new URL(link.href).search : undefined;
  }
  return { features, bytes, pages };
}

/** Signed area by the shoelace formula: positive = counter-clockwise. */
function signedArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return a / 2;
}

/** What PostGIS says of the returned shapes: the union's pieces and area, invalid ones, and how much neighbours overlap. */
async function measure(features: Feature[]) {
  const shapes = JSON.stringify(features.map((f) => ({ code: String(f.id), geometry: JSON.stringify(f.geometry) })));
  const [row] = await ctx.db.query<{ pieces: number; area: number; invalid: string[] | null; overlapping: number; overlap_area: number }>(
    // ST_UnaryUnion(ST_Collect()), not the ST_Union aggregate: on PGlite (PostGIS 3.6.2) the
    // aggregate over a few dozen grids returns no row at all.
    `WITH shapes AS (
       SELECT s->>'code' AS code, ST_SetSRID(ST_GeomFromGeoJSON(s->>'geometry'), 4326) AS geom
         FROM json_array_elements($1::json) s
     ), pairs AS (
       SELECT ST_Overlaps(a.geom, b.geom) AS overlapping, ST_Area(ST_Intersection(a.geom, b.geom)) AS area
         FROM shapes a JOIN shapes b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
     )
     SELECT (SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(geom))) FROM shapes) AS pieces,
            (SELECT ST_Area(ST_UnaryUnion(ST_Collect(geom))) FROM shapes) AS area,
            (SELECT array_agg(code) FROM shapes WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)) AS invalid,
            (SELECT count(*) FROM pairs WHERE overlapping)::int AS overlapping,
            (SELECT coalesce(sum(area), 0) FROM pairs) AS overlap_area`,
    [shapes],
  );
  return {
    pieces: Number(row!.pieces),
    area: Number(row!.area),
    invalid: row!.invalid ?? [],
    overlapping: row!.overlapping,
    overlapArea: Number(row!.overlap_area),
  };
}

/** Every geometry a MultiPolygon of closed rings, outer rings counter-clockwise and holes clockwise (RFC 7946). */
function expectRfc7946(features: Feature[], label: string) {
  for (const f of features) {
    expect(f.geometry.type, `${label} ${f.id}`).toBe('MultiPolygon');
    expect(f.geometry.coordinates.length, `${label} ${f.id} has polygons`).toBeGreaterThan(0);
    for (const polygon of f.geometry.coordinates) {
      polygon.forEach((ring, i) => {
        expect(ring.length, `${label} ${f.id} ring`).toBeGreaterThanOrEqual(4);
        expect(ring[0], `${label} ${f.id} ring closed`).toEqual(ring[ring.length - 1]);
        const area = signedArea(ring);
        if (i === 0) expect(area, `${label} ${f.id} outer ring CCW`).toBeGreaterThan(0);
        else expect(area, `${label} ${f.id} hole CW`).toBeLessThan(0);
      });
    }
  }
}

async function expectFitTogether(features: Feature[], label: string, wholeArea = fullArea, maxAreaChange = 0.03) {
  const m = await measure(features);
  expect(m.invalid, `${label}: invalid shapes`).toEqual([]);
  expect(m.pieces, `${label}: pieces of the union`).toBe(1);
  expect(Math.abs(m.area - wholeArea) / wholeArea, `${label}: area change`).toBeLessThan(maxAreaChange);
  expect(m.overlapping, `${label}: overlapping neighbours`).toBe(0);
  expect(m.overlapArea / wholeArea, `${label}: overlap area`).toBeLessThan(1e-9);
}

describe(`topology-aware simplification on ${BACKEND}`, () => {
  it('keeps a district in one piece on /api/grids at every offered level, across pages', async () => {
    const full = await allPages(`/api/grids?region=${district}`);
    expect(full.features.length).toBeGreaterThan(10);
    for (const level of LEVELS) {
      // Small pages: neighbours land on different pages and must still share edges.
      const simplified = await allPages(`/api/grids?region=${district}&simplify=${level}&limit=7`);
      const label = `/api/grids simplify=${level}`;
      expect(simplified.pages).toBeGreaterThan(1);
      expect(simplified.features.map((f) => f.id)).toEqual(full.features.map((f) => f.id));
      expectRfc7946(simplified.features, label);
      await expectFitTogether(simplified.features, label);
    }
  });

  it('keeps a district in one piece on the wall map layer at every offered level', async () => {
    const full = json(await get(`/api/map/grids?region=${district}&simplify=0`));
    for (const level of LEVELS) {
      const res = await get(`/api/map/grids?region=${district}&simplify=${level}`);
      expect(res.statusCode).toBe(200);
      const label = `/api/map/grids simplify=${level}`;
      const features = json(res).features as Feature[];
      expect(features.map((f) => f.id)).toEqual(full.features.map((f: Feature) => f.id));
      expectRfc7946(features, label);
      await expectFitTogether(features, label);
    }
  });

  it('gives a grid the same shape whatever region or page it is fetched with', async () => {
    const cityWide = await allPages('/api/grids?simplify=0.005&limit=50');
    const inDistrict = await allPages(`/api/grids?region=${district}&simplify=0.005`);
    const byCode = new Map(cityWide.features.map((f) => [f.id, f.geometry]));
    for (const f of inDistrict.features) expect(f.geometry, String(f.id)).toEqual(byCode.get(f.id));
  });

  it('keeps regions fitting together on the explorer and the wall outlines at every offered level', async () => {
    // The city's districts and a community's grids (explorer), the city's streets outlined on the wall.
    const [community] = await ctx.db.query<{ code: string }>(
      'SELECT community_code AS code FROM grid WHERE district_code = $1 GROUP BY community_code ORDER BY count(*) DESC, community_code LIMIT 1',
      [district],
    );
    const street = (f: Feature & { properties?: { level: string } }) => f.properties?.level === 'street';
    for (const [path, pick] of [
      ['/api/explore/shapes?region=430200', () => true],
      [`/api/explore/shapes?region=${community!.code}`, () => true],
      ['/api/map/outlines?levels=street', street],
    ] as const) {
      const full = (json(await get(`${path}&simplify=0`)).features as Feature[]).filter(pick);
      expect(full.length, path).toBeGreaterThan(1);
      const wholeArea = (await measure(full)).area;
      for (const level of LEVELS) {
        const res = await get(`${path}&simplify=${level}`);
        expect(res.statusCode, `${path} ${res.body.slice(0, 200)}`).toBe(200);
        const features = (json(res).features as Feature[]).filter(pick);
        const label = `${path} simplify=${level}`;
        expect(features.map((f) => f.id)).toEqual(full.map((f) => f.id));
        expectRfc7946(features, label);
        // At the maximum, 0.1° (about 10 km, a district's width), whole districts lose their
        // bends: 9.4 % of the city's area. They must still fit together.
        await expectFitTogether(features, label, wholeArea, level >= 0.1 ? 0.15 : 0.05);
      }
    }
  });
});

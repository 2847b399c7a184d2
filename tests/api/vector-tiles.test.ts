import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { openPostgres } from '../../server/db/pg-database.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { until } from '../helpers/report-load.js';
import { createUser, login, pickPlaces, type Session, pointInGrid } from '../helpers/identity.js';

/**
 * Vector tiles, decoded with @mapbox/vector-tile and checked against SQL run
 * here (features meeting ST_TileEnvelope), and against a golden file of the
 * feature codes of fixed tiles, so PGlite (tiles encoded in the server) and
 * PostgreSQL (ST_AsMVT) are shown to give the same features. Regenerate the
 * golden file with UPDATE_GOLDEN=1 and review it as a diff.
 */
const GOLDEN = new URL('../fixtures/vector-tiles/small-city-tiles.json', import.meta.url);

let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let leader: Session;
/** A point inside the first grid, from which the fixed tiles are taken. */
let anchor: [number, number];

beforeAll(async () => {
  ctx = await createSeededApp();
  places = await pickPlaces(ctx.db);
  await createUser(ctx.db, { username: 'tile-leader', role: 'district_leader', scope: places.district });
  leader = await login(ctx.app, 'tile-leader');
  anchor = await pointInGrid(ctx.db, places.grid);
});
afterAll(async () => ctx?.close());

const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });

/** The slippy-map tile holding a point (the usual formula, written here independently of the server). */
function tileOf([lon, lat]: [number, number], z: number): [number, number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [z, Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

function decode(res: { statusCode: number; body: string; rawPayload: Buffer }, layer: string) {
  if (res.statusCode !== 200) throw new Error(`expected a tile, got ${res.statusCode} ${res.body.slice(0, 300)}`);
  const tile = new VectorTile(new PbfReader(res.rawPayload));
  const l = tile.layers[layer];
  if (!l) throw new Error(`no layer ${layer} in the tile (has ${Object.keys(tile.layers).join(', ')})`);
  return Array.from({ length: l.length }, (_, i) => l.feature(i));
}

/** Codes of the rows of `table` (grid or region) whose boundary meets tile z/x/y. */
async function codesInTile(table: 'grid' | 'region', [z, x, y]: number[], extra = 'true'): Promise<string[]> {
  const rows = await ctx.db.query<{ code: string }>(
    `SELECT code FROM ${table} WHERE ST_Intersects(boundary, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) AND ${extra} ORDER BY code`,
    [z, x, y],
  );
  return rows.map((r) => r.code);
}

const LEVEL_OF = { grids: null, districts: 'district', streets: 'street', communities: 'community' } as const;

describe(`vector tiles on ${BACKEND}`, () => {
  it('holds exactly the grids and regions meeting each tile, ids = codes, the same on both backends (golden file)', async () => {
    const seen: Record<string, string[]> = {};
    const cases: [keyof typeof LEVEL_OF, number][] = [
      ['grids', 10],
      ['grids', 12],
      ['grids', 14],
      ['districts', 8],
      ['districts', 12],
      ['streets', 10],
      ['communities', 12],
    ];
    for (const [layer, z] of cases) {
      const t = tileOf(anchor, z);
      const res = await get(`/tiles/${layer}/${t.join('/')}.mvt`);
      expect(res.statusCode, `${layer} ${t}`).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      const features = decode(res, layer);
      const level = LEVEL_OF[layer];
      const expected = level ? await codesInTile('region', t, `level = '${level}'`) : await codesInTile('grid', t);
      // The id is the code as a number (15 digits are exact in a double).
      const codes = features.map((f) => String(f.id)).sort();
      expect(codes, `${layer} ${t}`).toEqual(expected);
      // Grids carry the code as text too only from zoom 12 (README, "Vector tiles": a city's low-zoom tile holds tens of thousands).
      const withCode = layer !== 'grids' || z >= 12;
      for (const f of features) {
        expect(f.properties.code, `${layer} ${t} ${f.id}`).toBe(withCode ? String(f.id) : undefined);
        expect(f.type).toBe(3);
      }
      if (layer === 'grids') {
        const pops = await ctx.db.query<{ code: string; population: number }>('SELECT code, population FROM grid WHERE code = ANY($1)', [codes]);
        const byCode = new Map(pops.map((p) => [p.code, p.population]));
        for (const f of features) expect(f.properties.population).toBe(byCode.get(String(f.id)));
      }
      seen[`${layer} ${t.join('/')}`] = codes;
    }
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(seen, null, 2)}\n`);
    expect(existsSync(GOLDEN), 'golden file missing: run once with UPDATE_GOLDEN=1').toBe(true);
    expect(seen).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('gives incidents as points from zoom 14 and as counted cells below, adding up to SQL', async () => {
    const inTile = async ([z, x, y]: number[]) =>
      ctx.db.query<{ id: number; code: string }>(
        'SELECT id::int AS id, code FROM incident WHERE ST_Intersects(location, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) ORDER BY id',
        [z, x, y],
      );
    const z14 = tileOf(anchor, 14);
    const points = decode(await get(`/tiles/incidents/${z14.join('/')}.mvt`), 'incidents');
    const expected = await inTile(z14);
    expect(expected.length).toBeGreaterThan(0);
    expect(points.map((f) => [f.id, f.properties.code])).toEqual(expected.map((r) => [r.id, r.code]));
    expect(points.every((f) => f.type === 1 && typeof f.properties.status === 'string')).toBe(true);

    const z11 = tileOf(anchor, 11);
    const cells = decode(await get(`/tiles/incidents/${z11.join('/')}.mvt`), 'incidents');
    const total = (await inTile(z11)).length;
    expect(cells.length).toBeLessThan(total);
    expect(cells.reduce((a, f) => a + Number(f.properties.count), 0)).toBe(total);
    expect(new Set(cells.map((f) => f.id)).size).toBe(cells.length);
  });

  it('sends a tile compressed when the client accepts it, the same features once unpacked', async () => {
    // The widest of the golden file's grid tiles: the most grids, the most bytes.
    const t = tileOf(anchor, 10);
    const plain = await get(`/tiles/grids/${t.join('/')}.mvt`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.byteLength, 'a tile worth compressing').toBeGreaterThan(1024);
    const packed = await get(`/tiles/grids/${t.join('/')}.mvt`, { 'accept-encoding': 'gzip' });
    expect(packed.headers['content-encoding']).toBe('gzip');
    const unpacked = gunzipSync(packed.rawPayload);
    expect(packed.rawPayload.byteLength).toBeLessThan(unpacked.byteLength);
    expect(unpacked.equals(plain.rawPayload)).toBe(true);

    // Two representations, two strong tags (RFC 9110 § 8.8.3): a cache must never answer one coding's request with the other.
    const [plainTag, packedTag] = [String(plain.headers.etag), String(packed.headers.etag)];
    expect(plainTag).toMatch(/^"[^"]+"$/);
    expect(packedTag).toMatch(/^"[^"]+"$/);
    expect(packedTag).not.toBe(plainTag);
    for (const res of [plain, packed]) expect(String(res.headers.vary)).toMatch(/Accept-Encoding/i);
    // Each client revalidates what it holds: 304 with its own tag, and no tile built or sent.
    for (const [tag, headers] of [
      [plainTag, {}],
      [packedTag, { 'accept-encoding': 'gzip' }],
    ] as const) {
      const again = await get(`/tiles/grids/${t.join('/')}.mvt`, { ...headers, 'if-none-match': tag });
      expect(again.statusCode, tag).toBe(304);
      expect(again.headers.etag).toBe(tag);
    }
    // Another coding's tag is not what this client would get: it gets the tile.
    expect((await get(`/tiles/grids/${t.join('/')}.mvt`, { 'accept-encoding': 'br', 'if-none-match': packedTag })).statusCode).toBe(200);

    // Incident tiles are compressed per request by the generic compressor under one tag: the tag is weak, and still revalidates.
    const cells = await get(`/tiles/incidents/${t.join('/')}.mvt`, { 'accept-encoding': 'gzip' });
    expect(cells.statusCode).toBe(200);
    expect(String(cells.headers.etag)).toMatch(/^W\/"[^"]+"$/);
    expect(String(cells.headers.vary)).toMatch(/Accept-Encoding/i);
    expect((await get(`/tiles/incidents/${t.join('/')}.mvt`, { 'if-none-match': String(cells.headers.etag) })).statusCode).toBe(304);
  });

  it('publishes a TileJSON 3.0.0 document per layer', async () => {
    const res = await get('/tiles/grids.json');
    expect(res.statusCode).toBe(200);
    const doc = json(res);
    expect(doc).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 6, maxzoom: 16 });
    expect(doc.tiles).toEqual(['http://localhost:80/tiles/grids/{z}/{x}/{y}.mvt']);
    expect(doc.vector_layers).toEqual([expect.objectContaining({ id: 'grids', fields: { code: 'String', population: 'Number' } })]);
    const [e] = await ctx.db.query<{ w: number; s: number; e: number; n: number }>(
      'SELECT ST_XMin(x) w, ST_YMin(x) s, ST_XMax(x) e, ST_YMax(x) n FROM (SELECT ST_Extent(boundary) x FROM grid) q',
    );
    const [w, s, east, n] = doc.bounds;
    expect(w <= e!.w && s <= e!.s && east >= e!.e && n >= e!.n).toBe(true);
    expect(east - e!.e).toBeLessThan(0.0001);
    for (const layer of ['districts', 'streets', 'communities', 'incidents']) expect(json(await get(`/tiles/${layer}.json`)).vector_layers[0].id).toBe(layer);
    expect((await get('/tiles/roads.json')).statusCode).toBe(404);
  });

  it('answers 304 to the ETag it gave, and a new tile once a boundary change moves the geometry revision', async () => {
    const url = `/tiles/grids/${tileOf(anchor, 14).join('/')}.mvt`;
    const first = await get(url);
    const etag = String(first.headers.etag);
    expect(first.headers['cache-control']).toMatch(/^private, max-age=\d+, stale-while-revalidate=\d+$/);
    const again = await get(url, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await get(url)).rawPayload.equals(first.rawPayload)).toBe(true);

    // Any write to grid rows moves the revision (migration 010), as a publish does, in whichever process; the process
    // hears of it by NOTIFY when the write commits (migration 026), so the next tiles after that are of the new revision.
    await ctx.db.query('UPDATE grid_all SET population = population + 7 WHERE code = $1 AND retired_at IS NULL', [places.grid]);
    let after = await get(url, { 'if-none-match': etag });
    await until(
      async () => {
        after = await get(url, { 'if-none-match': etag });
        return after.statusCode === 200;
      },
      30_000,
      'a tile of the new revision',
    );
    expect(after.headers.etag).not.toBe(etag);
    const [row] = await ctx.db.query<{ population: number }>('SELECT population FROM grid WHERE code = $1', [places.grid]);
    const mine = decode(after, 'grids').find((f) => f.properties.code === places.grid);
    expect(mine?.properties.population).toBe(row!.population);
  });

  it("answers a tile it holds with no statement; told of a new geometry revision, finds the caller's root and the tile again", async () => {
    // A second app over the same database, whose statements are written down as they go to it (the database is the real one).
    const statements: string[] = [];
    const db = ctx.db;
    const noted = new Proxy(db, {
      get(target, prop) {
        if (prop === 'query')
          return (sql: string, params?: readonly unknown[]) => {
            statements.push(sql);
            return target.query(sql, params);
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Database;
    // A revision read is trusted for ten minutes here: only the notification can tell this app that it moved.
    const app = await buildApp({ db: noted, auth: { anonymousRead: true }, tileRevisionMaxAgeMs: 600_000 });
    try {
      const url = `/tiles/grids/${tileOf(anchor, 13).join('/')}.mvt`;
      const first = await app.inject(url);
      expect(first.statusCode).toBe(200);
      statements.length = 0;
      const again = await app.inject(url);
      expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
      expect(statements).toEqual([]);

      // A change to grid rows moves the revision and notifies it: the revision is read, the root (here the city) found
      // again and the tile built again, with the new population in it.
      await db.query('UPDATE grid_all SET population = population + 1 WHERE code = $1 AND retired_at IS NULL', [places.grid]);
      const [row] = await db.query<{ population: number }>('SELECT population FROM grid WHERE code = $1', [places.grid]);
      statements.length = 0;
      let res = await app.inject(url);
      const populationIn = (tile: typeof res) => decode(tile, 'grids').find((f) => f.properties.code === places.grid)?.properties.population;
      await until(
        async () => {
          res = await app.inject(url);
          return populationIn(res) === row!.population;
        },
        30_000,
        'the tile with the new population',
      );
      expect(statements.some((s) => /\bFROM geometry_revision\b/.test(s))).toBe(true);
      expect(statements.some((s) => /level = 'city'/.test(s))).toBe(true);
      statements.length = 0;
      expect((await app.inject(url)).rawPayload.equals(res.rawPayload)).toBe(true);
      expect(statements).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it.runIf(BACKEND === 'postgres')('keeps the geometry tile statements prepared on each PostgreSQL connection, not the incident ones', async () => {
    // One connection, so that the statements prepared are those this session can list.
    const db = await openPostgres({ connectionString: ctx.url!, poolSize: 1, statementTimeoutMs: 60_000 });
    const app = await buildApp({ db, auth: { anonymousRead: true }, tileCacheBytes: 0 });
    try {
      const prepared = async () => (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).map((r) => r.statement);
      expect(await prepared()).toEqual([]);
      const [z, x, y] = tileOf(anchor, 14);
      for (const layer of ['grids', 'grids', 'streets', 'incidents'])
        expect([200, 204]).toContain((await app.inject(`/tiles/${layer}/${z}/${x}/${y}.mvt`)).statusCode);
      const statements = await prepared();
      expect(statements).toHaveLength(2);
      expect(statements.some((s) => s.includes("ST_AsMVT(features, 'grids'"))).toBe(true);
      expect(statements.some((s) => s.includes('ST_AsMVT(features, $8::text'))).toBe(true);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('refuses bad tile addresses with 400 in the one error shape, before any SQL', async () => {
    const bad: [string, string][] = [
      ['grids/23/0/0', 'z'],
      ['grids/-1/0/0', 'z'],
      ['grids/1e309/0/0', 'z'],
      ['grids/12/4096/0', 'x'],
      ['grids/12/0/-3', 'y'],
      ['grids/12/0/1e309', 'y'],
      ['grids/12/0/1.5', 'y'],
      ['grids/12/0x10/0', 'x'],
      ['grids/99999999999999999999/0/0', 'z'],
    ];
    for (const [path, part] of bad) {
      const res = await get(`/tiles/${path}.mvt`);
      expect(res.statusCode, path).toBe(400);
      expect(json(res)).toEqual({ error: { code: 'invalid_parameter', message: expect.stringMatching(new RegExp(`^${part}: `)) } });
    }
    expect(json(await get('/tiles/roads/1/0/0.mvt')).error.code).toBe('not_found');
    expect((await get('/tiles/grids/22/0/0.mvt')).statusCode).toBe(204);
  });

  it('keeps a district leader to their district: no grid outside it, 404 for another region, 204 for a tile holding none', async () => {
    const t = tileOf(anchor, 10);
    const features = decode(await get(`/tiles/grids/${t.join('/')}.mvt`, leader.read), 'grids');
    const codes = features.map((f) => String(f.id)).sort();
    expect(codes).toEqual(await codesInTile('grid', t, `district_code = '${places.district}'`));
    expect(codes.length).toBeGreaterThan(0);

    const elsewhere = await get(`/tiles/grids/${t.join('/')}.mvt?region=${places.otherDistrict}`, leader.read);
    expect(elsewhere.statusCode).toBe(404);
    const far = tileOf(await pointInGrid(ctx.db, places.otherGrid), 16);
    expect(await codesInTile('grid', far, `district_code = '${places.district}'`)).toEqual([]);
    expect((await get(`/tiles/grids/${far.join('/')}.mvt`, leader.read)).statusCode).toBe(204);
    expect((await get(`/tiles/grids/${far.join('/')}.mvt`)).statusCode).toBe(200);
    const districts = decode(await get(`/tiles/districts/${tileOf(anchor, 8).join('/')}.mvt`, leader.read), 'districts');
    expect(districts.map((f) => f.properties.code)).toEqual([places.district]);
  });
});

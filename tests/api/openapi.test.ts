import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { ROUTE_ACCESS } from '../../server/contract/route-access.js';
import { PlanEditSchema } from '../../server/contract/plan-schemas.js';
import { json } from '../helpers/seeded-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The API description at /docs/json: valid for a strict validator, and true
 * to what the server does. A migrated database with a bare city and one
 * district is enough: the region-wide reads then answer 200, in their own
 * media types, without seeding a city's grids and incidents.
 */

type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  description?: string;
  requestBody?: { content: Record<string, { schema: any }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: any }> }>;
};
type Spec = { openapi: string; info: { description: string }; paths: Record<string, Record<string, Operation>>; components: any };

let t: TestDatabase;
let app: App;
let anonymousApp: App;
let spec: Spec;
let anonymousSpec: Spec;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.query(`INSERT INTO region (code, level, name, parent_code, boundary) VALUES
    ('430200', 'city', '株洲市', NULL, ST_Multi(ST_MakeEnvelope(113, 27, 114, 28, 4326))),
    ('430202', 'district', '荷塘区', '430200', ST_Multi(ST_MakeEnvelope(113, 27, 113.5, 27.5, 4326)))`);
  app = await buildApp({ db: t.db, workflow: { sweepEveryMs: 0 } });
  anonymousApp = await buildApp({ db: t.db, workflow: { sweepEveryMs: 0 }, auth: { anonymousRead: true } });
  await Promise.all([app.ready(), anonymousApp.ready()]);
  spec = json(await app.inject('/docs/json'));
  anonymousSpec = json(await anonymousApp.inject('/docs/json'));
});
afterAll(async () => {
  await anonymousApp?.close();
  await app?.close();
  await t?.dispose();
});

/** Every operation as 'get /api/grids/{code}'. */
function operations(s: Spec): [string, Operation][] {
  return Object.entries(s.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [`${method} ${path}`, op] as [string, Operation]));
}
const operation = (s: Spec, key: string) => operations(s).find(([k]) => k === key)?.[1] ?? expect.fail(`${key} is not documented`);
/** A security requirement list as sorted scheme names, e.g. [['bearerToken'], ['csrfToken', 'sessionCookie']]. */
const schemesOf = (op: Operation) => (op.security ?? []).map((r) => Object.keys(r).sort());
/** A concrete URL for a documented path: the district for a region code, 1 for every other parameter. */
const urlOf = (path: string) => path.replace('/api/regions/{code}', '/api/regions/430202').replace(/\{[^}]+\}/g, '1');
const ERROR_REF = '#/components/schemas/Error';

// Written from the access table's meaning, not computed from it.
const READ = [['bearerToken'], ['accessTokenQuery'], ['sessionCookie']];
const WRITE = [['bearerToken'], ['csrfToken', 'sessionCookie']];
const EXPECTED_SECURITY: Record<string, string[][]> = {
  'get /api/health': [],
  'post /api/auth/login': [],
  'get /api/incidents': READ,
  'get /api/plans': READ,
  'get /api/users': READ,
  'post /api/incidents': WRITE,
  'post /api/auth/logout': WRITE,
  'delete /api/tokens/{id}': WRITE,
};

// Every route that answers with reply.type('application/geo+json').
const GEOJSON_ROUTES = [
  'get /api/regions/{code}',
  'get /api/grids',
  'get /api/grids/{code}',
  'get /api/grids/history',
  'get /api/grids/export',
  'get /api/grids/workload',
  'get /api/incidents',
  'get /api/incidents/{code}',
  'post /api/incidents/{code}/transitions',
  'get /api/map/grids',
  'get /api/map/outlines',
  'get /api/me/community',
  'get /api/explore/shapes',
  'get /api/plans/{id}/diff',
];

describe(`OpenAPI description on ${BACKEND}`, () => {
  it('is a valid OpenAPI 3.0 document for a strict validator', async () => {
    expect(spec.openapi).toBe('3.0.3');
    await expect(SwaggerParser.validate(structuredClone(spec) as any)).resolves.toBeTruthy();
    // The validator is strict: the tuple keyword the document used to carry is refused.
    const withTuple = structuredClone(spec) as any;
    withTuple.components.schemas.Error.properties.error.additionalItems = false;
    await expect(SwaggerParser.validate(withTuple)).rejects.toThrow(/additional propert/);
  });

  it("leaves the routes' own validation untouched (positions stay 2 or 3 numbers)", () => {
    // A position is [lon, lat] or [lon, lat, height] (the height is dropped): bounded in the route's own schema.
    expect(JSON.stringify(PlanEditSchema)).toContain('"minItems":2,"maxItems":3');
  });

  it('documents every /api route, each with a unique camelCase operationId', () => {
    const declared = Object.keys(ROUTE_ACCESS).map((route) => route.split(' ') as [string, string]);
    const registered = declared.filter(([method, url]) => app.hasRoute({ method: method as 'GET', url }));
    // auth-plugin.ts refuses to start with an /api route missing from ROUTE_ACCESS, so this is every /api route.
    expect(registered).toHaveLength(declared.length);
    const expected = registered.map(([method, url]) => `${method.toLowerCase()} ${url.replace(/:(\w+)/g, '{$1}')}`);
    expect(
      operations(spec)
        .map(([key]) => key)
        .sort(),
    ).toEqual(expected.sort());

    const ids = operations(spec).map(([key, op]) => [key, op.operationId] as const);
    for (const [key, id] of ids) expect(id, key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
    expect(operation(spec, 'get /api/incidents').operationId).toBe('listIncidents');
  });

  it("declares the security schemes behind Swagger UI's Authorize button", () => {
    expect(spec.components.securitySchemes).toEqual({
      bearerToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      accessTokenQuery: expect.objectContaining({ type: 'apiKey', in: 'query', name: 'access_token' }),
      sessionCookie: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'gs_session' }),
      csrfToken: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-csrf-token' }),
    });
  });

  it('gives representative routes the security the access table means', () => {
    for (const [key, schemes] of Object.entries(EXPECTED_SECURITY)) expect(schemesOf(operation(spec, key)), key).toEqual(schemes);
    expect(operation(spec, 'get /api/users').description).toContain('Roles: commander.');
    expect(operation(spec, 'post /api/plans').description).toContain('Roles: commander, planner.');
    // Without anonymous reading, nothing but the public routes is open.
    expect(operations(spec).filter(([, op]) => op.security!.some((r) => Object.keys(r).length === 0))).toEqual([]);
  });

  it('matches what the server does with a request without credentials', async () => {
    for (const [key, op] of operations(spec)) {
      const [method, path] = key.split(' ') as [string, string];
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url: urlOf(path) });
      if (op.security!.length === 0) expect(res.statusCode, key).not.toBe(401);
      else expect(res.statusCode, key).toBe(401);
    }
  });

  it('lists no credentials as an option exactly where the anonymous reader gets in', async () => {
    const open = (op: Operation) => op.security!.some((r) => Object.keys(r).length === 0);
    expect(open(operation(anonymousSpec, 'get /api/incidents'))).toBe(true);
    expect(open(operation(anonymousSpec, 'get /api/plans'))).toBe(false);
    expect(open(operation(anonymousSpec, 'post /api/incidents'))).toBe(false);
    expect(open(operation(anonymousSpec, 'post /api/auth/logout'))).toBe(true); // 'signed-in' lets the anonymous reader out, harmlessly
    const answered: string[] = [];
    for (const [key, op] of operations(anonymousSpec)) {
      if (key === 'get /api/stream') continue; // answers with an endless stream
      const [method, path] = key.split(' ') as [string, string];
      const res = await anonymousApp.inject({ method: method.toUpperCase() as 'GET', url: urlOf(path) });
      if (op.security!.length === 0) continue;
      if (open(op)) expect(res.statusCode, key).not.toBeOneOf([401, 403]);
      else expect(res.statusCode, key).toBeOneOf([401, 403]);
      // Whatever succeeded with a body came in a documented media type.
      const documented = Object.keys(op.responses[String(res.statusCode)]?.content ?? {});
      if (res.statusCode < 300 && res.body) {
        expect(documented, key).toContain(String(res.headers['content-type']).split(';')[0]);
        answered.push(key);
      }
    }
    // The bare city is enough for the region-wide reads, GeoJSON ones included.
    expect(answered).toEqual(
      expect.arrayContaining(['get /api/regions/{code}', 'get /api/grids', 'get /api/incidents', 'get /api/map/outlines', 'get /api/stats/summary']),
    );
  });

  it('declares GeoJSON answers as application/geo+json, errors as the one error shape', () => {
    const geo = operations(spec).filter(([, op]) => Object.values(op.responses).some((r) => r.content?.['application/geo+json']));
    expect(geo.map(([key]) => key).sort()).toEqual([...GEOJSON_ROUTES].sort());
    for (const [key, op] of geo) expect(Object.keys(op.responses['200']!.content!), key).toEqual(['application/geo+json']);
    for (const [key, op] of operations(spec)) {
      for (const range of ['4XX', '5XX']) expect(op.responses[range]?.content?.['application/json']?.schema.$ref, `${key} ${range}`).toBe(ERROR_REF);
    }
    expect(operation(spec, 'get /api/grids').responses['404']!.content!['application/json']!.schema.$ref).toBe(ERROR_REF);
  });

  it('documents the event stream, photos and the photo upload', () => {
    expect(Object.keys(operation(spec, 'get /api/stream').responses['200']!.content!)).toEqual(['text/event-stream']);
    const photo = Object.entries(operation(spec, 'get /api/incidents/{code}/photos/{id}').responses['200']!.content!);
    expect(photo.length).toBeGreaterThan(0);
    for (const [type, media] of photo) {
      expect(type).toMatch(/^image\//);
      expect(media.schema).toMatchObject({ type: 'string', format: 'binary' });
    }
    const upload = operation(spec, 'post /api/incidents/{code}/photos').requestBody!.content;
    expect(Object.keys(upload)).toEqual(['multipart/form-data']);
    expect(upload['multipart/form-data']!.schema).toMatchObject({
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
  });

  it('serves the Swagger UI at /docs, offline, with a link back to the app', async () => {
    const page = await app.inject('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).not.toMatch(/src="https?:/);
    const initializer = await app.inject('/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain("resolveUrl('./json')");
    expect(spec.info.description).toContain('](/)');
  });
});

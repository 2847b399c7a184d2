import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';
import { FUZZ_CITY } from '../helpers/seeded-app.js';
import { exampleOf, jsonText, placesIn, strangeJson, strangeUrlText, withValueAt, type JsonSchema } from '../helpers/schema-fuzz.js';
import { tableChecksums } from '../helpers/db-checksum.js';
import { BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Property-based fuzzing of every documented route (from the OpenAPI document
 * the route schemas build): a valid request, derived from the route's schema
 * and a few real values of the seeded city, with one or two of its values —
 * a body field, a query parameter, a path parameter, the whole body, a key
 * that should not be there — replaced by something strange. For every answer:
 * never a 5xx; every non-2xx in the one error shape; a refused write leaves
 * every table as it was (checksums by SQL before and after).
 */
const RUNS_PER_ROUTE = 32;
const SEED = 20_260_615;
/** Routes a fuzzed request cannot sensibly reach: the SSE stream never ends, the upload is multipart, logout would end our session. */
const SKIPPED = new Set(['GET /api/stream', 'POST /api/incidents/{code}/photos', 'POST /api/auth/logout']);

let t: TestDatabase;
let app: App;
let chief: Session;
let known: Record<string, unknown>;
let pathValues: Record<string, Record<string, string>>;
let checksums: Awaited<ReturnType<typeof tableChecksums>>;

beforeAll(async () => {
  // One template per run for this file and bad-input.test.ts: seeded once.
  t = await createSeededDatabase(FUZZ_CITY);
  // No deadline sweep: a timer writing between two checksums would look like a refused request writing.
  app = await buildApp({
    db: t.db,
    workflow: { sweepEveryMs: 0 },
    loginThrottle: { windowMs: 60_000, slowAfter: 1e9, accountLimit: 1e9, addressLimit: 1e9, baseDelayMs: 0, maxDelayMs: 0 },
  });
  await app.ready();
  await createUser(t.db, { username: 'chief', role: 'commander' });
  const other = await createUser(t.db, { username: 'other', role: 'viewer' });
  chief = await login(app, 'chief');
  const p = await pickPlaces(t.db);
  const [row] = await t.db.query<{ incident: string; unit: string; category: string; directive: number; lon: number; lat: number }>(
    `
    SELECT (SELECT code FROM incident ORDER BY code LIMIT 1) AS incident, (SELECT code FROM unit ORDER BY code LIMIT 1) AS unit,
           (SELECT code FROM incident_category ORDER BY code LIMIT 1) AS category, (SELECT min(id) FROM directive) AS directive,
           ST_X(ST_PointOnSurface(boundary)) AS lon, ST_Y(ST_PointOnSurface(boundary)) AS lat FROM grid WHERE code = $1`,
    [p.grid],
  );
  const plan = await app.inject({ method: 'POST', url: '/api/plans', headers: chief.write, payload: { community: p.community, name: 'fuzz plan' } });
  const token = await app.inject({ method: 'POST', url: '/api/tokens', headers: chief.write, payload: { name: 'fuzz token', role: 'viewer' } });
  expect([plan.statusCode, token.statusCode], `${plan.body} ${token.body}`).toEqual([201, 201]);
  known = {
    region: p.district,
    community: p.community,
    scope: p.district,
    district: p.district,
    districts: [p.district],
    unit: row!.unit,
    units: [row!.unit],
    category: row!.category,
    location: [row!.lon, row!.lat],
    username: 'fuzz.user',
    password: 'Fuzz-Password-2026-long-enough',
    role: 'viewer',
    from: '2026-01-01',
    to: '2026-06-01',
    as_of: '2026-06-01',
    deadline: new Date(Date.now() + 86_400_000).toISOString(),
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    bbox: '112.5,26.5,114.5,28.5',
    dry_run: true,
    kind: 'zero_report',
    name: 'fuzz',
  };
  pathValues = {
    '/api/users/{id}': { id: String(other.id) },
    '/api/tokens/{id}': { id: String(JSON.parse(token.body).id) },
    '/api/directives/': { id: String(row!.directive) },
    '/api/plans/': { id: String(JSON.parse(plan.body).id) },
    '/api/incidents/': { code: row!.incident, id: '1' },
    '/api/grids/': { code: p.grid },
    '/api/explore/grids/': { code: p.grid },
    '/api/regions/': { code: p.district },
  };
  checksums = await tableChecksums(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.dispose();
});

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
}

function documentedOperations(): Operation[] {
  const spec = app.swagger() as { paths: Record<string, Record<string, any>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (SKIPPED.has(`${method.toUpperCase()} ${path}`)) continue;
      const params: any[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((x) => x.in === 'path').map((x) => x.name),
        query: params.filter((x) => x.in === 'query').map((x) => ({ name: x.name, required: !!x.required, schema: x.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

type Slot = { kind: 'path' | 'query'; name: string } | { kind: 'body'; path: (string | number)[] } | { kind: 'raw' };
type Spoil = { slot: Slot; value: unknown };

const RAW_BODIES: [string, string][] = [
  ['application/json', ''],
  ['application/json', '{'],
  ['application/json', 'null'],
  ['application/json', '"x"'],
  ['application/json', '{"a":1}{'],
  ['application/json', '\u0000'],
  ['text/plain', 'hello'],
  ['application/x-www-form-urlencoded', 'a=1'],
  ['application/json; charset=latin1', '{}'],
  ['multipart/form-data; boundary=x', '--x--'],
  ['application/xml', '<a/>'],
];

/** Builds the request: the valid example with every spoil applied. */
function requestFor(op: Operation, spoils: Spoil[]) {
  const values = Object.entries(pathValues).find(([prefix]) => op.path.startsWith(prefix))?.[1] ?? {};
  const path: Record<string, string> = Object.fromEntries(op.pathParams.map((n) => [n, values[n] ?? '1']));
  const query: Record<string, string> = {};
  for (const q of op.query) if (q.required || q.name in known) query[q.name] = String(exampleOf(q.schema, known, q.name));
  let body: unknown = op.body ? exampleOf(op.body, known) : undefined;
  let raw: [string, string] | undefined;
  for (const { slot, value } of spoils) {
    if (slot.kind === 'path') path[slot.name] = value as string;
    else if (slot.kind === 'query') query[slot.name] = value as string;
    else if (slot.kind === 'body') body = withValueAt(body, slot.path, value);
    else raw = RAW_BODIES[value as number];
  }
  const url =
    op.path.replace(/\{(\w+)\}/g, (_, n: string) => path[n]!) +
    (Object.keys(query).length
      ? `?${Object.entries(query)
          .map(([k, v]) => `${k}=${v}`)
          .join('&')}`
      : '');
  const [contentType, payload] = raw ?? (body === undefined ? [undefined, undefined] : ['application/json', jsonText(body)]);
  return { method: op.method, url, contentType, payload };
}

function spoilsFor(op: Operation): fc.Arbitrary<Spoil[]> {
  const slots: Slot[] = [
    ...op.pathParams.map((name) => ({ kind: 'path' as const, name })),
    ...op.query.map((q) => ({ kind: 'query' as const, name: q.name })),
    { kind: 'query', name: 'fuzz_extra' },
    { kind: 'raw' },
  ];
  if (op.body) slots.push(...placesIn(exampleOf(op.body, known)).map((path) => ({ kind: 'body' as const, path })), { kind: 'body', path: ['fuzz_extra'] });
  const spoil = fc.constantFrom(...slots).chain((slot): fc.Arbitrary<Spoil> => {
    const value = slot.kind === 'body' ? strangeJson : slot.kind === 'raw' ? fc.nat(RAW_BODIES.length - 1) : strangeUrlText;
    return value.map((v) => ({ slot, value: v }));
  });
  return fc.array(spoil, { minLength: 1, maxLength: 2 });
}

/**
 * The one error shape. Report lists may ride along: a plan's or an import's
 * `problems`, and an import's `warnings` (findings on grids it did not touch).
 */
const REPORT_LISTS = ['problems', 'warnings'];

function expectErrorShape(body: any, what: string) {
  expect(
    Object.keys(body).filter((k) => k !== 'error' && !REPORT_LISTS.includes(k)),
    what,
  ).toEqual([]);
  expect(typeof body.error?.code === 'string' && /^[a-z0-9_]+$/.test(body.error.code), what).toBe(true);
  expect(typeof body.error.message === 'string' && body.error.message.length > 0, what).toBe(true);
  expect(
    Object.keys(body.error).filter((k) => k !== 'code' && k !== 'message' && !REPORT_LISTS.includes(k)),
    what,
  ).toEqual([]);
}

const describeRequest = (r: ReturnType<typeof requestFor>) =>
  `${r.method} ${r.url.slice(0, 300)}${r.payload === undefined ? '' : ` [${r.contentType}] ${r.payload.slice(0, 300)}`}`;

describe(`fuzzing every route's input on ${BACKEND}`, () => {
  it('never answers 5xx, always in the one error shape, and a refused write changes nothing', async () => {
    const ops = documentedOperations();
    expect(ops.length).toBeGreaterThan(40);
    let before = await checksums();
    let requests = 0;
    const started = performance.now();
    const statuses = new Map<number, number>();
    // Every route is fuzzed even when one fails, so one run shows every problem.
    const failures: string[] = [];
    for (const [i, op] of ops.entries()) {
      await fc
        .assert(
          fc.asyncProperty(spoilsFor(op), async (spoils) => {
            const r = requestFor(op, spoils);
            const res = await app.inject({
              method: r.method as 'GET',
              url: r.url,
              payload: r.payload,
              headers: { ...chief.write, ...(r.contentType ? { 'content-type': r.contentType } : {}) },
            });
            requests++;
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            const what = `${describeRequest(r)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect(res.statusCode, what).toBeLessThan(500);
            if (res.statusCode >= 400) expectErrorShape(JSON.parse(res.body), what);
            if (r.method !== 'GET') {
              const [was, after] = [before, await checksums()];
              // Taken before the check, so that one failure is not blamed on every later write too.
              before = after;
              if (res.statusCode >= 400) expect(after, `a refused ${what} changed the database`).toEqual(was);
            } else if (res.statusCode < 400 && (op.path.endsWith('/contacts') || op.path === '/api/workers/positions')) {
              // Showing a worker's phone number or position is audited: this read writes an audit entry.
              before = await checksums();
            }
          }),
          { seed: SEED + i, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        )
        .catch((err: Error) => {
          failures.push(`${op.method} ${op.path}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
        });
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    console.log(
      `fuzzed ${requests} requests in ${Math.round(performance.now() - started)} ms over ${ops.length} routes on ${BACKEND}: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
  }, 600_000);
});

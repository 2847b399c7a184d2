import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { chooseLanguage } from '../../server/errors/messages.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';
import { FUZZ_CITY, json } from '../helpers/seeded-app.js';
import { tableChecksums } from '../helpers/db-checksum.js';
import { BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Input that used to answer 500 (or 200 with nulls), Fastify's and Node's own
 * error answers, and the language of error messages. Each refused request
 * answers 4xx in the one error shape naming the field, and every table is
 * as it was (checksums by SQL).
 */
let t: TestDatabase;
let app: App;
let chief: Session;
let checksums: Awaited<ReturnType<typeof tableChecksums>>;
let v: {
  district: string;
  community: string;
  incident: string;
  directive: number;
  plan: number;
  user: number;
  token: number;
  lon: number;
  lat: number;
  category: string;
};

beforeAll(async () => {
  // One template per run for this file and input-fuzz.test.ts: seeded once.
  t = await createSeededDatabase(FUZZ_CITY);
  app = await buildApp({ db: t.db, workflow: { sweepEveryMs: 0 } });
  // A route that runs SQL the database refuses as data (class 22), to show how such errors are answered.
  app.get('/test/data-exception', { schema: { querystring: { type: 'object', properties: { sql: { type: 'string' } } } } }, async (request) =>
    app.db.query(DATA_EXCEPTIONS[Number((request.query as { sql: string }).sql)]!),
  );
  await app.ready();
  const other = await createUser(t.db, { username: 'other', role: 'viewer' });
  await createUser(t.db, { username: 'chief', role: 'commander' });
  chief = await login(app, 'chief');
  const p = await pickPlaces(t.db);
  const [row] = await t.db.query<{ incident: string; category: string; lon: number; lat: number }>(
    `
    SELECT (SELECT code FROM incident ORDER BY code LIMIT 1) AS incident, (SELECT code FROM incident_category ORDER BY code LIMIT 1) AS category,
           ST_X(ST_PointOnSurface(boundary)) AS lon, ST_Y(ST_PointOnSurface(boundary)) AS lat FROM grid WHERE code = $1`,
    [p.grid],
  );
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: chief.write });
  const directive = await post('/api/directives', { title: 'bad input', deadline: new Date(Date.now() + 86_400_000).toISOString(), districts: [p.district] });
  const plan = await post('/api/plans', { community: p.community, name: 'bad input' });
  const token = await post('/api/tokens', { name: 'bad input', role: 'viewer' });
  for (const res of [directive, plan, token]) expect(res.statusCode, res.body).toBe(201);
  v = {
    district: p.district,
    community: p.community,
    incident: row!.incident,
    category: row!.category,
    lon: row!.lon,
    lat: row!.lat,
    directive: json(directive).id,
    plan: json(plan).id,
    token: json(token).id,
    user: other.id,
  };
  checksums = await tableChecksums(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.dispose();
});

const DATA_EXCEPTIONS = ["SELECT 'abc'::int", 'SELECT 2147483648::int', "SELECT '2026-13-45'::date", 'SELECT 1 / 0', `SELECT '"\\ud800"'::jsonb`];

type Case = [what: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: () => string, payload: (() => object | string) | undefined, field: string];
const NUL = 'a\u0000b';
const LONE = 'a\ud800b';
const future = () => new Date(Date.now() + 86_400_000).toISOString();

/** What used to answer 500 (or 200 with nulls); each must be a 400 naming its field. */
const CASES: Case[] = [
  [
    'NUL in an incident description',
    'POST',
    () => '/api/incidents',
    () => ({ category: v.category, location: [v.lon, v.lat], description: NUL }),
    'body.description',
  ],
  ['NUL in a transition note', 'POST', () => `/api/incidents/${v.incident}/transitions`, () => ({ action: 'reject', note: NUL }), 'body.note'],
  ['NUL in a plan name', 'POST', () => '/api/plans', () => ({ community: v.community, name: NUL }), 'body.name'],
  ['NUL in a plan rename', 'PATCH', () => `/api/plans/${v.plan}`, () => ({ name: NUL }), 'body.name'],
  ['NUL in a directive title', 'POST', () => '/api/directives', () => ({ title: NUL, deadline: future() }), 'body.title'],
  [
    'NUL in a directive answer',
    'POST',
    () => `/api/directives/${v.directive}/answers`,
    () => ({ district: v.district, kind: 'report', text: NUL }),
    'body.text',
  ],
  ['NUL in a token name', 'POST', () => '/api/tokens', () => ({ name: NUL, role: 'viewer' }), 'body.name'],
  ['NUL in a display name', 'PATCH', () => `/api/users/${v.user}`, () => ({ display_name: NUL }), 'body.display_name'],
  [
    'NUL in a new user',
    'POST',
    () => '/api/users',
    () => ({ username: 'nul.user', display_name: NUL, role: 'viewer', password: 'a long enough password 2026' }),
    'body.display_name',
  ],
  ['NUL in a query parameter', 'GET', () => '/api/audit?actor=%00', undefined, 'querystring.actor'],
  ['NUL in a property name', 'POST', () => '/api/tokens', () => ({ name: 'x', role: 'viewer', '\u0000': 1 }), 'body'],
  ['lone surrogate in a directive title', 'POST', () => '/api/directives', () => ({ title: LONE, deadline: future() }), 'body.title'],
  ['lone surrogate in a token name', 'POST', () => '/api/tokens', () => ({ name: '\udc00', role: 'viewer' }), 'body.name'],
  [
    'lone surrogate in an incident description',
    'POST',
    () => '/api/incidents',
    () => ({ category: v.category, location: [v.lon, v.lat], description: LONE }),
    'body.description',
  ],
  ['lone surrogate in a plan name', 'POST', () => '/api/plans', () => ({ community: v.community, name: '\ud800' }), 'body.name'],
  ['Infinity as a limit', 'GET', () => '/api/incidents?limit=Infinity', undefined, 'querystring.limit'],
  ['-1e309 as a zoom (was 200 with nulls)', 'GET', () => '/api/map/heatmap?zoom=-1e309', undefined, 'querystring.zoom'],
  ['1e309 as a zoom', 'GET', () => '/api/map/heatmap?zoom=1e309', undefined, 'querystring.zoom'],
  ['NaN as a limit', 'GET', () => '/api/directives?limit=NaN', undefined, 'querystring.limit'],
  ['-Infinity as a simplification', 'GET', () => '/api/grids?simplify=-Infinity', undefined, 'querystring.simplify'],
  ['1e309 as a path id', 'GET', () => '/api/directives/1e309', undefined, 'params.id'],
  ['1e309 as raw JSON in a body', 'POST', () => '/api/incidents', () => `{"category":"${v.category}","location":[1e309,${v.lat}]}`, 'body.location.0'],
  ['a user id beyond integer', 'PATCH', () => '/api/users/99999999999999999999', () => ({ display_name: 'x' }), 'params.id'],
  ['a user id just beyond integer', 'PATCH', () => '/api/users/2147483648', () => ({ display_name: 'x' }), 'params.id'],
  ['a token id beyond integer', 'DELETE', () => '/api/tokens/99999999999999999999', undefined, 'params.id'],
  ['a photo id beyond bigint', 'GET', () => `/api/incidents/${v.incident}/photos/99999999999999999999`, undefined, 'params.id'],
  ['an audit cursor beyond bigint', 'GET', () => '/api/audit?before=99999999999999999999', undefined, 'querystring.before'],
  ['a plan id beyond integer', 'GET', () => '/api/plans/2147483648', undefined, 'params.id'],
];

async function send(method: Case[1], url: string, payload?: object | string, headers: Record<string, string> = {}) {
  return app.inject({
    method,
    url,
    payload,
    headers: { ...chief.write, ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
  });
}

describe(`bad input on ${BACKEND}`, () => {
  it.each(CASES)('%s: 400 naming the field, nothing written', async (_what, method, url, payload, field) => {
    const before = await checksums();
    const res = await send(method, url(), payload?.());
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res)).toEqual({ error: { code: 'invalid_parameter', message: expect.stringMatching(new RegExp(`^${field.replaceAll('.', '\\.')}[.:]`)) } });
    expect(await checksums()).toEqual(before);
  });

  it('answers a value the database refuses as data (SQLSTATE class 22) with 400 invalid_value, quoting nothing of it', async () => {
    for (const i of DATA_EXCEPTIONS.keys()) {
      const res = await app.inject({ method: 'GET', url: `/test/data-exception?sql=${i}` });
      expect(res.statusCode, DATA_EXCEPTIONS[i]).toBe(400);
      expect(json(res)).toEqual({ error: { code: 'invalid_value', message: 'a value in the request is out of range or malformed' } });
    }
  });

  it("answers Fastify's own client errors with our codes and words", async () => {
    const cases: [string, InjectOptions, number, string][] = [
      [
        'an empty JSON body',
        { method: 'POST', url: '/api/tokens', payload: '', headers: { ...chief.write, 'content-type': 'application/json' } },
        400,
        'empty_body',
      ],
      [
        'broken JSON',
        { method: 'POST', url: '/api/tokens', payload: '{"name":', headers: { ...chief.write, 'content-type': 'application/json' } },
        400,
        'invalid_body',
      ],
      [
        'a __proto__ key',
        { method: 'POST', url: '/api/tokens', payload: '{"__proto__":{"x":1}}', headers: { ...chief.write, 'content-type': 'application/json' } },
        400,
        'invalid_body',
      ],
      [
        'a text body',
        { method: 'POST', url: '/api/tokens', payload: 'name=x', headers: { ...chief.write, 'content-type': 'application/x-www-form-urlencoded' } },
        415,
        'unsupported_media_type',
      ],
      [
        'a body over 1 MiB',
        { method: 'POST', url: '/api/tokens', payload: `{"name":"${'x'.repeat(1_100_000)}"}`, headers: { ...chief.write, 'content-type': 'application/json' } },
        413,
        'payload_too_large',
      ],
      ['bad percent-encoding in the path', { method: 'GET', url: '/api/regions/%E0%A4%A', headers: chief.read }, 400, 'invalid_url'],
      ['a path parameter over 100 characters', { method: 'GET', url: `/api/regions/${'4'.repeat(120)}`, headers: chief.read }, 414, 'uri_too_long'],
    ];
    const before = await checksums();
    for (const [what, request, status, code] of cases) {
      const res = await app.inject(request);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(json(res), what).toEqual({ error: { code, message: expect.any(String) } });
      expect(res.body, what).not.toMatch(/FST_|statusCode/);
    }
    expect(await checksums()).toEqual(before);
  });

  it('answers in Chinese when the client asks for it, with the same codes', async () => {
    const ask = (acceptLanguage: string | undefined, url = '/api/incidents?limit=abc') =>
      app.inject({ method: 'GET', url, headers: { ...chief.read, ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) } });
    const english = json(await ask(undefined));
    expect(english).toEqual({ error: { code: 'invalid_parameter', message: 'querystring.limit: must be integer' } });
    for (const header of ['zh', 'zh-CN', 'zh-CN,zh;q=0.9,en;q=0.8', 'en;q=0.5, zh-Hans;q=0.9']) {
      expect(json(await ask(header)), header).toEqual({ error: { code: 'invalid_parameter', message: 'querystring.limit：应为整数' } });
    }
    for (const header of ['en', 'fr', 'zh;q=0.5, en', '*', 'zh;q=0']) expect(json(await ask(header)), header).toEqual(english);
    // The guard's, a route's, the not-found handler's and Fastify's words are translated too.
    expect(json(await ask('zh', '/api/audit?actor=%00')).error.message).toBe('querystring.actor：不能包含空字符（U+0000）');
    expect(json(await ask('zh', '/api/incidents?bbox=1,2,3')).error.message).toMatch(/^bbox：/);
    expect(json(await ask('zh', '/api/nothing-here'))).toEqual({ error: { code: 'not_found', message: '没有 GET /api/nothing-here 这个接口' } });
    const empty = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      payload: '',
      headers: { ...chief.write, 'content-type': 'application/json', 'accept-language': 'zh-CN' },
    });
    expect(json(empty)).toEqual({ error: { code: 'empty_body', message: 'body：Content-Type 为 application/json 时请求体不能为空' } });
  });

  it('reads Accept-Language with q-values', () => {
    const table: [string | undefined, 'en' | 'zh'][] = [
      [undefined, 'en'],
      ['', 'en'],
      ['zh', 'zh'],
      ['ZH-cn', 'zh'],
      ['zh-TW;q=0.8, en;q=0.9', 'en'],
      ['en;q=0.1, zh;q=0.2', 'zh'],
      ['fr, zh;q=0.1', 'zh'],
      ['fr', 'en'],
      ['zh;q=abc', 'en'],
      ['zh;q=1.5', 'en'],
      ['en, zh', 'en'],
      ['zh, en', 'zh'],
      ['zhx', 'en'],
    ];
    for (const [header, lang] of table) expect(chooseLanguage(header), String(header)).toBe(lang);
  });
});

describe(`errors from Node's HTTP parser, over a real socket, on ${BACKEND}`, () => {
  let port: number;
  beforeAll(async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  });

  /** Sends raw bytes and reads the whole answer until the server closes. */
  const raw = (text: string) =>
    new Promise<{ status: number; headers: string; body: string }>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let out = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        out += d;
      });
      // The server may close while a large request is still being written: what it answered is what counts.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        const [head = '', body = ''] = out.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), headers: head, body });
      });
      socket.write(text);
    });

  it.each([
    [
      'a URL over 16 KiB',
      `GET /api/health?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      414,
      'uri_too_long',
      'the URL or one of its path parameters is too long',
    ],
    [
      'headers over 16 KiB',
      `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
      'the request headers are too large',
    ],
    [
      'headers over 16 KiB, in Chinese',
      `GET /api/health HTTP/1.1\r\nHost: x\r\nAccept-Language: zh-CN\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
      '请求头过大',
    ],
    ['a malformed request line', 'GET / HTTP/9 nonsense\r\n\r\n', 400, 'bad_request', 'the request could not be read'],
  ])('%s: %i in the one error shape', async (_what, text, status, code, message) => {
    const res = await raw(text);
    expect(res.status, res.headers).toBe(status);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(res.body)).toEqual({ error: { code, message } });
  });

  it('a path parameter over 100 characters over HTTP: 414 in the one error shape', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', path: `/api/grids/${'4'.repeat(150)}`, headers: { cookie: chief.cookie } }, (r) => {
        let body = '';
        r.setEncoding('utf8')
          .on('data', (d: string) => {
            body += d;
          })
          .on('end', () => resolve({ status: r.statusCode!, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(res.status).toBe(414);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'uri_too_long', message: expect.any(String) } });
  });
});

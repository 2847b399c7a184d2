import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/auth/roles.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';

/**
 * The dispatch console's calls added for bulk work and several dispatchers:
 * filing or rejecting several new reports at once (each its own
 * transaction, a result per item); a refused step that names who acted first
 * and when; the deadline a dispatch would get, before it is made; and the
 * "all" search over code, text, grid and place names. Expected values come
 * from SQL.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let inGrid: [number, number];
const as: Partial<Record<'worker' | 'first' | 'second' | 'handler' | 'leader', Session>> = {};
type Who = keyof typeof as;
const FIRST_NAME = '张调度';

beforeAll(async () => {
  ctx = await createSeededApp(undefined, { auth: { anonymousRead: false }, workflow: { sweepEveryMs: 0 } });
  places = await pickPlaces(ctx.db);
  const [p] = await ctx.db.query<{ x: number; y: number }>(
    'SELECT ST_X(pt) x, ST_Y(pt) y FROM (SELECT ST_PointOnSurface(boundary) pt FROM grid WHERE code = $1) s',
    [places.grid],
  );
  inGrid = [p!.x, p!.y];
  const users: [Who, Role, { scope?: string; unit?: string }][] = [
    ['worker', 'grid_worker', { scope: places.grid }],
    ['first', 'dispatcher', {}],
    ['second', 'dispatcher', {}],
    ['handler', 'handler', { unit: 'sanitation' }],
    ['leader', 'district_leader', { scope: places.district }],
  ];
  for (const [name, role, grant] of users) {
    await createUser(ctx.db, { username: `bk-${name}`, role, ...grant });
    as[name] = await login(ctx.app, `bk-${name}`);
  }
  await ctx.db.query("UPDATE app_user SET display_name = $1 WHERE username = 'bk-first'", [FIRST_NAME]);
});
afterAll(async () => ctx?.close());

const act = (who: Who, code: string, body: object, lang = 'en') =>
  ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: { ...as[who]!.write, 'accept-language': lang }, payload: body });
const bulk = (who: Who, items: object[], lang = 'en') =>
  ctx.app.inject({ method: 'POST', url: '/api/incidents/transitions', headers: { ...as[who]!.write, 'accept-language': lang }, payload: { items } });
const read = (who: Who, url: string) => ctx.app.inject({ method: 'GET', url, headers: as[who]!.read });
async function newIncident(description = '垃圾桶满溢'): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: as.worker!.write,
    payload: { category: 'uncollected_garbage', description, location: inGrid },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).incident.properties.code;
}
const states = async (codes: string[]) =>
  Object.fromEntries(
    (
      await ctx.db.query<{ code: string; status: string; steps: number }>(
        `SELECT i.code, i.status, (SELECT count(*)::int FROM incident_history h WHERE h.incident_id = i.id) AS steps
           FROM incident i WHERE i.code = ANY($1::text[])`,
        [codes],
      )
    ).map((r) => [r.code, { status: r.status, steps: r.steps }]),
  );
/** The latest step's time as the city's clock shows it, by SQL. */
const clockOfLastStep = async (code: string) =>
  (
    await ctx.db.query<{ hhmm: string }>(
      `SELECT to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') hhmm FROM incident_history h JOIN incident i ON i.id = h.incident_id
        WHERE i.code = $1 ORDER BY h.id DESC LIMIT 1`,
      [code],
    )
  )[0]!.hhmm;

describe(`bulk steps, who acted first, deadline preview and search on ${BACKEND}`, () => {
  it('files several new reports at once, each on its own: one already filed by someone else is refused, naming them', async () => {
    const codes = [await newIncident(), await newIncident(), await newIncident()];
    expect((await act('first', codes[1]!, { action: 'file' })).statusCode).toBe(200);
    const before = await states(codes);

    const res = await bulk(
      'second',
      codes.map((code) => ({ code, action: 'file' })),
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({ done: 2, refused: 1 });
    expect(body.results.map((r: any) => [r.code, r.ok])).toEqual(codes.map((c, i) => [c, i !== 1]));
    const refused = body.results[1];
    expect(refused.error.code).toBe('illegal_transition');
    expect(refused.acted).toMatchObject({ by: FIRST_NAME, action: 'file' });
    expect(refused.error.message).toBe(`Already filed by ${FIRST_NAME} at ${await clockOfLastStep(codes[1]!)}`);
    // Done items moved one step; the refused one is as it was.
    const after = await states(codes);
    expect(after[codes[0]!]).toEqual({ status: 'filed', steps: before[codes[0]!]!.steps + 1 });
    expect(after[codes[2]!]).toEqual({ status: 'filed', steps: before[codes[2]!]!.steps + 1 });
    expect(after[codes[1]!]).toEqual(before[codes[1]!]);
  });

  it('rejects only with a reason, item by item; bad requests and other roles change nothing', async () => {
    const codes = [await newIncident(), await newIncident()];
    const before = await states(codes);
    // No reason: each item is refused with the field named, in the caller's language.
    const noReason = json(
      await bulk(
        'second',
        codes.map((code) => ({ code, action: 'reject' })),
        'zh',
      ),
    );
    expect(noReason).toMatchObject({ done: 0, refused: 2 });
    for (const r of noReason.results) expect(r.error).toMatchObject({ code: 'invalid_parameter', message: expect.stringContaining('note') });
    expect(await states(codes)).toEqual(before);
    // A code twice, an unknown action, an empty list: 400; a handler and a leader: 403.
    expect(
      (
        await bulk('second', [
          { code: codes[0], action: 'file' },
          { code: codes[0], action: 'file' },
        ])
      ).statusCode,
    ).toBe(400);
    expect((await bulk('second', [{ code: codes[0], action: 'dispatch' }])).statusCode).toBe(400);
    expect((await bulk('second', [])).statusCode).toBe(400);
    expect((await bulk('handler', [{ code: codes[0], action: 'file' }])).statusCode).toBe(403);
    expect((await bulk('leader', [{ code: codes[0], action: 'file' }])).statusCode).toBe(403);
    expect(await states(codes)).toEqual(before);

    const res = json(
      await bulk(
        'second',
        codes.map((code) => ({ code, action: 'reject', note: '非网格化管理范围' })),
      ),
    );
    expect(res).toMatchObject({ done: 2, refused: 0 });
    expect(res.results.every((r: any) => r.status === 'rejected')).toBe(true);
    const notes = await ctx.db.query<{ note: string }>(
      `SELECT h.note FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = ANY($1::text[]) AND h.action = 'reject'`,
      [codes],
    );
    expect(notes).toEqual([{ note: '非网格化管理范围' }, { note: '非网格化管理范围' }]);
  });

  it('urges several incidents in hand at once with one note: each gets its own urge step, status kept; one not yet dispatched is refused', async () => {
    const codes = [await newIncident(), await newIncident(), await newIncident()];
    for (const code of codes) expect((await act('first', code, { action: 'file' })).statusCode).toBe(200);
    for (const code of codes.slice(0, 2)) expect((await act('first', code, { action: 'dispatch', units: ['sanitation'] })).statusCode).toBe(200);
    const before = await states(codes);
    expect(codes.map((c) => before[c]!.status)).toEqual(['dispatched', 'dispatched', 'filed']);
    // Without a note every item is refused, naming the field; a handler may not urge at all.
    const noNote = json(
      await bulk(
        'second',
        codes.map((code) => ({ code, action: 'urge' })),
      ),
    );
    expect(noNote).toMatchObject({ done: 0, refused: 3 });
    for (const r of noNote.results) expect(r.error.code).toBe(r.code === codes[2] ? 'illegal_transition' : 'invalid_parameter');
    expect((await bulk('handler', [{ code: codes[0], action: 'urge', note: '请加快' }])).statusCode).toBe(403);
    expect(await states(codes)).toEqual(before);

    const res = json(
      await bulk(
        'second',
        codes.map((code) => ({ code, action: 'urge', note: '请今日内处置完毕' })),
        'zh',
      ),
    );
    expect(res).toMatchObject({ done: 2, refused: 1 });
    expect(res.results.map((r: any) => [r.code, r.ok, r.status])).toEqual([
      [codes[0], true, undefined],
      [codes[1], true, undefined],
      [codes[2], false, undefined],
    ]);
    expect(res.results[2].error.code).toBe('illegal_transition');
    const after = await states(codes);
    for (const code of codes.slice(0, 2)) expect(after[code]).toEqual({ status: 'dispatched', steps: before[code]!.steps + 1 });
    expect(after[codes[2]!]).toEqual(before[codes[2]!]);
    // One urge row per incident urged, with the note, and its live event; the list's rows say when each was urged.
    const urges = await ctx.db.query<{ code: string; note: string; events: number }>(
      `SELECT i.code, h.note,
              (SELECT count(*)::int FROM event_log e WHERE e.type = 'incident.urged' AND e.payload -> 'incident' ->> 'code' = i.code) AS events
         FROM incident_history h JOIN incident i ON i.id = h.incident_id
        WHERE i.code = ANY($1::text[]) AND h.action = 'urge' ORDER BY i.code`,
      [codes],
    );
    expect(urges).toEqual(
      codes
        .slice(0, 2)
        .sort()
        .map((code) => ({ code, note: '请今日内处置完毕', events: 1 })),
    );
    const list = json(await read('first', '/api/incidents?status=dispatched&limit=1000'));
    for (const code of codes.slice(0, 2)) expect(list.features.find((f: any) => f.properties.code === code).properties.urged_at).not.toBeNull();
  });

  it('answers a lost race with 409 naming who acted first and when, in zh and en; a merely illegal step names no one', async () => {
    const code = await newIncident();
    expect((await act('first', code, { action: 'file' })).statusCode).toBe(200);
    expect((await act('first', code, { action: 'dispatch', units: ['sanitation'] })).statusCode).toBe(200);
    const hhmm = await clockOfLastStep(code);
    const zh = await act('second', code, { action: 'dispatch', units: ['sanitation'] }, 'zh');
    expect(zh.statusCode).toBe(409);
    expect(json(zh)).toMatchObject({
      error: { code: 'illegal_transition', message: `已由${FIRST_NAME}于 ${hhmm} 派遣` },
      acted: { by: FIRST_NAME, action: 'dispatch' },
    });
    const [step] = await ctx.db.query<{ at: Date }>(
      `SELECT h.at FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'dispatch'`,
      [code],
    );
    expect(Date.parse(json(zh).acted.at)).toBe(step!.at.getTime());
    const en = await act('second', code, { action: 'dispatch', units: ['sanitation'] });
    expect(json(en).error.message).toBe(`Already dispatched by ${FIRST_NAME} at ${hhmm}`);
    // Closing a dispatched incident was never possible: refused without naming anyone.
    const close = json(await act('second', code, { action: 'close' }));
    expect(close.error.code).toBe('illegal_transition');
    expect(close.acted).toBeUndefined();
  });

  it('previews the deadline a dispatch would get, on the working calendar, with the dispatch’s own checks', async () => {
    const code = await newIncident();
    const [cat] = await ctx.db.query<{ hours: number }>(
      'SELECT c.deadline_hours::float8 hours FROM incident i JOIN incident_category c ON c.code = i.category_code WHERE i.code = $1',
      [code],
    );
    // Not filed yet: refused as the dispatch would be.
    expect((await read('first', `/api/incidents/${code}/deadline-preview`)).statusCode).toBe(409);
    await act('first', code, { action: 'file' });
    expect((await read('first', `/api/incidents/${code}/deadline-preview?units=no_such_unit`)).statusCode).toBe(400);
    expect((await read('handler', `/api/incidents/${code}/deadline-preview`)).statusCode).toBe(403);
    const res = await read('first', `/api/incidents/${code}/deadline-preview?units=sanitation`);
    expect(res.statusCode, res.body).toBe(200);
    const preview = json(res);
    expect(preview.deadline_hours).toBe(cat!.hours);
    // Working hours are never more than the wall-clock time between: the deadline is at least that far away.
    expect(Date.parse(preview.due_at) - Date.parse(preview.from)).toBeGreaterThanOrEqual(cat!.hours * 3_600_000);
    const dispatched = await act('first', code, { action: 'dispatch', units: ['sanitation'] });
    const [row] = await ctx.db.query<{ due_at: Date; dispatched_at: Date }>('SELECT due_at, dispatched_at FROM incident WHERE code = $1', [code]);
    expect(dispatched.statusCode).toBe(200);
    // The dispatch came a moment later: its deadline is later by at most that moment's working time.
    const shift = row!.due_at.getTime() - Date.parse(preview.due_at);
    expect(shift).toBeGreaterThanOrEqual(0);
    expect(shift).toBeLessThanOrEqual(row!.dispatched_at.getTime() - Date.parse(preview.from));
  });

  it('searches every incident by part of its code, its text, its grid and its place names', async () => {
    const code = await newIncident('井盖缺失 bk-search-marker');
    const [place] = await ctx.db.query<{ street: string }>('SELECT r.name street FROM incident i JOIN region r ON r.code = i.street_code WHERE i.code = $1', [
      code,
    ]);
    const found = async (q: string) => {
      const res = await read('first', `/api/incidents?limit=1000&q=${encodeURIComponent(q)}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = json(res);
      return { codes: body.features.map((f: any) => f.properties.code) as string[], matched: body.numberMatched as number };
    };
    expect((await found('bk-search-marker')).codes).toEqual([code]);
    expect((await found(code.slice(-9).toLowerCase())).codes).toEqual([code]);
    const countOf = async (sql: string, p: unknown[]) => (await ctx.db.query<{ n: number }>(sql, p))[0]!.n;
    const byGrid = await found(places.grid);
    expect(byGrid.matched).toBe(await countOf("SELECT count(*)::int n FROM incident WHERE grid_code LIKE '%' || $1 || '%'", [places.grid]));
    expect(byGrid.codes).toContain(code);
    const byStreet = await found(place!.street);
    expect(byStreet.matched).toBe(
      await countOf(
        `SELECT count(*)::int n FROM incident i WHERE i.code ILIKE $1 OR i.description ILIKE $1 OR i.grid_code LIKE $1
            OR EXISTS (SELECT 1 FROM region r WHERE r.code IN (i.district_code, i.street_code, i.community_code) AND (r.name ILIKE $1 OR r.name_en ILIKE $1))`,
        [`%${place!.street}%`],
      ),
    );
    expect(byStreet.codes).toContain(code);
    // Wildcards are taken literally; a leader's search stays in the leader's district.
    expect((await found('%')).matched).toBe(await countOf("SELECT count(*)::int n FROM incident WHERE description LIKE '%\\%%'", []));
    const leader = json(await read('leader', `/api/incidents?limit=1000&q=${encodeURIComponent(place!.street)}`));
    expect(leader.features.every((f: any) => f.properties.district_code === places.district)).toBe(true);
  });

  it('finds by the search index exactly what a plain ILIKE over every incident finds (Chinese, code, grid name, place name)', async () => {
    const code = await newIncident('井盖缺失 BK-Index-Marker');
    const [names] = await ctx.db.query<{ grid: string; community: string }>(
      `SELECT g.name grid, r.name community FROM incident i JOIN grid g ON g.code = i.grid_code JOIN region r ON r.code = i.community_code
        WHERE i.code = $1`,
      [code],
    );
    // The independent answer: every incident, no index, names read per row (the query before migrations/021).
    const byIlike = async (q: string) =>
      (
        await ctx.db.query<{ code: string }>(
          `SELECT i.code FROM incident i
            WHERE i.code ILIKE $1 OR i.description ILIKE $1 OR i.grid_code LIKE $1
               OR EXISTS (SELECT 1 FROM region r WHERE r.code IN (i.district_code, i.street_code, i.community_code)
                             AND (r.name ILIKE $1 OR r.name_en ILIKE $1))
               OR EXISTS (SELECT 1 FROM grid g WHERE g.code = i.grid_code AND g.name ILIKE $1)
            ORDER BY i.reported_at DESC, i.id DESC`,
          [`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
        )
      ).map((r) => r.code);
    // Two Chinese characters (the common search), one, another case, part of a code, part of a grid's name, a community's name.
    const queries = ['井盖', '井', 'bk-index', code.slice(2, 12), names!.grid.slice(-4), names!.community];
    for (const q of queries) {
      const expected = await byIlike(q);
      const res = await read('first', `/api/incidents?limit=1000&q=${encodeURIComponent(q)}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = json(res);
      expect(body.numberMatched, q).toBe(expected.length);
      expect(
        body.features.map((f: any) => f.properties.code),
        q,
      ).toEqual(expected.slice(0, 1000));
    }
    expect(await byIlike('井盖')).toContain(code);
  });
});

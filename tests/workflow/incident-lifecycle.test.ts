import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/auth/roles.js';
import { DEFAULT_CALENDAR } from '../../server/plugins/workflow-plugin.js';
import type { Action, Status } from '../../server/contract/incident-workflow.js';
import { createWorkingCalendar } from '../../server/workflow/working-calendar.js';
import { Value } from 'typebox/value';
import { StreamIncidentSchema } from '../../server/contract/stream-events.js';
import { raiseTimedAlerts } from '../../server/services/deadline-alert-service.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, type Session, pointInGrid } from '../helpers/identity.js';
import { multipartBody, solidPng } from '../helpers/test-images.js';

/** The incident workflow over HTTP, each step taken by the role that takes it in a real command centre. */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let inGrid: [number, number];
const as: Partial<Record<'worker' | 'dispatcher' | 'dispatcher2' | 'handler' | 'office' | 'commander' | 'leader', Session>> = {};

beforeAll(async () => {
  ctx = await createSeededApp(undefined, {
    auth: { anonymousRead: false },
    workflow: { sweepEveryMs: 0 },
    photos: { dir: '/tmp/gridscope-test-photos', maxBytes: 64 * 1024 },
  });
  places = await pickPlaces(ctx.db);
  inGrid = await pointInGrid(ctx.db, places.grid);
  const users: [keyof typeof as, Role, { scope?: string; unit?: string }][] = [
    ['worker', 'grid_worker', { scope: places.grid }],
    ['dispatcher', 'dispatcher', {}],
    ['dispatcher2', 'dispatcher', {}],
    ['handler', 'handler', { unit: 'sanitation' }],
    ['office', 'handler', { unit: `street_office.${places.street}` }],
    ['commander', 'commander', {}],
    ['leader', 'district_leader', { scope: places.district }],
  ];
  for (const [name, role, grant] of users) {
    await createUser(ctx.db, { username: `lc-${name}`, role, ...grant });
    as[name] = await login(ctx.app, `lc-${name}`);
  }
});
afterAll(async () => ctx?.close());

type Who = keyof typeof as;
/** One step of the workflow: who takes it, and the request body. */
type Step = [Who, { action: Action; [field: string]: unknown }];
const report = (who: Who, body: object) => ctx.app.inject({ method: 'POST', url: '/api/incidents', headers: as[who]!.write, payload: body });
const act = (who: Who, code: string, body: object) =>
  ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: as[who]!.write, payload: body });
const detail = async (code: string) => json(await ctx.app.inject({ method: 'GET', url: `/api/incidents/${code}`, headers: as.commander!.read }));
async function upload(who: Who, code: string, kind: 'before' | 'after', bytes: Buffer, name = 'photo.png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const { payload, headers } = await multipartBody(form);
  return ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/photos?kind=${kind}`, headers: { ...as[who]!.write, ...headers }, payload });
}
async function newIncident(body: object = {}, who: Who = 'worker'): Promise<string> {
  const res = await report(who, { category: 'uncollected_garbage', description: '垃圾桶满溢', location: inGrid, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).incident.properties.code;
}
const historyCount = async (code: string) =>
  (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1', [code]))[0]!.n;
const expectOk = (res: { statusCode: number; body: string }) => expect(res.statusCode, res.body).toBe(200);

describe(`incident lifecycle on ${BACKEND}`, () => {
  it('runs report → file → dispatch → start → resolve → verify → close → reopen, recording each step', async () => {
    const code = await newIncident();
    // One code format for API reports and seeded ones: SJ + China date + 7-digit serial (API serials from 9000000).
    const [row] = await ctx.db.query<{ day: string }>(
      "SELECT to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') AS day FROM incident WHERE code = $1",
      [code],
    );
    expect(code).toMatch(new RegExp(`^SJ${row!.day}9[0-9]{6}$`));
    expect((await upload('worker', code, 'before', solidPng(2, 2))).statusCode).toBe(201);
    expectOk(await act('dispatcher', code, { action: 'file' }));
    const dispatched = json(await act('dispatcher', code, { action: 'dispatch', units: ['sanitation'] }));
    const p = dispatched.properties;
    expect(p.status).toBe('dispatched');
    // Garbage: 4 working hours from dispatch, on the working calendar.
    expect(new Date(p.due_at).toISOString()).toBe(createWorkingCalendar(DEFAULT_CALENDAR).addWorkingHours(new Date(p.dispatched_at), 4).toISOString());
    expectOk(await act('handler', code, { action: 'start' }));
    const noPhoto = await act('handler', code, { action: 'resolve' });
    expect(noPhoto.statusCode).toBe(422);
    expect(json(noPhoto).error.code).toBe('after_photo_required');
    expect((await upload('handler', code, 'after', solidPng(3, 3, [10, 200, 10]))).statusCode).toBe(201);
    expectOk(await act('handler', code, { action: 'resolve', note: '已清运' }));
    expect(json(await act('dispatcher', code, { action: 'verify_fail' })).error.message).toMatch(/^note/);
    expectOk(await act('dispatcher', code, { action: 'verify_fail', note: '现场仍有垃圾' }));
    expectOk(await act('handler', code, { action: 'resolve', note: '二次清运' }));
    expect(json(await act('dispatcher', code, { action: 'close' })).properties.status).toBe('closed');
    expect((await act('dispatcher', code, { action: 'reopen', note: '群众再次反映' })).statusCode).toBe(403);
    const reopened = json(await act('commander', code, { action: 'reopen', note: '群众再次反映' })).properties;
    expect(reopened).toMatchObject({ status: 'in_progress', closed_at: null });
    expect(reopened.history.map((h: any) => h.action)).toEqual([
      'report',
      'photo',
      'file',
      'dispatch',
      'start',
      'photo',
      'resolve',
      'verify_fail',
      'resolve',
      'close',
      'reopen',
    ]);
    expect(reopened.history.map((h: any) => h.actor)).toEqual([
      'user:lc-worker',
      'user:lc-worker',
      'user:lc-dispatcher',
      'user:lc-dispatcher',
      'user:lc-handler',
      'user:lc-handler',
      'user:lc-handler',
      'user:lc-dispatcher',
      'user:lc-handler',
      'user:lc-dispatcher',
      'user:lc-commander',
    ]);
    const audit = await ctx.db.query<{ action: string; actor: string }>(
      "SELECT action, actor FROM audit_log WHERE target_type = 'incident' AND target_id = $1 ORDER BY id",
      [code],
    );
    expect(audit.map((a) => a.action)).toEqual(reopened.history.map((h: any) => `incident.${h.action}`));
    // Each status change on the live stream says what the incident was before, so a wall can move its counts without asking.
    const changes = await ctx.db.query<{ payload: { incident: Record<string, string> } }>(
      "SELECT payload FROM event_log WHERE type = 'incident.status_changed' AND payload->'incident'->>'code' = $1 ORDER BY id",
      [code],
    );
    expect(changes.map((e) => [e.payload.incident.previous_status, e.payload.incident.status])).toEqual([
      ['reported', 'filed'],
      ['filed', 'dispatched'],
      ['dispatched', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'closed'],
      ['closed', 'in_progress'],
    ]);
    expect(changes.map((e) => e.payload.incident.previous_urgency)).toEqual(changes.map(() => p.urgency));
    // The summary says which events its counts include: all, here (no other writer meanwhile).
    const summary = await ctx.app.inject({ method: 'GET', url: '/api/stats/summary', headers: as.commander!.read });
    expectOk(summary);
    const [{ newest } = { newest: -1 }] = await ctx.db.query<{ newest: number }>('SELECT coalesce(max(id), 0)::int AS newest FROM event_log');
    expect(summary.headers['event-position']).toBe(String(newest));
    const times = reopened.history.map((h: any) => Date.parse(h.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(reopened.photos.map((ph: any) => ph.kind)).toEqual(['before', 'after']);
    const img = await ctx.app.inject({ method: 'GET', url: reopened.photos[1].url, headers: as.handler!.read });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.equals(solidPng(3, 3, [10, 200, 10]))).toBe(true);
  });

  /**
   * The workflow's state table, written out here rather than read from
   * server/workflow/incident-workflow.ts, so that a changed transition fails
   * this test. Each cell: the status the incident has after the commander (who
   * may take every action) takes the action, or '409' for illegal_transition
   * with nothing changed. Mediation is for disputes only, so for this garbage
   * incident it is 409 everywhere.
   */
  const COLUMNS = [
    'file',
    'reject',
    'mark_duplicate',
    'dispatch',
    'start',
    'resolve',
    'verify_fail',
    'close',
    'reopen',
    'mediate',
    'urge',
  ] as const satisfies readonly Action[];
  // biome-ignore format: a table, read row by row under its column heading
  const STATE_TABLE: Record<Status, readonly (Status | '409')[]> = {
    //            file     reject      mark_duplicate dispatch      start          resolve     verify_fail    close     reopen         mediate  urge
    reported:    ['filed', 'rejected', 'duplicate',   '409',        '409',         '409',      '409',         '409',    '409',         '409',   '409'],
    filed:       ['409',   '409',      'duplicate',   'dispatched', '409',         '409',      '409',         '409',    '409',         '409',   '409'],
    rejected:    ['409',   '409',      '409',         '409',        '409',         '409',      '409',         '409',    '409',         '409',   '409'],
    duplicate:   ['409',   '409',      '409',         '409',        '409',         '409',      '409',         '409',    '409',         '409',   '409'],
    dispatched:  ['409',   '409',      '409',         '409',        'in_progress', '409',      '409',         '409',    '409',         '409',   'dispatched'],
    in_progress: ['409',   '409',      '409',         '409',        'in_progress', 'resolved', '409',         '409',    '409',         '409',   'in_progress'],
    resolved:    ['409',   '409',      '409',         '409',        '409',         '409',      'in_progress', 'closed', '409',         '409',   '409'],
    closed:      ['409',   '409',      '409',         '409',        '409',         '409',      '409',         '409',    'in_progress', '409',   '409'],
  };
  // Every action has a column (a new action fails to compile until it is added to the table), except the grid
  // worker's on-site check, which the commander may not take: its own table is in tests/workflow/field-api.test.ts.
  const everyActionHasAColumn: [Exclude<Action, (typeof COLUMNS)[number] | 'check'>] extends [never] ? true : false = true;

  it('follows the state table for every status × action: the new status, or 409 changing nothing', async () => {
    const anchor = await newIncident();
    // A fresh incident brought to `status` the usual way (an "after" photo is on file from in_progress on, so resolving is possible).
    async function parkedIn(status: Status): Promise<string> {
      const code = await newIncident();
      const file: Step = ['dispatcher', { action: 'file' }];
      const dispatch: Step = ['dispatcher', { action: 'dispatch', units: ['sanitation'] }];
      const start: Step = ['handler', { action: 'start' }];
      const resolve: Step = ['handler', { action: 'resolve' }];
      const path: Record<Status, Step[]> = {
        reported: [],
        filed: [file],
        rejected: [['dispatcher', { action: 'reject', note: '非受理范围' }]],
        duplicate: [['dispatcher', { action: 'mark_duplicate', duplicate_of: anchor }]],
        dispatched: [file, dispatch],
        in_progress: [file, dispatch, start],
        resolved: [file, dispatch, start, resolve],
        closed: [file, dispatch, start, resolve, ['dispatcher', { action: 'close' }]],
      };
      for (const [who, body] of path[status]) {
        expectOk(await act(who, code, body));
        if (body.action === 'start') expect((await upload('handler', code, 'after', solidPng(2, 2))).statusCode).toBe(201);
      }
      expect((await detail(code)).properties.status).toBe(status);
      return code;
    }
    const body = (action: Action) => ({ action, note: 'x', units: ['sanitation'], duplicate_of: anchor, outcome: 'failed' });
    const wrong: string[] = [];
    expect(everyActionHasAColumn).toBe(true);
    for (const [status, row] of Object.entries(STATE_TABLE) as [Status, readonly (Status | '409')[]][]) {
      expect(row, status).toHaveLength(COLUMNS.length);
      // Refusals change nothing, so they share one parked incident; each allowed action gets its own.
      const refusedHere = await parkedIn(status);
      for (const [i, action] of COLUMNS.entries()) {
        const expected = row[i]!;
        const code = expected === '409' ? refusedHere : await parkedIn(status);
        const before = await historyCount(code);
        const res = await act('commander', code, body(action));
        const after = { status: (await detail(code)).properties.status, history: await historyCount(code) };
        const ok =
          expected === '409'
            ? res.statusCode === 409 && json(res).error.code === 'illegal_transition' && after.status === status && after.history === before
            : res.statusCode === 200 && after.status === expected && after.history === before + 1;
        if (!ok) wrong.push(`${action} from ${status}: ${res.statusCode} → ${after.status} (expected ${expected}): ${res.body.slice(0, 100)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses with 403 a transition the role may not take', async () => {
    const code = await newIncident();
    // Not yet dispatched: handlers do not see it at all (404); other roles may not transition (403).
    const cases: [Who, Action, number][] = [
      ['handler', 'file', 404],
      ['leader', 'file', 403],
      ['worker', 'file', 403],
      ['office', 'reject', 404],
    ];
    for (const [who, action, status] of cases) {
      const res = await act(who, code, { action, note: 'x' });
      expect(res.statusCode, `${who} ${action}`).toBe(status);
    }
    await act('dispatcher', code, { action: 'file' });
    await act('dispatcher', code, { action: 'dispatch', units: ['sanitation'] });
    // A handler of another unit does not even see it.
    expect((await act('office', code, { action: 'start' })).statusCode).toBe(404);
    expect((await act('dispatcher', code, { action: 'start' })).statusCode).toBe(403);
    expect((await act('handler', code, { action: 'close' })).statusCode).toBe(403);
    expect(await historyCount(code)).toBe(3);
  });

  it('lets exactly one of two dispatchers acting at once succeed', async () => {
    const code = await newIncident();
    const [a, b] = await Promise.all([act('dispatcher', code, { action: 'file' }), act('dispatcher2', code, { action: 'file' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const files = await ctx.db.query("SELECT 1 FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'file'", [
      code,
    ]);
    expect(files).toHaveLength(1);
  });
});

describe(`urgency, disputes and units on ${BACKEND}`, () => {
  it('makes a blue dispute yellow after its third failed mediation, saying why', async () => {
    const code = await newIncident({ category: 'neighbour_dispute', urgency: 'blue', description: '噪音纠纷' });
    await act('dispatcher', code, { action: 'file' });
    expectOk(await act('dispatcher', code, { action: 'dispatch', units: [`street_office.${places.street}`] }));
    expectOk(await act('office', code, { action: 'start' }));
    expect((await act('handler', code, { action: 'mediate', outcome: 'failed' })).statusCode).toBe(404);
    for (let i = 0; i < 2; i++)
      expect(json(await act('office', code, { action: 'mediate', outcome: 'failed', note: `第${i + 1}次` })).properties.urgency).toBe('blue');
    const third = json(await act('office', code, { action: 'mediate', outcome: 'failed', note: '双方拒不让步' })).properties;
    expect(third.urgency).toBe('yellow');
    expect(third.mediations.map((m: any) => m.outcome)).toEqual(['failed', 'failed', 'failed']);
    const escalation = third.history.find((h: any) => h.action === 'escalate');
    expect(escalation).toMatchObject({ actor: 'system', details: { from_urgency: 'blue', to_urgency: 'yellow', failures: 3 } });
    expect(escalation.note).toMatch(/调解失败/);
    // Only disputes are mediated.
    const garbage = await newIncident();
    await act('dispatcher', garbage, { action: 'file' });
    await act('dispatcher', garbage, { action: 'dispatch', units: ['sanitation'] });
    expect((await act('handler', garbage, { action: 'mediate', outcome: 'failed' })).statusCode).toBe(409);
  });

  it('sends a yellow incident to several units and resolves it when the last is done', async () => {
    const blue = await newIncident();
    await act('dispatcher', blue, { action: 'file' });
    const two = await act('dispatcher', blue, { action: 'dispatch', units: ['sanitation', `street_office.${places.street}`] });
    expect(two.statusCode).toBe(400);
    expect(json(two).error.message).toMatch(/^units:.*yellow/);
    const code = await newIncident({ urgency: 'yellow' });
    await act('dispatcher', code, { action: 'file' });
    expectOk(await act('dispatcher', code, { action: 'dispatch', units: ['sanitation', `street_office.${places.street}`] }));
    for (const who of ['handler', 'office'] as const) {
      await act(who, code, { action: 'start' });
      await upload(who === 'office' ? 'commander' : who, code, 'after', solidPng(1, 1, who === 'office' ? [1, 2, 3] : [4, 5, 6]));
    }
    const first = json(await act('handler', code, { action: 'resolve' })).properties;
    expect(first.status).toBe('in_progress');
    expect(first.assignments.map((a: any) => a.status)).toEqual(['resolved', 'in_progress']);
    expect(json(await act('office', code, { action: 'resolve' })).properties.status).toBe('resolved');
  });

  it('raises an overdue notice past the deadline and a red alert 30 minutes after an undispatched red report', async () => {
    const code = await newIncident();
    await act('dispatcher', code, { action: 'file' });
    const due = new Date(json(await act('dispatcher', code, { action: 'dispatch', units: ['sanitation'] })).properties.due_at);
    const red = await newIncident({ urgency: 'red', category: 'safety_hazard' });
    const reported = new Date((await detail(red)).properties.reported_at);
    await raiseTimedAlerts(ctx.app, new Date(Math.max(due.getTime(), reported.getTime() + 31 * 60_000) + 60_000));
    const overdue = (await detail(code)).properties;
    expect(overdue.history.at(-1)).toMatchObject({ action: 'overdue', actor: 'system' });
    expect((await detail(red)).properties.history.at(-1)).toMatchObject({ action: 'red_alert' });
    // Each fires once.
    await raiseTimedAlerts(ctx.app, new Date(due.getTime() + 3_600_000));
    expect((await detail(code)).properties.history.filter((h: any) => h.action === 'overdue')).toHaveLength(1);
    // Every incident event recorded so far (reports, transitions, these alerts) carries the contract's incident shape.
    const events = await ctx.db.query<{ type: string; payload: { incident: unknown } }>("SELECT type, payload FROM event_log WHERE type LIKE 'incident.%'");
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['incident.created', 'incident.status_changed', 'incident.overdue', 'incident.red_alert']),
    );
    const misfits = events
      .filter((e) => !Value.Check(StreamIncidentSchema, e.payload.incident))
      .map((e) => [e.type, [...Value.Errors(StreamIncidentSchema, e.payload.incident)][0]?.message]);
    expect(misfits).toEqual([]);
  });
});

describe(`reports: places, duplicates and photos on ${BACKEND}`, () => {
  it("names the incident's grid in its detail in both languages (English: its community's name and its number)", async () => {
    const rows = await ctx.db.query<{ code: string; grid: string; name: string; c_en: string }>(
      `SELECT DISTINCT ON (g.community_code) i.code, g.code grid, g.name, c.name_en c_en
         FROM incident i JOIN grid g ON g.code = i.grid_code JOIN region c ON c.code = g.community_code
        WHERE c.name_en IS NOT NULL ORDER BY g.community_code, i.code LIMIT 3`,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) expect((await detail(r.code)).properties.grid_name).toEqual({ zh: r.name, en: `${r.c_en} Grid ${Number(r.grid.slice(12))}` });
  });

  it('places a point on a shared edge in the lowest grid code, and refuses one outside the city with 422', async () => {
    // A vertex of one grid that also lies on a neighbour: exactly on their shared boundary.
    const [edge] = await ctx.db.query<{ x: number; y: number; a: string; b: string }>(
      `
      SELECT ST_X(d.geom) x, ST_Y(d.geom) y, g1.code a, g2.code b
        FROM grid g1, LATERAL ST_DumpPoints(g1.boundary) d, grid g2
       WHERE g1.code LIKE $1 || '%' AND g2.code LIKE $1 || '%' AND g2.code <> g1.code
         AND g2.boundary && d.geom AND ST_Intersects(g2.boundary, d.geom)
       LIMIT 1`,
      [places.district],
    );
    const res = await report('dispatcher', { category: 'road_damage', location: [edge!.x, edge!.y] });
    expect(res.statusCode, res.body).toBe(201);
    const grid = json(res).incident.properties.grid_code;
    const touching = await ctx.db.query<{ code: string }>(
      'SELECT code FROM grid WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code',
      [edge!.x, edge!.y],
    );
    expect(touching.map((t) => t.code)).toEqual(expect.arrayContaining([edge!.a, edge!.b]));
    expect(grid).toBe(touching[0]!.code);
    const count = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM incident'))[0]!.n;
    const before = await count();
    const outside = await report('dispatcher', { category: 'road_damage', location: [116.4, 39.9] });
    expect(outside.statusCode).toBe(422);
    expect(json(outside).error.code).toBe('outside_service_area');
    const worker = await report('worker', { category: 'road_damage', location: inGrid.map((v) => v + 0.3) });
    expect([403, 422]).toContain(worker.statusCode);
    expect(await count()).toBe(before);
  });

  it('returns same-category incidents within 50 m and 24 h as possible duplicates, and links a duplicate to its original', async () => {
    const first = await newIncident({ category: 'streetlight_fault' });
    const near = json(await report('worker', { category: 'streetlight_fault', location: [inGrid[0] + 0.0002, inGrid[1]] }));
    expect(near.possible_duplicates.map((d: any) => d.code)).toContain(first);
    expect(near.possible_duplicates.find((d: any) => d.code === first).distance_m).toBeLessThan(50);
    const other = json(await report('worker', { category: 'cooking_fume', location: inGrid }));
    expect(other.possible_duplicates.map((d: any) => d.code)).not.toContain(first);
    const far = json(await report('worker', { category: 'streetlight_fault', location: [inGrid[0] + 0.0008, inGrid[1]] }));
    expect(far.possible_duplicates.map((d: any) => d.code)).not.toContain(first);
    const dup = near.incident.properties.code;
    expect(json(await act('dispatcher', dup, { action: 'mark_duplicate', duplicate_of: first })).properties).toMatchObject({
      status: 'duplicate',
      duplicate_of: first,
    });
  });

  it('judges photos by their bytes and size, storing nothing it refuses', async () => {
    const code = await newIncident();
    const count = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM incident_photo'))[0]!.n;
    const before = await count();
    const text = await upload('worker', code, 'before', Buffer.from('this is not a picture at all'), 'fake.jpg');
    expect(text.statusCode).toBe(415);
    const huge = Buffer.concat([solidPng(1, 1), Buffer.alloc(70 * 1024)]);
    const big = await upload('worker', code, 'before', huge);
    expect(big.statusCode).toBe(413);
    expect(await count()).toBe(before);
    expect((await upload('worker', code, 'after', solidPng())).statusCode).toBe(403);
  });
});

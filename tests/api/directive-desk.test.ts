import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';
import { json, SMALL_CITY } from '../helpers/seeded-app.js';
import { payloadOf } from '../helpers/sse-client.js';
import { startStreamApp, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The directive desk's additions to directives (/directives): CSV
 * attachments, reminders (催报) and daily rounds (日报告), over HTTP with real
 * users; the live stream over a real socket.
 */
let t: TestDatabase;
let s: StreamApp;
let app: App;
let places: Awaited<ReturnType<typeof pickPlaces>>;
const as: Record<string, Session> = {};

beforeAll(async () => {
  t = await createSeededDatabase(SMALL_CITY);
  s = await startStreamApp(t.db);
  app = s.app;
  places = await pickPlaces(t.db);
  const users = [
    { username: 'chief', role: 'commander' },
    { username: 'leader', role: 'district_leader', scope: places.district },
    { username: 'other-leader', role: 'district_leader', scope: places.otherDistrict },
    { username: 'staffer', role: 'staff', scope: places.street },
  ] as const;
  for (const u of users) {
    await createUser(t.db, u);
    as[u.username] = await login(app, u.username);
  }
});
afterAll(async () => {
  await s?.close();
  await t?.dispose();
});

const inAnHour = () => new Date(Date.now() + 3_600_000);
const post = (who: string, url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: as[who]!.write });
const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: as[who]!.read });
const two = () => [places.district, places.otherDistrict].sort();
async function create(payload: object = {}) {
  const res = await post('chief', '/api/directives', { title: '排查出租屋', deadline: inAnHour().toISOString(), districts: two(), ...payload });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

/** Everything a directive write could change. */
async function state() {
  return t.db.query(`SELECT (SELECT count(*)::int FROM directive) AS directives,
    (SELECT count(*)::int FROM directive_target) AS targets, (SELECT count(*)::int FROM directive_reminder) AS reminders,
    (SELECT count(*)::int FROM audit_log WHERE action LIKE 'directive.%') AS audit,
    (SELECT count(*)::int FROM event_log WHERE type LIKE 'directive.%') AS events`);
}

async function expectRefused(res: { statusCode: number; body: string }, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = json(res);
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  if (field) expect(body.error.message).toMatch(new RegExp(`^(body\\.)?${field.replace('.', '\\.')}\\b`));
  return body.error.message as string;
}

/** The China date of an instant plus `days`, computed here independently of the server. */
const chinaDay = (t: Date, days = 0) => new Date(t.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe(`the directive desk on ${BACKEND}`, () => {
  it('stores a CSV attachment as rows, quotes and all', async () => {
    const csv = '\uFEFF姓名,地址\r\n张三,"芦淞区建设路 1 号, 3 栋"\r\n"李""四",荷塘区\r\n\r\n';
    const d = await create({ attachment: { filename: '返株人员.csv', csv } });
    const expected = {
      filename: '返株人员.csv',
      columns: ['姓名', '地址'],
      rows: [
        ['张三', '芦淞区建设路 1 号, 3 栋'],
        ['李"四', '荷塘区'],
      ],
    };
    expect(d.attachment).toEqual(expected);
    expect(json(await get('leader', `/api/directives/${d.id}`)).attachment).toEqual(expected);
    const [row] = await t.db.query<{ attachment: unknown }>('SELECT attachment FROM directive WHERE id = $1', [d.id]);
    expect(row!.attachment).toEqual(expected);
  });

  it('refuses a malformed or oversized CSV attachment, naming the line, and changes nothing', async () => {
    const before = await state();
    for (const [csv, line] of [
      ['姓名,地址\n张三,"建设路\n', 2], // a quote never closed
      ['姓名,地址\n张三,建设路\n李四\n', 3], // a row short of a field
      ['姓名,地址\n', 1], // no rows
      ['姓名,地址\n张"三,建设路\n', 2], // a stray quote
      [`姓名\n${'张三\n'.repeat(501)}`, 502], // too many rows
    ] as const) {
      const message = await expectRefused(
        await post('chief', '/api/directives', { title: 'x', deadline: inAnHour().toISOString(), attachment: { filename: 'a.csv', csv } }),
        400,
        'invalid_parameter',
        'attachment.csv',
      );
      expect(message).toContain(`line ${line}`);
    }
    const tooLong = await post('chief', '/api/directives', {
      title: 'x',
      deadline: inAnHour().toISOString(),
      attachment: { filename: 'a.csv', csv: 'a\n'.repeat(20_000) },
    });
    await expectRefused(tooLong, 400, 'invalid_parameter', 'body.attachment.csv');
    expect(await state()).toEqual(before);
  });

  it('reminds the districts still waiting: recorded, audited, announced, shown to the district; then nothing to remind', async () => {
    const stream = await s.connect({ scope: places.otherDistrict });
    await stream.waitFor((m) => m.retry !== undefined, 2_000, 'the retry hint');
    const d = await create();
    expect((await post('leader', `/api/directives/${d.id}/answers`, { district: places.district, kind: 'zero_report' })).statusCode).toBe(200);
    await expectRefused(await post('leader', `/api/directives/${d.id}/reminders`, {}), 403, 'forbidden');

    const res = await post('chief', `/api/directives/${d.id}/reminders`, {});
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toEqual({ round: 1, sent_at: expect.any(String), districts: [places.otherDistrict] });
    const [rec] = await t.db.query('SELECT round, district_code, sent_by FROM directive_reminder WHERE directive_id = $1', [d.id]);
    expect(rec).toEqual({ round: 1, district_code: places.otherDistrict, sent_by: 'user:chief' });
    const [entry] = json(await get('chief', `/api/audit?action=directive.remind&target_id=${d.id}`)).entries;
    expect(entry).toMatchObject({ actor: 'user:chief', after: { round: 1, districts: [places.otherDistrict] } });
    await stream.waitFor(
      () => stream.messages.some((m) => m.event === 'directive.reminded' && (payloadOf(m) as any).directive.id === d.id),
      5_000,
      'directive.reminded',
    );
    const seen = json(await get('other-leader', `/api/directives/${d.id}`)).districts;
    expect(seen).toEqual([expect.objectContaining({ code: places.otherDistrict, status: 'waiting', reminded_at: json(res).sent_at })]);
    stream.close();

    expect(
      (
        await post('other-leader', `/api/directives/${d.id}/answers`, {
          district: places.otherDistrict,
          kind: 'report',
          text: '已排查 12 户',
          figures: [{ label: '户数', value: 12 }],
        })
      ).statusCode,
    ).toBe(200);
    const whole = json(await get('chief', `/api/directives/${d.id}`)).districts;
    expect(whole.find((r: { code: string }) => r.code === places.otherDistrict).figures).toEqual([{ label: '户数', value: 12 }]);
    const before = await state();
    await expectRefused(await post('chief', `/api/directives/${d.id}/reminders`, {}), 409, 'nothing_to_remind');
    await expectRefused(await post('chief', '/api/directives/999999/reminders', {}), 404, 'not_found');
    expect(await state()).toEqual(before);
  });

  it('runs a daily directive (日报告) in rounds, each with its own answers, the first answer of each standing', async () => {
    const deadline = inAnHour();
    // The directive's deadline is this very instant: the rounds' deadlines below are computed from it to the millisecond.
    const d = await create({ deadline: deadline.toISOString(), daily_until: chinaDay(deadline, 2) });
    expect(d.daily_until).toBe(chinaDay(deadline, 2));
    let rounds = json(await get('chief', `/api/directives/${d.id}/rounds`)).rounds;
    expect(rounds.map((r: { round: number; date: string }) => [r.round, r.date])).toEqual([[1, chinaDay(deadline)]]);
    const before = await state();
    const ans = (who: string, round: number, body: object) => post(who, `/api/directives/${d.id}/rounds/${round}/answers`, body);
    await expectRefused(await ans('leader', 2, { district: places.district, kind: 'zero_report' }), 409, 'round_not_open');
    expect(await state()).toEqual(before);

    // Two days on: the directive was issued two days earlier, so rounds 1 to 3 have opened and 1 and 2 are past due.
    await t.db.query("UPDATE directive SET created_at = created_at - interval '2 days', deadline = deadline - interval '2 days' WHERE id = $1", [d.id]);
    const first = new Date(deadline.getTime() - 2 * 86_400_000);
    rounds = json(await get('chief', `/api/directives/${d.id}/rounds`)).rounds;
    expect(rounds.map((r: any) => [r.round, r.date, Date.parse(r.deadline)])).toEqual([
      [3, chinaDay(first, 2), first.getTime() + 2 * 86_400_000],
      [2, chinaDay(first, 1), first.getTime() + 86_400_000],
      [1, chinaDay(first), first.getTime()],
    ]);
    expect(rounds.map((r: any) => r.districts.map((x: any) => [x.code, x.status, x.late]))).toEqual([
      two().map((c) => [c, 'waiting', false]),
      two().map((c) => [c, 'waiting', true]),
      two().map((c) => [c, 'waiting', true]),
    ]);

    const res = await ans('staffer', 2, { district: places.district, kind: 'report', text: '昨日新增 3 人', figures: [{ label: '人数', value: 3 }] });
    expect(res.statusCode, res.body).toBe(200);
    // A district-scoped caller sees its own row of each round.
    const mine = json(res).rounds.find((r: { round: number }) => r.round === 2).districts;
    expect(mine).toEqual([
      expect.objectContaining({
        code: places.district,
        status: 'answered',
        answer: '昨日新增 3 人',
        figures: [{ label: '人数', value: 3 }],
        answered_by: 'user:staffer',
        late: true,
      }),
    ]);
    await expectRefused(await ans('leader', 2, { district: places.district, kind: 'zero_report' }), 409, 'already_answered');
    await expectRefused(await ans('leader', 3, { district: places.otherDistrict, kind: 'zero_report' }), 403, 'out_of_scope');
    expect((await ans('leader', 3, { district: places.district, kind: 'zero_report' })).statusCode).toBe(200);
    await expectRefused(await ans('leader', 4, { district: places.district, kind: 'zero_report' }), 409, 'round_not_open');

    const rows = await t.db.query('SELECT round, district_code, status FROM directive_target WHERE directive_id = $1 ORDER BY round, district_code', [d.id]);
    expect(rows).toEqual([
      ...two().map((c) => ({ round: 1, district_code: c, status: 'waiting' })),
      { round: 2, district_code: places.district, status: 'answered' },
      { round: 3, district_code: places.district, status: 'zero_report' },
    ]);
    // The single-directive view is round 1, still waiting everywhere.
    expect(json(await get('chief', `/api/directives/${d.id}`)).districts.map((x: any) => x.status)).toEqual(['waiting', 'waiting']);
    // Reminding by default reminds the running round: round 3, where only the other district is waiting.
    expect(json(await post('chief', `/api/directives/${d.id}/reminders`, {})).districts).toEqual([places.otherDistrict]);
    expect(json(await post('chief', `/api/directives/${d.id}/reminders`, { round: 1 })).districts).toEqual(two());

    // The desk's list and the wall (status=running) show a daily directive at the round needing attention:
    // the earliest with a district still waiting past its deadline, else the newest.
    const listed = async (who: string, status = 'all') => {
      const res = await get(who, `/api/directives?status=${status}`);
      expect(res.statusCode, res.body).toBe(200);
      const found = json(res).directives.find((x: { id: number }) => x.id === d.id);
      return (
        found && {
          round: found.round,
          deadline: Date.parse(found.deadline),
          overdue: found.overdue,
          rows: found.districts.map((x: any) => [x.code, x.status, x.late]),
        }
      );
    };
    expect(await listed('chief')).toEqual({ round: 1, deadline: first.getTime(), overdue: true, rows: two().map((c) => [c, 'waiting', true]) });
    for (const [who, district] of [
      ['leader', places.district],
      ['other-leader', places.otherDistrict],
    ] as const)
      expect((await ans(who, 1, { district, kind: 'zero_report' })).statusCode).toBe(200);
    // Day 1 answered everywhere; day 2 not by the other district: round 2 shows, overdue, that district late.
    const day2 = { round: 2, deadline: first.getTime() + 86_400_000, overdue: true };
    const row2 = (c: string) => [c, c === places.district ? 'answered' : 'waiting', true];
    expect(await listed('chief')).toEqual({ ...day2, rows: two().map(row2) });
    expect(await listed('chief', 'running')).toEqual({ ...day2, rows: two().map(row2) });
    expect(await listed('other-leader', 'open')).toEqual({ ...day2, rows: [row2(places.otherDistrict)] });
    // The district that answered every day sees its newest round, not overdue.
    expect(await listed('leader')).toEqual({
      round: 3,
      deadline: first.getTime() + 2 * 86_400_000,
      overdue: false,
      rows: [[places.district, 'zero_report', false]],
    });
    expect((await ans('other-leader', 2, { district: places.otherDistrict, kind: 'zero_report' })).statusCode).toBe(200);
    expect(await listed('chief')).toEqual({
      round: 3,
      deadline: first.getTime() + 2 * 86_400_000,
      overdue: false,
      rows: two().map((c) => [c, c === places.district ? 'zero_report' : 'waiting', false]),
    });
  });

  it('limits the list after its filters: the newest directives of the asked status, however many of another are newer', async () => {
    const older = await create({ title: '较早仍在等待' });
    const newer = await create({ title: '较新已答完' });
    for (const [who, district] of [
      ['leader', places.district],
      ['other-leader', places.otherDistrict],
    ] as const)
      expect((await post(who, `/api/directives/${newer.id}/rounds/1/answers`, { district, kind: 'zero_report' })).statusCode).toBe(200);
    // Expected from SQL: the newest directive with a district still waiting in its round 1 (none of these is daily).
    const [open] = await t.db.query<{ id: number }>(
      `SELECT d.id FROM directive d WHERE d.daily_until IS NULL
          AND EXISTS (SELECT 1 FROM directive_target x WHERE x.directive_id = d.id AND x.status = 'waiting')
        ORDER BY d.created_at DESC, d.id DESC LIMIT 1`,
    );
    expect(open!.id).toBe(older.id);
    const ids = async (status: string) => json(await get('chief', `/api/directives?status=${status}&limit=1`)).directives.map((x: { id: number }) => x.id);
    expect(await ids('open')).toEqual([older.id]);
    expect(await ids('closed')).toEqual([newer.id]);
    expect(await ids('all')).toEqual([newer.id]);
  });

  it('refuses a bad last day for a daily directive', async () => {
    const deadline = inAnHour();
    const before = await state();
    for (const until of [chinaDay(deadline, -1), chinaDay(deadline, 92), '2026-02-30', '2026-1-5']) {
      const res = await post('chief', '/api/directives', { title: 'x', deadline: deadline.toISOString(), daily_until: until });
      await expectRefused(res, 400, 'invalid_parameter', until === '2026-1-5' ? 'body.daily_until' : 'daily_until');
    }
    expect(await state()).toEqual(before);
  });
});

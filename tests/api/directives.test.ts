import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app.js';
import { insertDemoDirectives } from '../../geodata/demo-city/demo-directives.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';
import { json, SMALL_CITY } from '../helpers/seeded-app.js';
import { payloadOf, type SseStream } from '../helpers/sse-client.js';
import { startStreamApp, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Directives (指令) over HTTP with real users: the command centre sends one,
 * districts answer, and the live stream announces both. One listening app
 * serves the requests (inject) and the event stream (a real socket).
 */
let t: TestDatabase;
let s: StreamApp;
let app: App;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let districts: { code: string; name: string }[];
const as: Record<string, Session> = {};

beforeAll(async () => {
  t = await createSeededDatabase(SMALL_CITY);
  // The run's shared small city (a template copy): directives do not need incidents, but a city of their own costs a seed.
  s = await startStreamApp(t.db);
  app = s.app;
  places = await pickPlaces(t.db);
  districts = await t.db.query("SELECT code, name FROM region WHERE level = 'district' ORDER BY code");
  const users = [
    { username: 'chief', role: 'commander' },
    { username: 'disp', role: 'dispatcher' },
    { username: 'disp-local', role: 'dispatcher', scope: places.district },
    { username: 'leader', role: 'district_leader', scope: places.district },
    { username: 'other-leader', role: 'district_leader', scope: places.otherDistrict },
    { username: 'staffer', role: 'staff', scope: places.street },
    { username: 'worker', role: 'grid_worker', scope: places.grid },
    { username: 'watcher', role: 'viewer' },
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

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const post = (who: string, url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: as[who]!.write });
const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: as[who]!.read });
const create = async (payload: object = {}, who = 'chief') => {
  const res = await post(who, '/api/directives', { title: '核查今日登记的33名上海返株人员', deadline: inAnHour(), ...payload });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
};
const answer = (who: string, id: number, payload: object) => post(who, `/api/directives/${id}/answers`, payload);

/** Everything a directive write could change: rows, answers, audit entries and events. */
async function state() {
  const [counts] = await t.db.query(`SELECT (SELECT count(*)::int FROM directive) AS directives,
    (SELECT count(*)::int FROM audit_log WHERE action LIKE 'directive.%') AS audit,
    (SELECT count(*)::int FROM event_log WHERE type LIKE 'directive.%') AS events`);
  const targets = await t.db.query('SELECT * FROM directive_target ORDER BY directive_id, district_code');
  return { counts, targets };
}

/** Asserts a refused request: its status, the one error shape, and (for 400s) the field named first. */
async function expectRefused(res: { statusCode: number; body: string }, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = json(res);
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  if (field) expect(body.error.message).toMatch(new RegExp(`^(body\\.)?${field}\\b`));
}

describe(`directives on ${BACKEND}`, () => {
  it('sends a directive to every district, each waiting, with an audit entry', async () => {
    // The issuer is named by the person's name, not the account's (the board shows it).
    await t.db.query("UPDATE app_user SET display_name = '株洲市指挥长' WHERE username = 'chief'");
    const d = await create({ body: '请逐一核查并反馈。' });
    expect(d).toMatchObject({
      title: '核查今日登记的33名上海返株人员',
      body: '请逐一核查并反馈。',
      created_by: 'user:chief',
      created_by_name: '株洲市指挥长',
      overdue: false,
    });
    expect(d.districts.map((x: { code: string }) => x.code)).toEqual(districts.map((x) => x.code));
    for (const row of d.districts) {
      expect(row).toEqual({
        code: row.code,
        name: districts.find((x) => x.code === row.code)!.name,
        status: 'waiting',
        answer: '',
        answered_at: null,
        answered_by: null,
        minutes_to_answer: null,
        late: false,
      });
    }
    expect(json(await get('chief', `/api/directives/${d.id}`))).toEqual(d);
    expect(json(await get('disp', '/api/directives')).directives[0]).toEqual(d);
    const audit = json(await get('chief', `/api/audit?target_type=directive&target_id=${d.id}`)).entries;
    expect(audit).toMatchObject([{ actor: 'user:chief', action: 'directive.create', after: { title: d.title, districts: districts.map((x) => x.code) } }]);
  });

  it('records a zero report from a district leader: status, time to answer and who answered', async () => {
    const d = await create();
    // Issued 95 minutes ago, so the time to answer is measurable.
    await t.db.query("UPDATE directive SET created_at = created_at - interval '95 minutes' WHERE id = $1", [d.id]);
    const res = await answer('leader', d.id, { district: places.district, kind: 'zero_report' });
    expect(res.statusCode, res.body).toBe(200);
    const seen = json(res);
    // The leader sees their own district's row only.
    expect(seen.districts).toEqual([
      {
        code: places.district,
        name: expect.any(String),
        status: 'zero_report',
        answer: '',
        answered_at: expect.any(String),
        answered_by: 'user:leader',
        minutes_to_answer: 95,
        late: false,
      },
    ]);
    const whole = json(await get('chief', `/api/directives/${d.id}`));
    expect(whole.districts.filter((x: { status: string }) => x.status === 'waiting')).toHaveLength(districts.length - 1);
    const [entry] = json(await get('chief', `/api/audit?action=directive.answer&target_id=${d.id}`)).entries;
    expect(entry).toMatchObject({
      actor: 'user:leader',
      before: { district_code: places.district, status: 'waiting' },
      after: { district_code: places.district, status: 'zero_report', answered_by: 'user:leader' },
    });

    // Answering again, by anyone, is refused and the first answer stands.
    const before = await state();
    await expectRefused(await answer('leader', d.id, { district: places.district, kind: 'report', text: '补充报告' }), 409, 'already_answered');
    await expectRefused(await answer('chief', d.id, { district: places.district, kind: 'zero_report' }), 409, 'already_answered');
    expect(await state()).toEqual(before);
  });

  it('lets exactly one of two simultaneous answers win', async () => {
    const d = await create();
    const results = await Promise.all([
      answer('leader', d.id, { district: places.district, kind: 'report', text: '辖区登记12人，已全部核查' }),
      answer('chief', d.id, { district: places.district, kind: 'zero_report' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const rows = await t.db.query<{ n: number }>("SELECT count(*)::int n FROM audit_log WHERE action = 'directive.answer' AND target_id = $1", [String(d.id)]);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses answers for another district, or to directives not addressed to it, changing nothing', async () => {
    const d = await create();
    const elsewhere = await create({ districts: [places.otherDistrict] });
    const before = await state();
    await expectRefused(await answer('leader', d.id, { district: places.otherDistrict, kind: 'zero_report' }), 403, 'out_of_scope', 'district');
    await expectRefused(await answer('staffer', d.id, { district: places.otherDistrict, kind: 'zero_report' }), 403, 'out_of_scope', 'district');
    await expectRefused(await answer('leader', elsewhere.id, { district: places.district, kind: 'zero_report' }), 404, 'not_found');
    await expectRefused(await answer('chief', elsewhere.id, { district: places.district, kind: 'zero_report' }), 404, 'not_found');
    await expectRefused(await answer('chief', 2_000_000_000, { district: places.district, kind: 'zero_report' }), 404, 'not_found');
    await expectRefused(await answer('watcher', d.id, { district: places.district, kind: 'zero_report' }), 403, 'forbidden');
    await expectRefused(await answer('worker', d.id, { district: places.district, kind: 'zero_report' }), 403, 'forbidden');
    expect(await state()).toEqual(before);
    // Street staff answer for their district.
    expect((await answer('staffer', d.id, { district: places.district, kind: 'report', text: '已核查' })).statusCode).toBe(200);
  });

  it('lets only the command centre and dispatchers send directives', async () => {
    const before = await state();
    for (const who of ['watcher', 'worker', 'leader', 'staffer']) {
      await expectRefused(await post(who, '/api/directives', { title: 'x', deadline: inAnHour() }), 403, 'forbidden');
    }
    expect(await state()).toEqual(before);
  });

  it('refuses bad input with 400 naming the field, changing nothing', async () => {
    const d = await create();
    const before = await state();
    const past = new Date(Date.now() - 60_000).toISOString();
    const bad: [object, string][] = [
      [{ deadline: past }, 'deadline'],
      [{ deadline: '2026-06-15T18:00:00' }, 'deadline'], // no zone
      [{ deadline: '2099-02-30T10:00:00+08:00' }, 'deadline'],
      [{ deadline: new Date(Date.now() + 400 * 86_400_000).toISOString() }, 'deadline'],
      [{ deadline: undefined }, 'deadline'],
      [{ title: '   ' }, 'title'],
      [{ districts: ['430299'] }, 'districts'],
      [{ districts: ['430200'] }, 'districts'], // the city, not a district
      [{ districts: [places.district, places.district] }, 'districts'],
      [{ districts: [] }, 'districts'],
      [{ districts: ['4302'] }, 'districts'],
      [{ priority: 'high' }, 'priority'],
    ];
    for (const [payload, field] of bad) {
      const res = await post('chief', '/api/directives', { title: '排查辖区燃气安全隐患', deadline: inAnHour(), ...payload });
      await expectRefused(res, 400, 'invalid_parameter', field);
    }
    // A dispatcher scoped to a district addresses only districts inside it.
    await expectRefused(
      await post('disp-local', '/api/directives', { title: 'x', deadline: inAnHour(), districts: [places.otherDistrict] }),
      400,
      'invalid_parameter',
      'districts',
    );
    for (const [payload, field] of [
      [{ kind: 'report' }, 'text'],
      [{ kind: 'report', text: '  ' }, 'text'],
      [{ kind: 'maybe' }, 'kind'],
      [{ kind: 'zero_report', district: '43' }, 'district'],
    ] as const) {
      await expectRefused(await answer('chief', d.id, { district: places.district, ...payload }), 400, 'invalid_parameter', field);
    }
    await expectRefused(await get('chief', '/api/directives?status=pending'), 400, 'invalid_parameter', 'querystring.status');
    expect(await state()).toEqual(before);
  });

  it('shows a district-scoped caller only directives addressed to its district, and only its row', async () => {
    const mine = await create({ districts: [places.district, places.otherDistrict] });
    const theirs = await create({ districts: [places.otherDistrict] });
    for (const who of ['leader', 'staffer', 'worker']) {
      const list = json(await get(who, '/api/directives?status=all')).directives;
      expect(list.map((x: { id: number }) => x.id)).toContain(mine.id);
      expect(list.map((x: { id: number }) => x.id)).not.toContain(theirs.id);
      for (const x of list) expect(x.districts.map((r: { code: string }) => r.code)).toEqual([places.district]);
      await expectRefused(await get(who, `/api/directives/${theirs.id}`), 404, 'not_found');
    }
    // Open and closed are judged on the rows the caller sees.
    await answer('leader', mine.id, { district: places.district, kind: 'zero_report' });
    const ids = async (who: string, status: string) => json(await get(who, `/api/directives?status=${status}`)).directives.map((x: { id: number }) => x.id);
    expect(await ids('leader', 'open')).not.toContain(mine.id);
    expect(await ids('leader', 'closed')).toContain(mine.id);
    expect(await ids('chief', 'open')).toContain(mine.id);
    expect(await ids('chief', 'closed')).not.toContain(mine.id);
    // Running is judged on every addressed district (a district's wall keeps showing what it has answered
    // while others have not), still with the caller's row only.
    expect(await ids('leader', 'running')).toContain(mine.id);
    expect(await ids('chief', 'running')).toContain(mine.id);
    const running = json(await get('leader', '/api/directives?status=running')).directives.find((x: { id: number }) => x.id === mine.id);
    expect(running.districts).toMatchObject([{ code: places.district, status: 'zero_report' }]);
    await answer('other-leader', mine.id, { district: places.otherDistrict, kind: 'zero_report' });
    expect(await ids('leader', 'running')).not.toContain(mine.id);
    expect(await ids('chief', 'running')).not.toContain(mine.id);
    expect(await ids('chief', 'closed')).toContain(mine.id);
    // A dispatcher scoped to a district addresses that district by default.
    const local = await create({}, 'disp-local');
    expect(local.districts.map((r: { code: string }) => r.code)).toEqual([places.district]);
  });

  it('flags overdue directives and late answers', async () => {
    const d = await create({ districts: [places.district, places.otherDistrict] });
    await answer('leader', d.id, { district: places.district, kind: 'zero_report' });
    // Issued three hours ago, answered by the leader two hours ago, due a minute ago.
    await t.db.query("UPDATE directive SET created_at = created_at - interval '3 hours', deadline = now() - interval '1 minute' WHERE id = $1", [d.id]);
    await t.db.query("UPDATE directive_target SET answered_at = answered_at - interval '2 hours' WHERE directive_id = $1 AND status <> 'waiting'", [d.id]);
    const seen = json(await get('chief', `/api/directives/${d.id}`));
    expect(seen.overdue).toBe(true);
    expect(seen.districts.map((r: { late: boolean }) => r.late)).toEqual([false, true]); // answered in time; still waiting past the deadline
    await answer('other-leader', d.id, { district: places.otherDistrict, kind: 'report', text: '已排查' });
    const after = json(await get('chief', `/api/directives/${d.id}`));
    expect(after.overdue).toBe(false);
    expect(after.districts[1]).toMatchObject({ status: 'answered', late: true, answer: '已排查' });
  });

  it('announces directive.created and directive.answered on the live stream within a second', async () => {
    const city = await s.connect();
    const district = await s.connect({ scope: places.district });
    const other = await s.connect({ scope: places.otherDistrict });
    await Promise.all([city, district, other].map((x) => x.waitFor((y) => y.retry !== undefined, 2_000, 'the retry hint')));
    const arrival = async (stream: SseStream, type: string, id: number, since: number) => {
      const match = () => stream.messages.find((m) => m.event === type && (payloadOf(m) as any).directive.id === id);
      await stream.waitFor(() => match() !== undefined, 2_000, `${type} of directive ${id}`);
      return { latency: match()!.receivedAt - since, data: payloadOf(match()!) as any };
    };

    let since = performance.now();
    const d = await create();
    for (const stream of [city, district, other]) {
      const { latency, data } = await arrival(stream, 'directive.created', d.id, since);
      expect(latency).toBeLessThan(1_000);
      expect(data.directive).toEqual({
        id: d.id,
        title: d.title,
        deadline: d.deadline,
        districts: d.districts.map((r: { code: string }) => ({ code: r.code, status: 'waiting', answered_at: null })),
      });
    }

    since = performance.now();
    expect((await answer('leader', d.id, { district: places.district, kind: 'zero_report' })).statusCode).toBe(200);
    for (const stream of [city, district]) {
      const { latency, data } = await arrival(stream, 'directive.answered', d.id, since);
      expect(latency).toBeLessThan(1_000);
      expect(data.directive.districts).toHaveLength(districts.length);
      expect(data.directive.districts.find((r: { code: string }) => r.code === places.district)).toMatchObject({
        status: 'zero_report',
        answered_at: expect.any(String),
      });
    }
    // The answer's scope is its district: another district's subscriber gets the next directive addressed to it, not the answer.
    const next = await create({ districts: [places.otherDistrict] });
    await arrival(other, 'directive.created', next.id, since);
    expect(other.messages.some((m) => m.event === 'directive.answered')).toBe(false);
    const [row] = await t.db.query<{ scope: string }>("SELECT scope FROM event_log WHERE type = 'directive.created' ORDER BY id DESC LIMIT 1");
    expect(row!.scope).toBe(places.otherDistrict);
    for (const stream of [city, district, other]) stream.close();
  });

  it('inserts the demo directives cleanly: one closed, one in progress, one overdue', async () => {
    const now = new Date();
    const [{ last }] = (await t.db.query<{ last: number }>('SELECT coalesce(max(id), 0) AS last FROM directive')) as [{ last: number }];
    expect(await t.db.transaction((tx) => insertDemoDirectives(tx, now))).toBe(3);
    // The tests above (and perhaps the seed) used the same titles: take the three just inserted.
    const all = json(await get('chief', '/api/directives?status=all&limit=200')).directives.filter((x: { id: number }) => x.id > last);
    expect(all).toHaveLength(3);
    const byTitle = (title: string) => all.find((x: { title: string }) => x.title === title);
    const closed = byTitle('报送防汛值守情况');
    const progress = byTitle('核查今日登记的33名上海来返人员');
    const overdue = byTitle('排查辖区燃气安全隐患');
    const statuses = (x: any) => new Set(x.districts.map((r: { status: string }) => r.status));
    expect(statuses(closed)).toEqual(new Set(['answered', 'zero_report']));
    expect(closed.overdue).toBe(false);
    expect(closed.districts.some((r: { late: boolean }) => r.late)).toBe(true);
    expect(closed.districts.some((r: { late: boolean }) => !r.late)).toBe(true);
    expect(statuses(progress)).toEqual(new Set(['answered', 'zero_report', 'waiting']));
    expect(progress.overdue).toBe(false);
    expect(Date.parse(progress.deadline)).toBeGreaterThan(now.getTime());
    expect(overdue.overdue).toBe(true);
    expect(statuses(overdue).has('waiting')).toBe(true);
    for (const x of [closed, progress, overdue]) {
      for (const r of x.districts.filter((r: { status: string }) => r.status !== 'waiting')) {
        expect(r.minutes_to_answer).toBeGreaterThan(0);
        expect(Date.parse(r.answered_at)).toBeLessThan(now.getTime());
      }
    }
    const closedIds = json(await get('chief', '/api/directives?status=closed&limit=200')).directives.map((x: { id: number }) => x.id);
    expect(closedIds).toContain(closed.id);
  });
});

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { secretSafeLogger } from '../../server/logging.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, TEST_PASSWORD } from '../helpers/identity.js';

let ctx: SeededApp;
let app: App;
const logLines: string[] = [];
let places: Awaited<ReturnType<typeof pickPlaces>>;

beforeAll(async () => {
  ctx = await createSeededApp(undefined, { auth: { anonymousRead: false } });
  // A second app over the same database, logging at debug into memory, with a quick throttle.
  const stream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({
    db: ctx.db,
    logger: secretSafeLogger('debug', stream),
    auth: { anonymousRead: false },
    loginThrottle: { windowMs: 60_000, slowAfter: 2, accountLimit: 4, addressLimit: 9, baseDelayMs: 150, maxDelayMs: 300 },
  });
  await app.ready();
  places = await pickPlaces(ctx.db);
  await createUser(ctx.db, { username: 'chief', role: 'commander' });
  await createUser(ctx.db, { username: 'leader', role: 'district_leader', scope: places.district });
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) => (await ctx.db.query<{ n: number }>(sql, params))[0]!.n;

describe(`sign-in, sessions and CSRF on ${BACKEND}`, () => {
  it('refuses reads without credentials when anonymous reading is off', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/grids' });
    expect(res.statusCode).toBe(401);
    expect(json(res)).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('signs in with an HttpOnly SameSite cookie and says who the user is', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = [res.headers['set-cookie']].flat().find((c) => c!.startsWith('gs_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Expires=/i);
    const body = json(res);
    expect(body.principal).toMatchObject({ kind: 'user', role: 'district_leader', scope: { code: places.district, level: 'district' } });
    expect(body.allowed).toContain('GET /api/grids');
    expect(body.allowed).not.toContain('POST /api/users');
    expect(res.body).not.toContain(TEST_PASSWORD);
    // The cookie value is never stored: only its hash.
    const raw = cookie.split(';')[0]!.split('=')[1]!;
    expect(await count('SELECT count(*)::int n FROM user_session WHERE id_hash = $1', [Buffer.from(raw)])).toBe(0);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chief', password: 'not the password' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(json(wrong)).toEqual(json(unknown));
    expect(await count("SELECT count(*)::int n FROM audit_log WHERE action = 'auth.login_failed' AND target_id IN ('chief', 'nobody')")).toBe(2);
  });

  it('ends a session at logout and at expiry', async () => {
    const s = await login(app, 'leader');
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: s.read })).statusCode).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.write });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/grids', headers: s.read })).statusCode).toBe(401);

    const t = await login(app, 'leader');
    await ctx.db.query("UPDATE user_session SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'");
    const expired = await app.inject({ method: 'GET', url: '/api/auth/me', headers: t.read });
    expect(expired.statusCode).toBe(401);
    expect(String(expired.headers['set-cookie'])).toMatch(/gs_session=;/);
  });

  it('refuses a write made with the cookie but without the CSRF token, changing nothing', async () => {
    const s = await login(app, 'chief');
    const users = await count('SELECT count(*)::int n FROM app_user');
    const payload = { username: 'csrf-victim', display_name: 'x', role: 'viewer', password: 'long enough pw' };
    const forged = await app.inject({ method: 'POST', url: '/api/users', headers: s.read, payload });
    expect(forged.statusCode).toBe(403);
    expect(json(forged).error.code).toBe('csrf_token_invalid');
    const wrongToken = await app.inject({ method: 'POST', url: '/api/users', headers: { ...s.read, 'x-csrf-token': 'guess' }, payload });
    expect(wrongToken.statusCode).toBe(403);
    expect(await count('SELECT count(*)::int n FROM app_user')).toBe(users);
    const real = await app.inject({ method: 'POST', url: '/api/users', headers: s.write, payload });
    expect(real.statusCode).toBe(201);
    expect(await count('SELECT count(*)::int n FROM app_user')).toBe(users + 1);
  });
});

describe(`users, tokens and the audit log on ${BACKEND}`, () => {
  it('validates grants, naming the field, and changes nothing', async () => {
    const s = await login(app, 'chief');
    const before = await count('SELECT count(*)::int n FROM app_user');
    const cases: [object, string][] = [
      [{ role: 'district_leader', scope: places.street }, 'scope'],
      [{ role: 'district_leader', scope: '439999' }, 'scope'],
      [{ role: 'handler' }, 'unit'],
      [{ role: 'handler', unit: 'no_such_unit' }, 'unit'],
      [{ role: 'grid_worker', scope: places.district }, 'scope'],
      [{ role: 'emperor' }, 'body.role'],
    ];
    for (const [grant, field] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: s.write,
        payload: { username: 'bad-grant', display_name: 'x', password: 'long enough pw', ...grant },
      });
      expect(res.statusCode, JSON.stringify(grant)).toBe(400);
      expect(json(res).error.message).toContain(field);
    }
    const weak = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: s.write,
      payload: { username: 'weakling', display_name: 'x', role: 'viewer', password: 'short' },
    });
    expect(json(weak).error.message).toMatch(/^password:/);
    expect(await count('SELECT count(*)::int n FROM app_user')).toBe(before);
  });

  it('shows a token once, stores only its hash, and stops it at once when revoked', async () => {
    const s = await login(app, 'chief');
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: s.write,
      payload: { name: 'wall A', role: 'viewer', scope: places.district },
    });
    expect(created.statusCode).toBe(201);
    const { token, id, prefix } = json(created);
    expect(token).toMatch(/^gst_[A-Za-z0-9_-]{40,}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const listed = await app.inject({ method: 'GET', url: '/api/tokens', headers: s.read });
    expect(listed.body).not.toContain(token);
    const stored = JSON.stringify(await ctx.db.query('SELECT * FROM api_token WHERE id = $1', [id]));
    expect(stored).not.toContain(token.slice(10));

    const byHeader = await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { authorization: `Bearer ${token}` } });
    expect(byHeader.statusCode).toBe(200);
    expect(json(byHeader).region.code).toBe(places.district);
    const byQuery = await app.inject({ method: 'GET', url: `/api/grids?access_token=${token}&limit=1` });
    expect(byQuery.statusCode).toBe(200);
    // A viewer token may not write, even to routes it can see.
    expect((await app.inject({ method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${token}` }, payload: {} })).statusCode).toBe(403);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: s.write });
    expect(revoked.statusCode).toBe(200);
    expect(json(revoked).revoked_at).toBeTruthy();
    const after = await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { authorization: 'Bearer gst_made_up' } })).statusCode).toBe(401);
  });

  it('disabling a user ends their sessions', async () => {
    const chief = await login(app, 'chief');
    const create = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: chief.write,
      payload: { username: 'temp-staff', display_name: '临时', role: 'staff', scope: places.street, password: 'long enough pw' },
    });
    const { id } = json(create);
    const s = await login(app, 'temp-staff', 'long enough pw');
    const disable = await app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: chief.write, payload: { disabled: true } });
    expect(disable.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: s.read })).statusCode).toBe(401);
    const relogin = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'temp-staff', password: 'long enough pw' } });
    expect(relogin.statusCode).toBe(401);
  });

  it('records every identity change in an append-only log the commander can filter', async () => {
    const chief = await login(app, 'chief');
    const created = json(
      await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: chief.write,
        payload: { username: 'audited', display_name: '甲', role: 'viewer', password: 'long enough pw' },
      }),
    );
    await app.inject({ method: 'PATCH', url: `/api/users/${created.id}`, headers: chief.write, payload: { display_name: '乙', password: 'another long pw' } });
    const res = await app.inject({ method: 'GET', url: `/api/audit?target_type=user&target_id=${created.id}`, headers: chief.read });
    expect(res.statusCode).toBe(200);
    const entries = json(res).entries;
    expect(entries.map((e: any) => e.action)).toEqual(['user.update_password', 'user.create']);
    expect(entries[0]).toMatchObject({ actor: 'user:chief', before: { display_name: '甲' }, after: { display_name: '乙' } });
    expect(res.body).not.toContain('scrypt');
    expect(res.body).not.toContain('another long pw');
    const byActor = json(await app.inject({ method: 'GET', url: '/api/audit?actor=user:chief&action=token.', headers: chief.read })).entries;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e: any) => e.actor === 'user:chief' && e.action.startsWith('token.'))).toBe(true);
    await expect(ctx.db.query('UPDATE audit_log SET actor = $1', ['forged'])).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const leader = await login(app, 'leader');
    expect((await app.inject({ method: 'GET', url: '/api/audit', headers: leader.read })).statusCode).toBe(403);
  });
});

describe(`brute force and secrets on ${BACKEND}`, () => {
  it('slows, then refuses with 429, repeated failed sign-ins per account and per address', async () => {
    await createUser(ctx.db, { username: 'target', role: 'viewer' });
    await createUser(ctx.db, { username: 'bystander', role: 'viewer' });
    const attempt = async (username: string, password = 'wrong password', ip = '10.0.0.9') => {
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password } });
      return { status: res.statusCode, ms: performance.now() - t0, retry: res.headers['retry-after'], body: json(res) };
    };
    const tries = [];
    for (let i = 0; i < 4; i++) tries.push(await attempt('target'));
    expect(tries.map((t) => t.status)).toEqual([401, 401, 401, 401]);
    // From the third failure on, each attempt waits before it is answered.
    expect(tries[2]!.ms).toBeGreaterThanOrEqual(140);
    const refused = await attempt('target', TEST_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_attempts');
    expect(Number(refused.retry)).toBeGreaterThan(0);
    // Another account from another address is unaffected ...
    expect((await attempt('bystander', TEST_PASSWORD, '10.0.0.10')).status).toBe(200);
    // ... but one address guessing many accounts is stopped too (limit 9 per address).
    const spray = [];
    for (const u of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) spray.push((await attempt(`spray-${u}`)).status);
    // 4 failures on target + 5 sprayed = 9: the sixth sprayed attempt is refused.
    expect(spray).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('never writes passwords, tokens or session ids to the log or to responses', async () => {
    const s = await login(app, 'chief');
    const token = json(await app.inject({ method: 'POST', url: '/api/tokens', headers: s.write, payload: { name: 'log probe', role: 'viewer' } }))
      .token as string;
    await app.inject({ method: 'GET', url: `/api/grids?limit=1&access_token=${token}` });
    await app.inject({ method: 'GET', url: '/api/grids?limit=1', headers: { authorization: `Bearer ${token}` } });
    await app.inject({ method: 'GET', url: '/api/users', headers: s.read });
    const users = await app.inject({ method: 'GET', url: '/api/users', headers: s.read });
    expect(users.body).not.toMatch(/password|scrypt/);
    const log = logLines.join('');
    expect(log).toContain('/api/grids?limit=1&access_token=[REDACTED]');
    for (const secret of [TEST_PASSWORD, token, s.cookie.split('=')[1]!, s.csrf]) expect(log).not.toContain(secret);
  });
});

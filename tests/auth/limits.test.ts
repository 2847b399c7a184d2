import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App, type AppOptions } from '../../server/app.js';
import { currentParams, hashPassword, needsRehash, OWASP_SCRYPT, parsePasswordCost, verifyPassword } from '../../server/auth/password-hash.js';
import type { Database } from '../../server/db/database.js';
import { openPostgres } from '../../server/db/pg-database.js';
import { json } from '../helpers/seeded-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { createUser, login, TEST_PASSWORD } from '../helpers/identity.js';

/**
 * Limits that hold under abuse: writes per user/token and per address, sign-in
 * throttling shared by every process on one database, and password hashes at
 * OWASP's scrypt cost, older ones upgraded at sign-in.
 */
let t: TestDatabase;
const apps: App[] = [];
const extraDbs: Database[] = [];

const newApp = async (options: Omit<AppOptions, 'db'> = {}, db: Database = t.db) => {
  const app = await buildApp({ db, auth: { anonymousRead: false }, ...options });
  await app.ready();
  apps.push(app);
  return app;
};

beforeAll(async () => {
  t = await createTestDatabase();
  await createUser(t.db, { username: 'chief', role: 'commander' });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const db of extraDbs) await db.close();
  await t?.dispose();
});

describe(`write limits on ${BACKEND}`, () => {
  it('refuses writes past the per-principal limit with 429, Retry-After and the error shape; reads and others go on', async () => {
    const app = await newApp({ writeLimits: { perPrincipal: 3, perAddress: 1000, windowMs: 60_000 } });
    const chief = await login(app, 'chief');
    const create = (name: string, ip = '10.1.0.1') =>
      app.inject({ method: 'POST', url: '/api/tokens', remoteAddress: ip, headers: chief.write, payload: { name, role: 'viewer' } });
    // The sign-in was a write by address, not by a principal (there was none yet).
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await create(`t${i}`)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await create('t4', '10.1.0.2'); // from elsewhere: still the same user
    expect(refused.statusCode).toBe(429);
    expect(json(refused)).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/too many writes by this user or token; try again in \d+ s/) },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Nothing was written by the refused requests.
    const names = (await t.db.query<{ name: string }>(`SELECT name FROM api_token WHERE name LIKE 't%' ORDER BY id`)).map((r) => r.name);
    expect(names).toEqual(['t0', 't1', 't2']);
    // Reads are not limited.
    expect((await app.inject({ method: 'GET', url: '/api/tokens', headers: chief.read })).statusCode).toBe(200);
    // Another principal has its own count.
    await createUser(t.db, { username: 'deputy', role: 'commander' });
    const deputy = await login(app, 'deputy');
    const other = await app.inject({ method: 'POST', url: '/api/tokens', headers: deputy.write, payload: { name: 'deputy token', role: 'viewer' } });
    expect(other.statusCode).toBe(201);
  });

  it('counts every write from one address, before authentication, whoever signs it', async () => {
    const app = await newApp({ writeLimits: { perPrincipal: 1000, perAddress: 4, windowMs: 60_000 } });
    const from = (ip: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/api/incidents', remoteAddress: ip, headers: { ...headers, authorization: 'Bearer gst_made-up' }, payload: {} });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await from('10.2.0.1')).statusCode);
    // Four made-up tokens are looked up and refused; the fifth request is not even looked at.
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const refused = await from('10.2.0.1');
    expect(json(refused).error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/from this address/) });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect((await from('10.2.0.2')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.2.0.1' })).statusCode).toBe(200);
  });
});

describe(`sign-in throttling across processes on ${BACKEND}`, () => {
  it('two app instances on one database share the count of failed sign-ins', async () => {
    await createUser(t.db, { username: 'target', role: 'viewer' });
    const limits = { windowMs: 60_000, slowAfter: 100, accountLimit: 4, addressLimit: 100, baseDelayMs: 1, maxDelayMs: 1 };
    // On PostgreSQL the second instance has its own connection pool, as another process would.
    const otherDb = t.url ? await openPostgres({ connectionString: t.url, poolSize: 2, statementTimeoutMs: 30_000 }) : t.db;
    if (otherDb !== t.db) extraDbs.push(otherDb);
    const a = await newApp({ loginThrottle: limits });
    const b = await newApp({ loginThrottle: limits }, otherDb);
    const attempt = (app: App, ip: string, password = 'wrong password') =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username: 'target', password } });
    const statuses = [];
    for (const [app, ip] of [
      [a, '10.3.0.1'],
      [b, '10.3.0.2'],
      [a, '10.3.0.3'],
      [b, '10.3.0.4'],
    ] as const)
      statuses.push((await attempt(app, ip)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401]);
    // Two failures on each instance make four on the account: both refuse now, even the right password.
    for (const app of [a, b]) {
      const refused = await attempt(app, '10.3.0.5', TEST_PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(json(refused).error.code).toBe('too_many_attempts');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    const rows = await t.db.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int n FROM login_failure WHERE key LIKE '%target' OR key LIKE 'address:10.3.%' GROUP BY key ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: 'account:target', n: 4 },
      { key: 'address:10.3.0.1', n: 1 },
      { key: 'address:10.3.0.2', n: 1 },
      { key: 'address:10.3.0.3', n: 1 },
      { key: 'address:10.3.0.4', n: 1 },
    ]);
  });

  it('a correct password clears the account count for every instance', async () => {
    await createUser(t.db, { username: 'forgetful', role: 'viewer' });
    const limits = { windowMs: 60_000, slowAfter: 100, accountLimit: 3, addressLimit: 100, baseDelayMs: 1, maxDelayMs: 1 };
    const a = await newApp({ loginThrottle: limits });
    const b = await newApp({ loginThrottle: limits });
    const attempt = (app: App, password = 'wrong password') =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.4.0.1', payload: { username: 'forgetful', password } });
    expect([(await attempt(a)).statusCode, (await attempt(b)).statusCode]).toEqual([401, 401]);
    expect((await attempt(a, TEST_PASSWORD)).statusCode).toBe(200);
    expect([(await attempt(b)).statusCode, (await attempt(a)).statusCode, (await attempt(b)).statusCode]).toEqual([401, 401, 401]);
    expect((await attempt(a)).statusCode).toBe(429);
  });
});

describe(`password hashing on ${BACKEND}`, () => {
  it("defaults to OWASP's scrypt parameters (N = 2^17, r = 8, p = 1), and such a hash verifies", async () => {
    expect(OWASP_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    expect(parsePasswordCost(undefined)).toBe(17);
    expect(parsePasswordCost('')).toBe(17);
    expect(parsePasswordCost('13')).toBeNull();
    expect(parsePasswordCost('21')).toBeNull();
    // The suite itself runs at a lower cost, on purpose (vitest.config.ts).
    expect(currentParams()).toEqual({ N: 2 ** 14, r: 8, p: 1 });
    const owasp = await hashPassword('a long enough password', OWASP_SCRYPT);
    expect(owasp).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('a long enough password', owasp)).toBe(true);
    expect(await verifyPassword('a long enough passworD', owasp)).toBe(false);
    expect(needsRehash(owasp, OWASP_SCRYPT)).toBe(false);
    expect(needsRehash('scrypt$16384$8$1$c2FsdA$aGFzaA', OWASP_SCRYPT)).toBe(true);
    // A forged row cannot ask for more memory than the largest allowed cost.
    expect(await verifyPassword('x', 'scrypt$4194304$8$1$c2FsdA$aGFzaA')).toBe(false);
  });

  it('a hash made with older parameters signs in and is rewritten with the current ones, once', async () => {
    const old = await hashPassword(TEST_PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
    const user = await createUser(t.db, { username: 'veteran', role: 'viewer' });
    await t.db.query('UPDATE app_user SET password_hash = $2 WHERE id = $1', [user.id, old]);
    const app = await newApp();
    const first = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'veteran', password: TEST_PASSWORD } });
    expect(first.statusCode).toBe(200);
    const stored = async () => (await t.db.query<{ password_hash: string }>('SELECT password_hash FROM app_user WHERE id = $1', [user.id]))[0]!.password_hash;
    const upgraded = await stored();
    const { N, r, p } = currentParams();
    expect(upgraded).not.toBe(old);
    expect(upgraded.startsWith(`scrypt$${N}$${r}$${p}$`)).toBe(true);
    expect(await verifyPassword(TEST_PASSWORD, upgraded)).toBe(true);
    const audit = await t.db.query<{ after: unknown }>(`SELECT after FROM audit_log WHERE action = 'auth.login' AND target_id = $1 ORDER BY id`, [
      String(user.id),
    ]);
    expect(audit).toEqual([{ after: { password_hash: 'upgraded to the current scrypt parameters' } }]);
    // The next sign-in finds nothing to upgrade.
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'veteran', password: TEST_PASSWORD } })).statusCode).toBe(200);
    expect(await stored()).toBe(upgraded);
    // A wrong password never rewrites anything.
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'veteran', password: 'wrong password' } })).statusCode).toBe(401);
    expect(await stored()).toBe(upgraded);
  });
});

import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { hashPassword } from '../../server/auth/password-hash.js';
import { maskUrlSecrets, secretSafeLogger } from '../../server/logging.js';
import { seedDemoCity } from '../../geodata/demo-city/seed-demo-city.js';
import { json } from '../helpers/seeded-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { createUser, login, type Session } from '../helpers/identity.js';

/**
 * Secrets never leave: not in logs (failed statements, URLs), not in URLs
 * after a wall's first load (token → session cookie), and every answer
 * carries the security headers. A tiny city is enough.
 */
let t: TestDatabase;
let app: App;
let chief: Session;
let chiefId: number;
const logLines: string[] = [];
const log = () => logLines.join('');

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoCity(t.db, { grids: 12, incidents: 30, seed: 7 });
  const stream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({ db: t.db, logger: secretSafeLogger('info', stream), auth: { anonymousRead: false } });
  // Test-only routes that make a statement carrying a secret fail, as a failed
  // user update or token insert would: the errors plugin logs what reaches it.
  app.post<{ Body: { hash: string } }>('/test/failing-user-update', async (request) => {
    await app.repos.users.update(chiefId, { displayName: '   ', passwordHash: request.body.hash });
  });
  app.post<{ Body: { tokenHash: string } }>('/test/failing-token-insert', async (request) => {
    await app.db.query(`INSERT INTO api_token (name, token_hash, prefix, role, created_by) VALUES ($1, $2, 'gst_xxxxxx', 'viewer', $3)`, [
      '   ',
      Buffer.from(request.body.tokenHash, 'hex'),
      chiefId,
    ]);
  });
  await app.ready();
  chiefId = (await createUser(t.db, { username: 'chief', role: 'commander' })).id;
  chief = await login(app, 'chief');
});
afterAll(async () => {
  await app?.close();
  await t?.dispose();
});

const newToken = async (role = 'viewer', extra: Record<string, unknown> = {}) => {
  const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: chief.write, payload: { name: 'wall probe', role, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return json(res) as { id: number; token: string };
};

describe(`failed statements leave no secret in the log on ${BACKEND}`, () => {
  it('a failing user update does not log the new password hash or its salt', async () => {
    const hash = await hashPassword('a brand new password');
    const [, , , , salt, key] = hash.split('$');
    const res = await app.inject({ method: 'POST', url: '/test/failing-user-update', payload: { hash } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('scrypt');
    const lines = logLines.filter((l) => l.includes('"unhandled error"'));
    // The failure is logged, with what went wrong (a CHECK violation), ...
    expect(lines.some((l) => l.includes('"code":"23514"') && l.includes('app_user_display_name_check'))).toBe(true);
    // ... but neither the statement's values nor the failing row.
    for (const secret of [hash, salt!, key!, 'scrypt$']) expect(log()).not.toContain(secret);
    expect(log()).not.toContain('"params"');
    expect(log()).toContain('Failing row contains ([REDACTED])');
  });

  it('a failing token insert does not log the token hash', async () => {
    const tokenHash = createHash('sha256').update('gst_pretend-this-is-a-token').digest();
    const res = await app.inject({ method: 'POST', url: '/test/failing-token-insert', payload: { tokenHash: tokenHash.toString('hex') } });
    expect(res.statusCode).toBe(500);
    expect(logLines.filter((l) => l.includes('"code":"23514"') && l.includes('api_token_name_check'))).toHaveLength(1);
    for (const form of [tokenHash.toString('hex'), tokenHash.toString('base64'), tokenHash.toString('base64url')]) expect(log()).not.toContain(form);
  });

  it('errors thrown by the database layer carry neither the statement nor its values', async () => {
    const token = await newToken();
    const [row] = await t.db.query<{ token_hash: Buffer }>('SELECT token_hash FROM api_token WHERE id = $1', [token.id]);
    // A duplicate key: PostgreSQL's detail would quote the key's value.
    const err = await t.db
      .query(`INSERT INTO api_token (name, token_hash, prefix, role, created_by) VALUES ('dup', $1, 'gst_xxxxxx', 'viewer', $2)`, [row!.token_hash, chiefId])
      .catch((e: unknown) => e as Record<string, unknown>);
    expect(err).toMatchObject({ code: '23505', detail: 'Key (token_hash)=([REDACTED]) already exists.' });
    for (const key of ['params', 'query', 'queryOptions']) expect(err).not.toHaveProperty(key);
    expect(JSON.stringify(err)).not.toContain(row!.token_hash.toString('hex'));
  });
});

describe(`tokens in URLs are masked in the log on ${BACKEND}`, () => {
  it.each([
    ['/wall?token=gst_abc123&lang=en', '/wall?token=[REDACTED]&lang=en'],
    ['/api/grids?%61ccess_token=gst_abc123', '/api/grids?%61ccess_token=[REDACTED]'],
    ['/api/grids?ACCESS%5FTOKEN=abc123', '/api/grids?ACCESS%5FTOKEN=[REDACTED]'],
    ['/api/grids?%2561ccess_token=xyz', '/api/grids?%2561ccess_token=[REDACTED]'],
    ['/api/grids?q=1;token=abc', '/api/grids?q=1;token=[REDACTED]'],
    ['/api/grids?note=%67st%5Fabc123', '/api/grids?note=[REDACTED]'],
    ['/api/gst_abc123/x?y=1', '/api/[REDACTED]/x?y=1'],
    ['/api/grids?gst_abc123', '/api/grids?[REDACTED]'],
    ['/api/grids?region=430202&limit=5', '/api/grids?region=430202&limit=5'],
    ['/api/grids?bad=%E0%A4%A', '/api/grids?bad=%E0%A4%A'],
  ])('%s is logged as %s', (url, masked) => {
    expect(maskUrlSecrets(url)).toBe(masked);
  });

  it('a wall URL, an encoded access_token and a token anywhere in the URL never reach the log in clear', async () => {
    const { token } = await newToken();
    const secret = token.slice('gst_'.length);
    const urls = [
      `/wall?token=${token}`,
      `/api/auth/me?%61ccess_token=${token}`,
      `/api/auth/me?access_token=${encodeURIComponent(token).replace('g', '%67')}`,
      `/api/health?note=${token}`,
      `/api/${token}`,
    ];
    for (const url of urls) await app.inject({ method: 'GET', url });
    // The encoded name is still accepted as the token (Fastify decodes it): the request was served as the token ...
    expect(json(await app.inject({ method: 'GET', url: `/api/auth/me?%61ccess_token=${token}` })).principal.kind).toBe('token');
    // ... and logged without it.
    expect(log()).toContain('"url":"/wall?token=[REDACTED]"');
    expect(log()).toContain('"url":"/api/auth/me?%61ccess_token=[REDACTED]"');
    expect(log()).not.toContain(secret);
  });
});

describe(`a wall trades its token for a session cookie on ${BACKEND}`, () => {
  const sessionCookie = (res: { headers: Record<string, unknown> }) =>
    [res.headers['set-cookie']]
      .flat()
      .map(String)
      .find((c) => c.startsWith('gs_session='));

  it('POST /api/auth/token-session sets a cookie that acts as the token, until the token is revoked', async () => {
    const { id, token } = await newToken('viewer');
    const res = await app.inject({ method: 'POST', url: '/api/auth/token-session', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const setCookie = sessionCookie(res)!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(json(res).principal).toMatchObject({ kind: 'token', id, role: 'viewer' });
    const cookie = setCookie.split(';')[0]!;
    // With the cookie alone: the token's principal, role and scope.
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(json(me).principal).toMatchObject({ kind: 'token', id, role: 'viewer', scope: { code: null } });
    expect((await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { cookie } })).statusCode).toBe(200);
    // A viewer's session cannot do what the viewer token cannot.
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie } })).statusCode).toBe(403);
    const audit = await t.db.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'auth.token_session' AND target_id = $1`, [String(id)]);
    expect(audit).toEqual([{ actor: `token:${id}` }]);

    const revoke = await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: chief.write });
    expect(revoke.statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(json(after).error.code).toBe('unauthenticated');
    expect(await t.db.query('SELECT 1 FROM user_session WHERE token_id = $1', [id])).toEqual([]);
  });

  it('takes only a token in the Authorization header, not a cookie, a query parameter or nothing', async () => {
    const { token } = await newToken('viewer');
    for (const headers of [{}, chief.write]) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/token-session', headers });
      expect(res.statusCode).toBe(401);
      expect(json(res).error.code).toBe('unauthenticated');
    }
    const inQuery = await app.inject({ method: 'POST', url: `/api/auth/token-session?access_token=${token}` });
    expect(inQuery.statusCode).toBe(401);
    expect(sessionCookie(inQuery)).toBeUndefined();
  });

  it('ends the session when the token expires', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const { id, token } = await newToken('viewer', { expires_at: expires });
    const res = await app.inject({ method: 'POST', url: '/api/auth/token-session', headers: { authorization: `Bearer ${token}` } });
    const setCookie = sessionCookie(res)!;
    // The cookie lasts no longer than the token.
    expect(new Date(/Expires=([^;]+)/i.exec(setCookie)![1]!).getTime()).toBeLessThanOrEqual(new Date(expires).getTime());
    const cookie = setCookie.split(';')[0]!;
    await t.db.query(`UPDATE api_token SET expires_at = now() - interval '1 second', created_at = now() - interval '1 day' WHERE id = $1`, [id]);
    expect((await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe(`security headers on every answer on ${BACKEND}`, () => {
  const expectSecurityHeaders = (headers: Record<string, unknown>) => {
    const csp = String(headers['content-security-policy']);
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(csp).toMatch(/(^|; )object-src 'none'(;|$)/);
    // Scripts from our origin only: never 'unsafe-inline' or 'unsafe-eval'.
    expect(/(^|; )script-src ([^;]*)/.exec(csp)![2]).not.toMatch(/unsafe|\*|https?:/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('same-origin');
  };

  it('on API answers, errors, pages and unknown paths', async () => {
    const answers = await Promise.all([
      app.inject({ method: 'GET', url: '/api/health' }),
      app.inject({ method: 'GET', url: '/api/grids' }), // 401
      app.inject({ method: 'GET', url: '/api/users', headers: chief.read }),
      app.inject({ method: 'GET', url: '/' }),
      app.inject({ method: 'GET', url: '/no/such/page' }),
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chief', password: 'wrong password!' } }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 200, 200, 404, 401]);
    for (const a of answers) expectSecurityHeaders(a.headers);
  });

  it('Cache-Control: no-store on authenticated JSON and on the sign-in answer; routes that cache keep their own', async () => {
    const signIn = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chief', password: 'correct horse battery' } });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.headers['cache-control']).toBe('no-store');
    for (const url of ['/api/users', '/api/auth/me', '/api/tokens', '/api/regions']) {
      const res = await app.inject({ method: 'GET', url, headers: chief.read });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const grids = await app.inject({ method: 'GET', url: '/api/map/grids', headers: chief.read });
    expect(grids.headers['cache-control']).toMatch(/^private, max-age=/);
  });

  it("allows each page's own inline scripts by hash and nothing else", async () => {
    // The built page, or its source when the web app is not built: both have the head's inline script. The wall
    // is served with its page data, the field app (/m) as a plain file: each way carries the page's own policy.
    for (const url of ['/wall', '/m']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      const inline = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      expect(inline.length, url).toBeGreaterThan(0);
      const csp = String(res.headers['content-security-policy']);
      const scriptSrc = /(^|; )script-src ([^;]*)/.exec(csp)![2]!.split(' ');
      expect(scriptSrc, url).toEqual(["'self'", ...inline.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`)]);
    }
  });
});

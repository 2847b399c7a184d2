import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { hashPassword } from '../../server/auth/password-hash.js';
import type { Role } from '../../server/auth/roles.js';
import { createUserRepository } from '../../server/repositories/user-repository.js';

export const TEST_PASSWORD = 'correct horse battery';

/** Creates a user straight in the database (the API path is tested on its own). */
export async function createUser(db: Database, u: { username: string; role: Role; scope?: string | null; unit?: string | null }, password = TEST_PASSWORD) {
  return createUserRepository(db).insert({
    username: u.username,
    displayName: u.username,
    role: u.role,
    scope: u.scope ?? null,
    unit: u.unit ?? null,
    passwordHash: await hashPassword(password),
  });
}

export interface Session {
  /** Headers for reads: the session cookie. */
  read: Record<string, string>;
  /** Headers for writes: the cookie and the CSRF token. */
  write: Record<string, string>;
  cookie: string;
  csrf: string;
}

/** Signs in over HTTP and returns the headers a browser would then send. */
export async function login(app: App, username: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('gs_session='));
  if (!setCookie) throw new Error('no session cookie');
  const cookie = setCookie.split(';')[0]!;
  const csrf = JSON.parse(res.body).csrf_token as string;
  return { cookie, csrf, read: { cookie }, write: { cookie, 'x-csrf-token': csrf } };
}

/** A district, one of its streets and one of that street's grids, plus another district: the places scoping tests need. */
export async function pickPlaces(db: Database) {
  const [p] = await db.query<{ district: string; street: string; community: string; grid: string }>(
    `SELECT district_code AS district, street_code AS street, community_code AS community, code AS grid
       FROM grid ORDER BY code LIMIT 1`,
  );
  const [o] = await db.query<{ district: string; grid: string }>(
    'SELECT district_code AS district, code AS grid FROM grid WHERE district_code <> $1 ORDER BY code DESC LIMIT 1',
    [p!.district],
  );
  return { ...p!, otherDistrict: o!.district, otherGrid: o!.grid };
}

/** A point inside grid `code` (PostGIS's ST_PointOnSurface), where a report from that grid's worker may be made. */
export async function pointInGrid(db: Database, code: string): Promise<[number, number]> {
  const [p] = await db.query<{ x: number; y: number }>(
    'SELECT ST_X(pt) x, ST_Y(pt) y FROM (SELECT ST_PointOnSurface(boundary) pt FROM grid WHERE code = $1) s',
    [code],
  );
  if (!p) throw new Error(`no grid ${code}`);
  return [p.x, p.y];
}

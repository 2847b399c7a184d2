import type { Database } from '../db/database.js';
import { createAuditRepository } from '../repositories/audit-repository.js';
import { recordAudit } from '../services/audit.js';
import { hashPassword } from './password-hash.js';
import { ROLE_NAMES, type Role } from './roles.js';

export const DEMO_USERNAMES = ['commander', 'leader', 'staff', 'dispatcher', 'handler', 'worker', 'planner', 'viewer'];

export interface DemoUser {
  username: string;
  role: Role;
  scope: string | null;
  unit: string | null;
  displayName: string;
}

/**
 * One user per role for the embedded demo, scoped to real places of the
 * seeded city: the leader to its first district, the staff member to that
 * district's first street, the grid worker to the grid of that street with
 * the most to do (resolved incidents waiting for their on-site check, then
 * open ones): the first grid often has none, and a worker's screens would
 * show the loop nothing to act on.
 */
export async function planDemoUsers(db: Database): Promise<DemoUser[]> {
  const [place] = await db.query<{ district: string; street: string; grid: string }>(`
    WITH first AS (SELECT district_code, street_code FROM grid ORDER BY code LIMIT 1)
    SELECT f.district_code AS district, f.street_code AS street,
           (SELECT g.code FROM grid g
              LEFT JOIN incident i ON i.grid_code = g.code AND incident_is_open(i.status)
             WHERE g.street_code = f.street_code
             GROUP BY g.code
             ORDER BY count(i.id) FILTER (WHERE i.status = 'resolved') DESC, count(i.id) DESC, g.code
             LIMIT 1) AS grid
      FROM first f`);
  if (!place) return [];
  const user = (username: string, role: Role, scope: string | null = null, unit: string | null = null): DemoUser => ({
    username,
    role,
    scope,
    unit,
    displayName: `演示${ROLE_NAMES[role].zh}`,
  });
  return [
    user('commander', 'commander'),
    user('leader', 'district_leader', place.district),
    user('staff', 'staff', place.street),
    user('dispatcher', 'dispatcher'),
    user('handler', 'handler', null, 'sanitation'),
    user('worker', 'grid_worker', place.grid),
    user('planner', 'planner'),
    user('viewer', 'viewer'),
  ];
}

/** Creates the demo users if there are no users yet; returns them (empty if users already existed). */
export async function createDemoUsers(db: Database, password: string): Promise<DemoUser[]> {
  const users = await planDemoUsers(db);
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [{ n }] = (await tx.query<{ n: number }>('SELECT count(*)::int n FROM app_user')) as [{ n: number }];
    if (n > 0) return [];
    for (const u of users) {
      await tx.query('INSERT INTO app_user (username, display_name, role, scope_code, unit_code, password_hash) VALUES ($1, $2, $3, $4, $5, $6)', [
        u.username,
        u.displayName,
        u.role,
        u.scope,
        u.unit,
        hash,
      ]);
    }
    await recordAudit(
      { repos: { audit: createAuditRepository(db) } },
      { actor: 'system', actorUserId: null, clientIp: null },
      'user.create_demo',
      { type: 'user', id: 'demo' },
      { after: users.map((u) => u.username) },
      tx,
    );
    return users;
  });
}

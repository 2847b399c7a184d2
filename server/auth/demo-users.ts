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
 * district's first street, the grid worker to that street's first grid.
 */
export async function planDemoUsers(db: Database): Promise<DemoUser[]> {
  const [place] = await db.query<{ district: string; street: string; grid: string }>(`
    SELECT g.district_code AS district, g.street_code AS street, g.code AS grid
      FROM grid g ORDER BY g.code LIMIT 1`);
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

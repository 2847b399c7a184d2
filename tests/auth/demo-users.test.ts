import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDemoUsers } from '../../server/auth/demo-users.js';
import { SMALL_CITY } from '../helpers/seeded-app.js';
import { BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

describe(`demo users on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSeededDatabase(SMALL_CITY);
  });
  afterAll(async () => t?.dispose());

  it('puts the demo grid worker in the grid of the first street with the most to check, then to follow, so their screens have the loop to show', async () => {
    const [first] = await t.db.query<{ district: string; street: string }>('SELECT district_code district, street_code street FROM grid ORDER BY code LIMIT 1');
    // Each grid of the street with its resolved (waiting for the check) and other open incidents, counted here row by row.
    const rows = await t.db.query<{ grid: string; status: string | null }>(
      `SELECT g.code grid, i.status FROM grid g LEFT JOIN incident i ON i.grid_code = g.code
        WHERE g.street_code = $1 ORDER BY g.code`,
      [first!.street],
    );
    const tally = new Map<string, { resolved: number; open: number }>();
    for (const r of rows) {
      const n = tally.get(r.grid) ?? { resolved: 0, open: 0 };
      if (r.status === 'resolved') n.resolved++;
      if (r.status && !['closed', 'rejected', 'duplicate'].includes(r.status)) n.open++;
      tally.set(r.grid, n);
    }
    const best = [...tally].sort(([a, x], [b, y]) => y.resolved - x.resolved || y.open - x.open || a.localeCompare(b))[0]!;
    expect(tally.size).toBeGreaterThan(1);
    expect(best[1].open, 'the chosen grid has open incidents').toBeGreaterThan(0);
    const users = await planDemoUsers(t.db);
    expect(users.map((u) => [u.username, u.role, u.scope, u.unit])).toEqual([
      ['commander', 'commander', null, null],
      ['leader', 'district_leader', first!.district, null],
      ['staff', 'staff', first!.street, null],
      ['dispatcher', 'dispatcher', null, null],
      ['handler', 'handler', null, 'sanitation'],
      ['worker', 'grid_worker', best[0], null],
      ['planner', 'planner', null, null],
      ['viewer', 'viewer', null, null],
    ]);
  });
});

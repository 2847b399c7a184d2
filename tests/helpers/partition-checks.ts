import { expect } from 'vitest';
import type { Queryable } from '../../server/db/database.js';

/** Every (parent, children) pairing of the hierarchy, as SQL over (parent_code, code, boundary). */
const LEVELS = {
  'districts of the city': "SELECT parent_code, code, boundary FROM region WHERE level = 'district'",
  'streets of districts': "SELECT parent_code, code, boundary FROM region WHERE level = 'street'",
  'communities of streets': "SELECT parent_code, code, boundary FROM region WHERE level = 'community'",
  'grids of communities': 'SELECT community_code AS parent_code, code, boundary FROM grid',
} as const;

/**
 * Asserts that each level is a true partition of its parent: every polygon
 * valid, children's total area within 0.01% of the parent's (planar, where a
 * partition is exact), and no two siblings overlapping by 1 m² or more.
 */
export async function expectTruePartitions(db: Queryable): Promise<void> {
  const [invalid] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM region WHERE NOT ST_IsValid(boundary)) + (SELECT count(*) FROM grid WHERE NOT ST_IsValid(boundary)) AS n`,
  );
  expect(Number(invalid!.n), 'invalid polygons').toBe(0);

  for (const [label, children] of Object.entries(LEVELS)) {
    const [area] = await db.query<{ parents: number; worst: number }>(
      `WITH c AS (${children})
       SELECT count(*)::int parents, max(abs(p.a - c.a) / p.a) worst
         FROM (SELECT parent_code, sum(ST_Area(boundary)) a FROM c GROUP BY 1) c
         JOIN (SELECT code, ST_Area(boundary) a FROM region) p ON p.code = c.parent_code`,
    );
    expect(area!.parents, `${label}: parents with children`).toBeGreaterThan(0);
    expect(area!.worst, `${label}: worst relative area difference`).toBeLessThan(1e-4);

    const [overlap] = await db.query<{ pairs: number; worst_m2: number | null }>(
      `WITH c AS (${children})
       SELECT count(*)::int pairs, max(ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)) worst_m2
         FROM c a JOIN c b ON a.parent_code = b.parent_code AND a.code < b.code
                          AND ST_Intersects(a.boundary, b.boundary)`,
    );
    expect(overlap!.pairs, `${label}: neighbouring pairs`).toBeGreaterThan(0);
    expect(overlap!.worst_m2 ?? 0, `${label}: worst overlap in m²`).toBeLessThan(1);
  }

  // Every parent region is covered: no region without children but communities.
  const [childless] = await db.query<{ n: number }>(
    `SELECT count(*)::int n FROM region r
      WHERE r.level <> 'community' AND NOT EXISTS (SELECT 1 FROM region c WHERE c.parent_code = r.code)
         OR r.level = 'community' AND NOT EXISTS (SELECT 1 FROM grid g WHERE g.community_code = r.code)`,
  );
  expect(childless!.n, 'regions without children').toBe(0);
}

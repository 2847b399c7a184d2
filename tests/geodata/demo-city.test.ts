import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCity } from '../../geodata/demo-city/seed-demo-city.js';
import { expectTruePartitions } from '../helpers/partition-checks.js';
import { BACKEND, createSeededDatabase, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe(`the default demo city (Zhuzhou's real outline) at full scale on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSeededDatabase({ incidents: 0 });
  });
  afterAll(async () => t?.dispose());

  it("has Zhuzhou's 9 districts, 3,261 grids (520 in You County) and ~3,400 workers", async () => {
    const q = (sql: string) => t.db.query<{ n: number }>(sql).then((r) => r[0]!.n);
    expect(await q("SELECT count(*)::int n FROM region WHERE level = 'district'")).toBe(9);
    expect(await q('SELECT count(*)::int n FROM grid')).toBe(3261);
    expect(await q("SELECT count(*)::int n FROM grid WHERE district_code = '430223'")).toBe(520);
    expect(await q("SELECT count(*)::int n FROM region WHERE level = 'street' AND parent_code = '430223'")).toBe(17);
    expect(await q("SELECT count(*)::int n FROM region WHERE level = 'community' AND code LIKE '430223%'")).toBe(297);
    expect(await q('SELECT count(*)::int n FROM grid_worker')).toBe(3402);
    expect(await q('SELECT count(*)::int n FROM grid g WHERE NOT EXISTS (SELECT 1 FROM grid_worker_assignment a WHERE a.grid_code = g.code)')).toBe(0);
  });

  it('is a true partition at every level', async () => {
    await expectTruePartitions(t.db);
  });

  it('makes every grid one piece, though 荷塘区 has an exclave', async () => {
    const [r] = await t.db.query<{ multi: number; exclave_grids: number }>(
      `SELECT (SELECT count(*)::int FROM grid WHERE ST_NumGeometries(ST_Multi(boundary)) <> 1) multi,
              (SELECT count(*)::int FROM grid g,
                      (SELECT p.geom FROM region d, ST_Dump(d.boundary) p WHERE d.code = '430202' ORDER BY ST_Area(p.geom) LIMIT 1) e
                WHERE ST_Within(ST_PointOnSurface(g.boundary), e.geom)) exclave_grids`,
    );
    expect(r!.multi).toBe(0);
    // The exclave (a second piece of the district) is covered by grids of its own.
    expect(r!.exclave_grids).toBeGreaterThan(0);
  });

  it("keeps every urban grid inside the planning bounds (200–500 households by default), each district's people all counted", async () => {
    const [r] = await t.db.query<{ outside: number; urban: number }>(
      `SELECT count(*) FILTER (WHERE g.households NOT BETWEEN 200 AND 500)::int outside, count(*)::int urban
         FROM grid g JOIN region c ON c.code = g.community_code WHERE c.name NOT LIKE '%村'`,
    );
    expect(r!.urban).toBeGreaterThan(1000);
    expect(r!.outside).toBe(0);
    // Fitting households moves people between grids, never out of their district (figures of geodata/zhuzhou-facts.ts).
    const people = await t.db.query<{ code: string; population: number }>(
      "SELECT left(code, 6) code, sum(population)::int population FROM grid WHERE left(code, 6) IN ('430202', '430223') GROUP BY 1 ORDER BY 1",
    );
    expect(people).toEqual([
      { code: '430202', population: 380_000 },
      { code: '430223', population: 640_000 },
    ]);
  });

  it('numbers grids 001..n within each community, west to east then north to south', async () => {
    const rows = await t.db.query<{ community_code: string; seqs: number[] }>(
      'SELECT community_code, array_agg(right(code, 3)::int ORDER BY code) seqs FROM grid GROUP BY 1',
    );
    for (const r of rows) expect(r.seqs).toEqual(r.seqs.map((_, i) => i + 1));
    // Rows are bands of the community's height: grid 001 lies in the northern half.
    const [north] = await t.db.query<{ ok: boolean }>(
      `SELECT bool_and(first_y >= (min_y + max_y) / 2) ok FROM (
         SELECT community_code, min(ST_Y(ST_Centroid(boundary))) min_y, max(ST_Y(ST_Centroid(boundary))) max_y,
                max(ST_Y(ST_Centroid(boundary))) FILTER (WHERE right(code, 3) = '001') first_y
           FROM grid GROUP BY 1 HAVING count(*) >= 3) s`,
    );
    expect(north!.ok).toBe(true);
  });

  it('gives urban grids 300-500 households on average and rural grids more', async () => {
    const rows = await t.db.query<{ urban: boolean; avg: number; p10: number; p90: number }>(
      `SELECT district_code IN ('430202', '430203', '430204', '430211') urban, avg(households)::float8 avg,
              percentile_cont(0.1) WITHIN GROUP (ORDER BY households) p10, percentile_cont(0.9) WITHIN GROUP (ORDER BY households) p90
         FROM grid GROUP BY 1`,
    );
    const urban = rows.find((r) => r.urban)!;
    const rural = rows.find((r) => !r.urban)!;
    expect(urban.p10).toBeGreaterThanOrEqual(250);
    expect(urban.p90).toBeLessThanOrEqual(500);
    expect(rural.avg).toBeGreaterThan(urban.avg);
  });
});

describe(`demo incidents on ${BACKEND}`, () => {
  let t: TestDatabase;
  const now = new Date('2026-06-15T04:00:00Z');
  beforeAll(async () => {
    t = await createSeededDatabase({ grids: 200, incidents: 20_000, seed: 3, now }, { onlyHere: true });
  });
  afterAll(async () => t?.dispose());

  it('closes about 99.3% of incidents older than 7 days', async () => {
    const [r] = await t.db.query<{ rate: number; recent_rate: number }>(
      `SELECT avg((status = 'closed')::int) FILTER (WHERE reported_at < $1::timestamptz - interval '7 days')::float8 rate,
              avg((status = 'closed')::int) FILTER (WHERE reported_at >= $1::timestamptz - interval '7 days')::float8 recent_rate
         FROM incident`,
      [now.toISOString()],
    );
    expect(r!.rate).toBeGreaterThan(0.988);
    expect(r!.rate).toBeLessThan(0.997);
    expect(r!.recent_rate).toBeLessThan(r!.rate);
  });

  it('leaves open what a unit has not yet chased, not what is a year late: most unclosed incidents past a week are weeks old', async () => {
    // Spread evenly over the year, half of them would be older than 186 days
    // and the demo handler's queue would be tasks a year overdue.
    const [r] = await t.db.query<{ open_old: number; median_days: number; past_half_year: number }>(
      `SELECT count(*)::int open_old,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM $1::timestamptz - reported_at) / 86400)::float8 median_days,
              avg((reported_at < $1::timestamptz - interval '180 days')::int)::float8 past_half_year
         FROM incident
        WHERE status <> 'closed' AND reported_at < $1::timestamptz - interval '7 days'`,
      [now.toISOString()],
    );
    expect(r!.open_old).toBeGreaterThan(50);
    expect(r!.median_days).toBeLessThan(90);
    expect(r!.past_half_year).toBeLessThan(0.2);
  });

  it('codes every incident SJ + China report date + 7-digit serial, the format the API writes', async () => {
    const bad = await t.db.query<{ code: string }>(
      `SELECT code FROM incident
        WHERE code !~ '^SJ[0-9]{15}$'
           OR substr(code, 3, 8) <> to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
           OR substr(code, 11, 1) = '9' LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });

  it('spans the last 12 months with a daily and weekly rhythm', async () => {
    const [span] = await t.db.query<{ first: Date; last: Date }>('SELECT min(reported_at) first, max(reported_at) last FROM incident');
    expect(now.getTime() - new Date(span!.first).getTime()).toBeGreaterThan(360 * 86_400_000);
    expect(new Date(span!.last).getTime()).toBeLessThanOrEqual(now.getTime());
    const [rhythm] = await t.db.query<{ ten: number; three: number; weekday: number; weekend: number }>(
      `SELECT count(*) FILTER (WHERE extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai') = 10)::int ten,
              count(*) FILTER (WHERE extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai') = 3)::int three,
              count(*) FILTER (WHERE extract(isodow FROM reported_at AT TIME ZONE 'Asia/Shanghai') = 2)::int weekday,
              count(*) FILTER (WHERE extract(isodow FROM reported_at AT TIME ZONE 'Asia/Shanghai') = 7)::int weekend
         FROM incident`,
    );
    expect(rhythm!.ten).toBeGreaterThan(rhythm!.three * 5);
    expect(rhythm!.weekday).toBeGreaterThan(rhythm!.weekend * 1.3);
  });

  it('clusters where people live and mixes categories and urgencies', async () => {
    const [density] = await t.db.query<{ urban: number; rural: number }>(
      `SELECT (count(*) FILTER (WHERE i.district_code IN ('430202', '430203', '430204', '430211')))::float8
                / (SELECT sum(ST_Area(boundary::geography)) FROM region WHERE code IN ('430202', '430203', '430204', '430211')) urban,
              (count(*) FILTER (WHERE i.district_code IN ('430223', '430224', '430225')))::float8
                / (SELECT sum(ST_Area(boundary::geography)) FROM region WHERE code IN ('430223', '430224', '430225')) rural
         FROM incident i`,
    );
    expect(density!.urban).toBeGreaterThan(density!.rural * 3);
    const mix = await t.db.query<{ urgency: string; share: number }>(
      'SELECT urgency, (count(*)::float8 / sum(count(*)) OVER ())::float8 share FROM incident GROUP BY 1',
    );
    const share = Object.fromEntries(mix.map((m) => [m.urgency, m.share]));
    expect(share.blue).toBeGreaterThan(0.7);
    expect(share.red).toBeGreaterThan(0.005);
    expect(share.red).toBeLessThan(share.yellow!);
    const [cats] = await t.db.query<{ n: number }>('SELECT count(DISTINCT category_code)::int n FROM incident');
    expect(cats!.n).toBe(13);
  });

  it('assigns every incident to the grid that contains it', async () => {
    const [bad] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int n FROM incident i JOIN grid g ON g.code = i.grid_code WHERE NOT ST_Intersects(g.boundary, i.location)',
    );
    expect(bad!.n).toBe(0);
  });
});

describe('determinism', () => {
  it('builds the same city from the same seed, and another from another seed', async () => {
    // Each build runs in a transaction that is rolled back after its fingerprint: one database for all three
    // (opening a copy costs seconds of CPU on PGlite). The seed's own transaction is the test's, so the next
    // build starts from the same migrated state; sequences are not rolled back, and nothing below reads their ids.
    const t = await createTestDatabase();
    const rolledBack = new Error('rolled back after the fingerprint');
    const fingerprint = async (seed: number) => {
      let f: string | undefined;
      await t.db
        .transaction(async (tx) => {
          await seedDemoCity({ transaction: (work) => work(tx) }, { grids: 40, incidents: 300, seed, now: new Date('2026-06-15T04:00:00Z') });
          const [row] = await tx.query<{ f: string }>(
            `SELECT md5(string_agg(code || name || households || ST_AsText(ST_SnapToGrid(boundary, 1e-6)), ',' ORDER BY code)) ||
                    (SELECT md5(string_agg(code || category_code || reported_at, ',' ORDER BY code)) FROM incident) ||
                    -- The workflow stories too: every step, its moment and its details.
                    (SELECT md5(string_agg(i.code || h.action || h.at || coalesce(h.details::text, ''), ',' ORDER BY i.code, h.at, h.id))
                       FROM incident_history h JOIN incident i ON i.id = h.incident_id) f FROM grid`,
          );
          f = row!.f;
          throw rolledBack;
        })
        .catch((err: unknown) => {
          if (err !== rolledBack) throw err;
        });
      expect(await t.db.query('SELECT code FROM grid LIMIT 1')).toEqual([]);
      return f!;
    };
    try {
      const a = await fingerprint(11);
      expect(await fingerprint(11)).toBe(a);
      expect(await fingerprint(12)).not.toBe(a);
    } finally {
      await t.dispose();
    }
  });
});

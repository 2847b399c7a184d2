import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCity } from '../../geodata/demo-city/seed-demo-city.js';
import { DEFAULT_CALENDAR } from '../../server/plugins/workflow-plugin.js';
import { raiseTimedAlerts } from '../../server/services/deadline-alert-service.js';
import { createRepositories } from '../../server/repositories/repositories.js';
import { RED_DISPATCH_MINUTES, TRANSITIONS, type Action, type Status } from '../../server/contract/incident-workflow.js';
import { createWorkingCalendar } from '../../server/workflow/working-calendar.js';
import { SMALL_CITY } from '../helpers/seeded-app.js';
import { BACKEND, createSeededDatabase, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The seeded incidents' workflow records, read back from the database and held to the workflow's own rules. */
describe(`demo incident histories on ${BACKEND}`, () => {
  let t: TestDatabase;
  const now = SMALL_CITY.now!;
  const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params))[0]!.n;
  beforeAll(async () => {
    t = await createSeededDatabase(SMALL_CITY);
  });
  afterAll(async () => t?.dispose());

  it('gives every incident a history that starts with its report, chains step to step in time and ends at its status', async () => {
    const [r] = await t.db.query<Record<string, number>>(
      `WITH h AS (
         SELECT h.*, lag(h.to_status) OVER w AS previous, row_number() OVER w AS k, count(*) OVER (PARTITION BY h.incident_id) AS steps
           FROM incident_history h WINDOW w AS (PARTITION BY h.incident_id ORDER BY h.at, h.id))
       SELECT (SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM incident_history x WHERE x.incident_id = i.id))::int AS without_history,
              count(*) FILTER (WHERE k = 1 AND (action <> 'report' OR from_status IS NOT NULL OR to_status <> 'reported'))::int AS bad_first,
              count(*) FILTER (WHERE k > 1 AND from_status IS DISTINCT FROM previous)::int AS broken_chain,
              count(*) FILTER (WHERE at > $1::timestamptz OR at < i.reported_at)::int AS out_of_range,
              count(*) FILTER (WHERE k = steps AND to_status <> i.status)::int AS wrong_last
         FROM h JOIN incident i ON i.id = h.incident_id`,
      [now.toISOString()],
    );
    expect(r).toEqual({ without_history: 0, bad_first: 0, broken_chain: 0, out_of_range: 0, wrong_last: 0 });
  });

  it('takes only steps the transition table allows, each by a role that may take it', async () => {
    const steps = await t.db.query<{ action: string; from_status: Status | null; to_status: Status; actor_kind: string }>(
      `SELECT DISTINCT action, from_status, to_status, split_part(actor, ':', 1) || CASE WHEN actor LIKE 'user:%' THEN ':' || split_part(actor, ':', 2) ELSE '' END AS actor_kind
         FROM incident_history`,
    );
    const roleOf: Record<string, string> = { 'user:dispatcher': 'dispatcher', 'user:worker': 'grid_worker', unit: 'handler', system: 'system' };
    const problems: string[] = [];
    for (const s of steps) {
      const role = roleOf[s.actor_kind];
      const label = `${s.action} ${s.from_status} → ${s.to_status} by ${s.actor_kind}`;
      if (s.action === 'report') {
        if (s.from_status !== null || s.to_status !== 'reported' || !['grid_worker', 'dispatcher'].includes(role!)) problems.push(label);
      } else if (['escalate', 'overdue', 'red_alert'].includes(s.action)) {
        if (s.from_status !== s.to_status || role !== 'system') problems.push(label);
      } else {
        const t = TRANSITIONS[s.action as Action];
        const toOk =
          t &&
          (t.to === 'same' ? s.to_status === s.from_status : t.to === 'resolved*' ? ['resolved', 'in_progress'].includes(s.to_status) : s.to_status === t.to);
        if (!t || !t.from.includes(s.from_status!) || !toOk || !(t.roles as readonly string[]).includes(role!)) problems.push(label);
      }
    }
    expect(problems).toEqual([]);
    expect(new Set(steps.map((s) => s.action))).toEqual(
      new Set(['report', 'file', 'dispatch', 'start', 'resolve', 'close', 'mediate', 'escalate', 'overdue', 'red_alert']),
    );
  });

  it('stamps each incident with the moments its history records', async () => {
    const [r] = await t.db.query<Record<string, number>>(
      `WITH m AS (
         SELECT incident_id,
                min(at) FILTER (WHERE action = 'file') AS filed, min(at) FILTER (WHERE action = 'dispatch') AS dispatched,
                min(at) FILTER (WHERE action = 'resolve' AND to_status = 'resolved') AS resolved, min(at) FILTER (WHERE action = 'close') AS closed,
                min(at) FILTER (WHERE action = 'red_alert') AS red_alerted, min(at) FILTER (WHERE action = 'overdue') AS overdue, max(at) AS last
           FROM incident_history GROUP BY incident_id)
       SELECT count(*) FILTER (WHERE i.filed_at IS DISTINCT FROM m.filed OR i.dispatched_at IS DISTINCT FROM m.dispatched)::int AS filed_or_dispatched,
              count(*) FILTER (WHERE i.resolved_at IS DISTINCT FROM m.resolved OR i.closed_at IS DISTINCT FROM m.closed)::int AS resolved_or_closed,
              count(*) FILTER (WHERE i.red_alerted_at IS DISTINCT FROM m.red_alerted OR i.overdue_notified_at IS DISTINCT FROM m.overdue)::int AS alerts,
              count(*) FILTER (WHERE i.updated_at <> m.last)::int AS updated
         FROM incident i JOIN m ON m.incident_id = i.id`,
    );
    expect(r).toEqual({ filed_or_dispatched: 0, resolved_or_closed: 0, alerts: 0, updated: 0 });
  });

  it('sets each deadline in working hours from dispatch, by the calendar the server uses', async () => {
    const calendar = createWorkingCalendar(DEFAULT_CALENDAR);
    const rows = await t.db.query<{ code: string; dispatched_at: Date; due_at: Date; hours: number; said: string }>(
      `SELECT i.code, i.dispatched_at, i.due_at, c.deadline_hours AS hours, h.details->>'due_at' AS said
         FROM incident i JOIN incident_category c ON c.code = i.category_code
         JOIN incident_history h ON h.incident_id = i.id AND h.action = 'dispatch'
        WHERE i.dispatched_at IS NOT NULL`,
    );
    expect(rows.length).toBeGreaterThan(5000);
    const wrong = rows.filter((r) => {
      const due = calendar.addWorkingHours(new Date(r.dispatched_at), r.hours).getTime();
      return new Date(r.due_at).getTime() !== due || Date.parse(r.said) !== due;
    });
    expect(wrong.map((r) => r.code)).toEqual([]);
    expect(
      await count(
        "SELECT count(*)::int n FROM incident WHERE (dispatched_at IS NULL) <> (due_at IS NULL) OR (dispatched_at IS NULL) <> (status IN ('reported', 'filed'))",
      ),
    ).toBe(0);
  });

  it("dispatches to the category's unit, yellow ones sometimes to two, and resolves an incident when all its units have", async () => {
    const [r] = await t.db.query<Record<string, number>>(
      `WITH a AS (
         SELECT i.id AS incident_id, count(*) AS units, array_agg(x.unit_code ORDER BY x.unit_code) AS codes,
                count(*) FILTER (WHERE x.status = 'resolved') AS done, count(*) FILTER (WHERE x.status = 'assigned') AS waiting,
                max(x.resolved_at) AS last_done, bool_and(x.assigned_at = i.dispatched_at AND x.due_at = i.due_at) AS stamped,
                bool_or(x.unit_code = CASE WHEN c.unit_type = 'street_office' THEN 'street_office.' || i.street_code ELSE c.unit_type END) AS own_unit
           FROM incident_assignment x JOIN incident i ON i.id = x.incident_id JOIN incident_category c ON c.code = i.category_code
          GROUP BY i.id, c.code)
       SELECT count(*) FILTER (WHERE (a.incident_id IS NULL) <> (i.dispatched_at IS NULL))::int AS assigned_iff_dispatched,
              count(*) FILTER (WHERE NOT a.stamped OR NOT a.own_unit)::int AS wrong_unit_or_times,
              count(*) FILTER (WHERE a.units > 1 AND i.urgency <> 'yellow')::int AS several_not_yellow,
              count(*) FILTER (WHERE i.status IN ('resolved', 'closed') AND (a.done < a.units OR a.last_done <> i.resolved_at))::int AS resolved_not_all_done,
              count(*) FILTER (WHERE i.status = 'dispatched' AND a.waiting < a.units)::int AS dispatched_but_started,
              count(*) FILTER (WHERE i.status = 'in_progress' AND (a.waiting = a.units OR a.done = a.units))::int AS in_progress_inconsistent,
              count(*) FILTER (WHERE to_jsonb(a.codes) <> (SELECT jsonb_agg(u ORDER BY u) FROM incident_history h, jsonb_array_elements_text(h.details->'units') u
                                                            WHERE h.incident_id = i.id AND h.action = 'dispatch'))::int AS dispatch_names_other_units,
              count(*) FILTER (WHERE a.units = 2)::int AS two_unit
         FROM incident i LEFT JOIN a ON a.incident_id = i.id`,
    );
    expect(r).toMatchObject({
      assigned_iff_dispatched: 0,
      wrong_unit_or_times: 0,
      several_not_yellow: 0,
      resolved_not_all_done: 0,
      dispatched_but_started: 0,
      in_progress_inconsistent: 0,
      dispatch_names_other_units: 0,
    });
    expect(r!.two_unit).toBeGreaterThan(10);
  });

  it('has overdue work (督办) and late resolutions, a realistic minority', async () => {
    const [r] = await t.db.query<{ overdue_open: number; open_work: number; late_share: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('dispatched', 'in_progress') AND due_at < $1::timestamptz)::int AS overdue_open,
              count(*) FILTER (WHERE status IN ('dispatched', 'in_progress'))::int AS open_work,
              (avg((resolved_at > due_at)::int) FILTER (WHERE status = 'closed'))::float8 AS late_share
         FROM incident`,
      [now.toISOString()],
    );
    expect(r!.overdue_open).toBeGreaterThan(0);
    expect(r!.overdue_open).toBeLessThan(r!.open_work);
    expect(r!.late_share).toBeGreaterThan(0.02);
    expect(r!.late_share).toBeLessThan(0.2);
  });

  it('escalates disputes after three failed mediations, blue to yellow', async () => {
    const disputes = await t.db.query<{
      code: string;
      category_code: string;
      urgency: string;
      outcomes: string[];
      attempts: number[];
      mediated: string[];
      escalation: any;
    }>(
      `SELECT i.code, i.category_code, i.urgency,
              (SELECT array_agg(outcome ORDER BY attempt) FROM incident_mediation m WHERE m.incident_id = i.id) AS outcomes,
              (SELECT array_agg((details->>'attempt')::int ORDER BY at, id) FROM incident_history h WHERE h.incident_id = i.id AND action = 'mediate') AS attempts,
              (SELECT array_agg(m.at = h.at) FROM incident_mediation m JOIN incident_history h ON h.incident_id = m.incident_id
                 AND h.action = 'mediate' AND (h.details->>'attempt')::int = m.attempt WHERE m.incident_id = i.id) AS mediated,
              (SELECT jsonb_build_object('details', details, 'last', at = (SELECT max(at) FROM incident_mediation m WHERE m.incident_id = i.id))
                 FROM incident_history h WHERE h.incident_id = i.id AND action = 'escalate') AS escalation
         FROM incident i WHERE EXISTS (SELECT 1 FROM incident_mediation m WHERE m.incident_id = i.id)`,
    );
    const escalated = disputes.filter((d) => d.escalation);
    expect(escalated.length).toBeGreaterThan(0);
    for (const d of disputes) {
      expect(d.category_code).toBe('neighbour_dispute');
      expect(d.outcomes.every((o) => o === 'failed')).toBe(true);
      expect(d.attempts).toEqual(d.outcomes.map((_, i) => i + 1));
      expect(d.mediated.every(Boolean)).toBe(true);
      expect(d.urgency).toBe(d.outcomes.length === 3 ? 'yellow' : 'blue');
      expect(Boolean(d.escalation)).toBe(d.outcomes.length === 3);
    }
    for (const d of escalated) {
      expect(d.escalation).toEqual({ last: true, details: { from_urgency: 'blue', to_urgency: 'yellow', failures: 3, reason: 'three failed mediations' } });
    }
  });

  it('closes about 99.3% of incidents older than 7 days, and leaves a few red reports waiting for dispatch', async () => {
    const [r] = await t.db.query<{ rate: number; waiting_red: number }>(
      `SELECT avg((status = 'closed')::int) FILTER (WHERE reported_at < $1::timestamptz - interval '7 days')::float8 AS rate,
              count(*) FILTER (WHERE urgency = 'red' AND status IN ('reported', 'filed'))::int AS waiting_red
         FROM incident`,
      [now.toISOString()],
    );
    expect(r!.rate).toBeGreaterThan(0.985);
    expect(r!.rate).toBeLessThan(0.998);
    expect(r!.waiting_red).toBeGreaterThanOrEqual(1);
  });

  it('has already raised the alerts that were due, so the sweeper at start raises only new ones', async () => {
    // Alerts go out at the first minute's sweep after they fall due.
    const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
    expect(
      await count(`SELECT count(*)::int n FROM incident WHERE status IN ('dispatched', 'in_progress') AND due_at < $1 AND overdue_notified_at IS NULL`, [
        minuteAgo,
      ]),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*)::int n FROM incident WHERE urgency = 'red' AND status IN ('reported', 'filed') AND red_alerted_at IS NULL
          AND reported_at < $1::timestamptz - make_interval(mins => $2)`,
        [minuteAgo, RED_DISPATCH_MINUTES],
      ),
    ).toBe(0);
    const raised = await raiseTimedAlerts({ db: t.db, repos: createRepositories(t.db) }, now);
    const fresh = await count(`SELECT count(*)::int n FROM incident_history WHERE at = $1 AND action IN ('overdue', 'red_alert')`, [now.toISOString()]);
    expect(raised.overdue + raised.redAlerts).toBe(fresh);
    expect(fresh).toBeLessThanOrEqual(3);
  });
});

describe(`the demo incident bulk load on ${BACKEND}`, () => {
  const small = { grids: 40, incidents: 400, seed: 7, now: SMALL_CITY.now };
  async function withDatabase<T>(f: (t: TestDatabase) => Promise<T>): Promise<T> {
    const t = await createTestDatabase();
    try {
      return await f(t);
    } finally {
      await t.dispose();
    }
  }
  /** Seeds `small` on `t` and fingerprints its incidents, units, histories (never ids: sequences outlive a rollback) and indexes. */
  async function seedFingerprint(t: TestDatabase, bulkLoad: boolean): Promise<string> {
    await seedDemoCity(t.db, { ...small, bulkLoad });
    const [row] = await t.db.query<{ f: string }>(
      `SELECT (SELECT md5(string_agg(concat_ws('|', code, grid_code, street_code, status, urgency, filed_at, dispatched_at, due_at, resolved_at,
                                             closed_at, red_alerted_at, overdue_notified_at, updated_at), ',' ORDER BY code)) FROM incident) ||
            (SELECT md5(string_agg(concat_ws('|', i.code, h.at, h.actor, h.action, h.from_status, h.to_status, h.details), ',' ORDER BY i.code, h.at, h.id))
               FROM incident_history h JOIN incident i ON i.id = h.incident_id) ||
            (SELECT md5(string_agg(concat_ws('|', i.code, a.unit_code, a.status, a.resolved_at), ',' ORDER BY i.code, a.unit_code))
               FROM incident_assignment a JOIN incident i ON i.id = a.incident_id) ||
            -- The bulk load drops the plain indexes and builds them again: each must be back as the migrations made it.
            (SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes
              WHERE tablename IN ('incident', 'incident_history', 'incident_assignment', 'incident_mediation', 'incident_daily', 'incident_heat')) AS f`,
    );
    return row!.f;
  }
  /**
   * The bulk load's fingerprint, taken by the first test on the database it refused a load on, once the
   * reference is mended: the same city as the row-by-row load on a fresh one shows that the refusal left
   * nothing behind, and saves the second test opening a database of its own (seconds of CPU on PGlite).
   */
  let bulkAfterRefusal: string | undefined;

  it('refuses a load that would break a reference, leaving nothing behind', async () => {
    await withDatabase(async (t) => {
      const [category] = await t.db.query<{ unit_type: string }>("SELECT unit_type FROM incident_category WHERE code = 'uncollected_garbage'");
      await t.db.exec("UPDATE incident_category SET unit_type = 'no_such_unit' WHERE code = 'uncollected_garbage'");
      await expect(seedDemoCity(t.db, small)).rejects.toThrow(/assignments to an unknown incident or unit|incident_assignment_unit_code_fkey/);
      expect((await t.db.query<{ n: number }>('SELECT count(*)::int n FROM incident'))[0]!.n).toBe(0);
      await t.db.query("UPDATE incident_category SET unit_type = $1 WHERE code = 'uncollected_garbage'", [category!.unit_type]);
      bulkAfterRefusal = await seedFingerprint(t, true);
    });
  });

  it('builds the same incidents, units and histories as a load checked row by row', async () => {
    const bulk = bulkAfterRefusal ?? (await withDatabase((t) => seedFingerprint(t, true)));
    expect(bulk).toBe(await withDatabase((t) => seedFingerprint(t, false)));
  });
});

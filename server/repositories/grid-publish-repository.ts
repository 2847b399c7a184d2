import type { Queryable } from '../db/database.js';
import { HttpError } from '../http-errors.js';
import { AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M } from '../contract/grid-plan-reasons.js';
import { lineageOf, nextCodes, removedCodes, type LineageRow, type OverlapPair } from '../plans/grid-lineage.js';
import type { AuditRepository } from './audit-repository.js';
import type { PlanRow } from './grid-plan-repository.js';
import { sqlFile } from './sql-file.js';

const PUBLISH_FEATURES = sqlFile('plan-publish-features.sql');
const PUBLISH_PAIRS = sqlFile('plan-publish-pairs.sql');
const PUBLISH_WRITE = sqlFile('plan-publish-write.sql');
const GRID_SNAPSHOT = sqlFile('grid-snapshot.sql');

export interface PublishResult {
  plan_id: number;
  community_code: string;
  version: number;
  /** The code each draft grid got: kept, or the next free sequence number. */
  codes: { key: number; code: string }[];
  removed: string[];
  lineage: { old_code: string | null; new_code: string | null; kind: string; share: number | null }[];
  /** Open incidents whose grid changed. */
  reassigned_incidents: number;
}

export interface Actor {
  actor: string;
  actorUserId: number | null;
  clientIp?: string | null;
}

/**
 * Publishing a validated draft, in the caller's transaction: bump the
 * community's version (409 when someone published since the plan's base),
 * write the grids, retire removed ones, record lineage, move removed grids'
 * workers to their largest successor, re-assign open incidents, audit.
 */
export function createGridPublishRepository(audit: AuditRepository) {
  return {
    assertCurrent,

    async publish(plan: PlanRow, who: Actor, tx: Queryable): Promise<PublishResult> {
      const bumped = await tx.query<{ version: number }>(
        `UPDATE grid_community_version SET version = version + 1, published_at = now(), published_by = $3
          WHERE community_code = $1 AND version = $2 RETURNING version`, [plan.community_code, plan.base_version, who.actor]);
      if (!bumped.length) {
        await assertCurrent(plan, tx);
        throw new HttpError(409, 'plan_outdated', `community ${plan.community_code} was published after plan ${plan.id} was started`);
      }
      await tx.query("SELECT set_config('gridscope.plan_id', $1, true)", [String(plan.id)]);
      const before = await snapshot(plan.community_code, tx);

      const features = await tx.query<{ key: number; code: string | null; name: string | null; households: number; population: number; changed: boolean | null; x: number; y: number }>(
        PUBLISH_FEATURES, [plan.id, plan.revision, AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M]);
      const pairs = (await tx.query<{ old_code: string; key: number; share: number }>(PUBLISH_PAIRS, [plan.id, plan.revision, AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M]))
        .map((p): OverlapPair => ({ oldCode: p.old_code, key: Number(p.key), share: Number(p.share) }));
      const baseCodes = before.map((g) => g.code);
      const refs = features.map((f) => ({ key: Number(f.key), code: f.code, changed: f.changed === true }));
      const lineage = lineageOf(baseCodes, refs, pairs);
      const removed = removedCodes(baseCodes, refs);

      // New grids, numbered west→east within rows north→south like the originals.
      const fresh = features.filter((f) => f.code === null).sort((a, b) => b.y - a.y || a.x - b.x);
      const used = await tx.query<{ code: string }>('SELECT code FROM grid_all WHERE community_code = $1', [plan.community_code]);
      const assigned = nextCodes(plan.community_code, used.map((u) => u.code), fresh.length);
      const codeOf = new Map<number, string>(features.filter((f) => f.code).map((f) => [Number(f.key), f.code!]));
      fresh.forEach((f, i) => codeOf.set(Number(f.key), assigned[i]!));
      const [community] = await tx.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [plan.community_code]);

      await tx.query('UPDATE grid_all SET retired_at = now() WHERE code = ANY ($1::text[])', [removed]);
      await tx.query(PUBLISH_WRITE, [plan.id, plan.revision,
        features.map((f) => Number(f.key)), features.map((f) => codeOf.get(Number(f.key))), features.map((f) => f.changed),
        features.map((f) => f.households), features.map((f) => f.population),
        features.map((f) => `${community!.name}第${Number(codeOf.get(Number(f.key))!.slice(12))}网格`)]);

      const rows = lineage.map((l: LineageRow) => ({ old_code: l.oldCode, new_code: l.key === null ? null : codeOf.get(l.key)!, kind: l.kind, share: l.share }));
      await tx.query(
        `INSERT INTO grid_lineage (plan_id, old_code, new_code, kind, share)
         SELECT $1, o, n, k, round(s::numeric, 6) FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) AS x(o, n, k, s)`,
        [plan.id, rows.map((r) => r.old_code), rows.map((r) => r.new_code), rows.map((r) => r.kind), rows.map((r) => r.share)]);

      // Workers of a removed grid serve the grid that took most of its area.
      const heirs = removed.map((code) => {
        const best = pairs.filter((p) => p.oldCode === code).sort((a, b) => b.share - a.share)[0];
        return { code, heir: best ? codeOf.get(best.key)! : null };
      }).filter((h) => h.heir);
      await tx.query(
        `INSERT INTO grid_worker_assignment (worker_id, grid_code)
         SELECT a.worker_id, h.heir FROM unnest($1::text[], $2::text[]) AS h(code, heir)
           JOIN grid_worker_assignment a ON a.grid_code = h.code
         ON CONFLICT DO NOTHING`, [heirs.map((h) => h.code), heirs.map((h) => h.heir)]);
      await tx.query('DELETE FROM grid_worker_assignment WHERE grid_code = ANY ($1::text[])', [removed]);
      const scopesMoved = await carryScopes(removed, heirs, plan.community_code, tx);

      // Open incidents go to the new grids: touching the location re-runs the
      // assignment trigger (migrations/003) against the grids now current.
      // Finished ones keep the grid they were reported in.
      const [moved] = await tx.query<{ n: number }>(
        `WITH open AS (
           SELECT id, grid_code FROM incident
            WHERE community_code = $1 AND incident_is_open(status) FOR UPDATE
         ), touched AS (
           UPDATE incident i SET location = i.location FROM open o WHERE i.id = o.id RETURNING i.id, i.grid_code
         )
         SELECT count(*)::int AS n FROM touched t JOIN open o ON o.id = t.id WHERE t.grid_code <> o.grid_code`,
        [plan.community_code]);

      const result: PublishResult = {
        plan_id: plan.id, community_code: plan.community_code, version: Number(bumped[0]!.version),
        codes: features.map((f) => ({ key: Number(f.key), code: codeOf.get(Number(f.key))! })),
        removed, lineage: rows, reassigned_incidents: Number(moved!.n),
      };
      await tx.query("UPDATE grid_plan SET status = 'published', published_at = now(), updated_at = now() WHERE id = $1", [plan.id]);
      await audit.record({
        ...who, action: 'grid.publish', targetType: 'community', targetId: plan.community_code,
        before: { version: plan.base_version, grids: before },
        after: { version: result.version, plan_id: plan.id, grids: await snapshot(plan.community_code, tx), lineage: rows, reassigned_incidents: result.reassigned_incidents, scopes_moved: scopesMoved },
      }, tx);
      return result;
    },
  };
}

/**
 * 409 `plan_outdated` when the community was published since the plan's
 * base version. Checked before validation too: a stale plan's kept codes
 * may name grids retired since, which would read as the planner's mistake.
 */
async function assertCurrent(plan: PlanRow, tx: Queryable): Promise<void> {
  const [now] = await tx.query<{ version: number; published_at: Date | null; published_by: string | null }>(
    'SELECT version, published_at, published_by FROM grid_community_version WHERE community_code = $1', [plan.community_code]);
  if (!now || Number(now.version) === Number(plan.base_version)) return;
  throw new HttpError(409, 'plan_outdated',
    `community ${plan.community_code} was published by ${now.published_by ?? 'someone else'}${now.published_at ? ` at ${new Date(now.published_at).toISOString()}` : ''}`
    + ` (now version ${now.version}) after plan ${plan.id} was started on version ${plan.base_version}; start a new plan from the current grids`);
}

/**
 * Logins scoped to a retired grid (grid workers' users and tokens) follow its
 * workers to the grid that took most of its area, in the publish's
 * transaction, so nobody is locked out or, worse, read as city-wide. A grid
 * with no successor hands its logins to the community. Returns each move for
 * the audit entry.
 */
async function carryScopes(removed: string[], heirs: { code: string; heir: string | null }[], community: string, tx: Queryable) {
  if (!removed.length) return [];
  const to = removed.map((code) => heirs.find((h) => h.code === code)?.heir ?? community);
  return tx.query<{ kind: string; id: number; from: string; to: string; why: string }>(
    `WITH m AS (
       SELECT * FROM unnest($1::text[], $2::text[]) AS m(old_code, new_code)
     ), users AS (
       UPDATE app_user u SET scope_code = m.new_code FROM m WHERE u.scope_code = m.old_code
       RETURNING 'user'::text AS kind, u.id, m.old_code, m.new_code
     ), tokens AS (
       UPDATE api_token t SET scope_code = m.new_code FROM m WHERE t.scope_code = m.old_code
       RETURNING 'token'::text AS kind, t.id, m.old_code, m.new_code
     )
     SELECT kind, id, old_code AS "from", new_code AS "to",
            CASE WHEN length(new_code) = 15 THEN 'the successor grid that took most of the retired grid''s area, where its workers went'
                 ELSE 'the retired grid has no successor: its community' END AS why
       FROM (SELECT * FROM users UNION ALL SELECT * FROM tokens) moved ORDER BY kind, id`,
    [removed, to]);
}

async function snapshot(community: string, tx: Queryable): Promise<{ code: string; name: string; households: number; population: number; geometry: unknown }[]> {
  return tx.query(GRID_SNAPSHOT, [community]);
}

export type GridPublishRepository = ReturnType<typeof createGridPublishRepository>;

import type { Queryable } from '../db/database.js';
import { AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M } from '../contract/grid-plan-reasons.js';
import type { OverlapPair } from '../plans/grid-lineage.js';
import type { PlanRow } from './grid-plan-repository.js';
import { sqlFile } from './sql-file.js';

const PUBLISH_FEATURES = sqlFile('plan-publish-features.sql');
const PUBLISH_PAIRS = sqlFile('plan-publish-pairs.sql');
const PUBLISH_WRITE = sqlFile('plan-publish-write.sql');
const GRID_SNAPSHOT = sqlFile('grid-snapshot.sql');

/** A draft grid as publishing sees it: its kept code (null = new), counts, whether it changed, and a point for numbering. */
export interface PublishFeature {
  key: number;
  code: string | null;
  name: string | null;
  households: number;
  population: number;
  changed: boolean | null;
  x: number;
  y: number;
}

export interface CommunityVersion {
  version: number;
  published_at: Date | null;
  published_by: string | null;
}

export interface GridSnapshot {
  code: string;
  name: string;
  households: number;
  population: number;
  geometry: unknown;
}

export interface ScopeMove {
  kind: string;
  id: number;
  from: string;
  to: string;
  why: string;
}

/**
 * The statements of publishing a draft (server/services/grid-publish-service.ts
 * puts them in order and decides): each runs in the caller's transaction and
 * returns rows, never refuses.
 */
export function createGridPublishRepository() {
  return {
    async currentVersion(community: string, tx: Queryable): Promise<CommunityVersion | null> {
      const [row] = await tx.query<CommunityVersion>('SELECT version, published_at, published_by FROM grid_community_version WHERE community_code = $1', [
        community,
      ]);
      return row ?? null;
    },

    /** The next version of the community, if it is still at `base`; null when someone published since. */
    async bumpVersion(community: string, base: number, by: string, tx: Queryable): Promise<number | null> {
      const bumped = await tx.query<{ version: number }>(
        `UPDATE grid_community_version SET version = version + 1, published_at = now(), published_by = $3
          WHERE community_code = $1 AND version = $2 RETURNING version`,
        [community, base, by],
      );
      return bumped[0] ? Number(bumped[0].version) : null;
    },

    /** Names the plan for the history triggers of this transaction (migrations). */
    async markTransaction(planId: number, tx: Queryable): Promise<void> {
      await tx.query("SELECT set_config('gridscope.plan_id', $1, true)", [String(planId)]);
    },

    async snapshot(community: string, tx: Queryable): Promise<GridSnapshot[]> {
      return tx.query<GridSnapshot>(GRID_SNAPSHOT, [community]);
    },

    async features(plan: PlanRow, tx: Queryable): Promise<PublishFeature[]> {
      return tx.query<PublishFeature>(PUBLISH_FEATURES, [plan.id, plan.revision, AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M]);
    },

    /** How much of each published grid's area each draft grid covers. */
    async overlaps(plan: PlanRow, tx: Queryable): Promise<OverlapPair[]> {
      return (
        await tx.query<{ old_code: string; key: number; share: number }>(PUBLISH_PAIRS, [plan.id, plan.revision, AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M])
      ).map((p): OverlapPair => ({ oldCode: p.old_code, key: Number(p.key), share: Number(p.share) }));
    },

    /** Every code the community's grids ever had, retired ones included (codes are never reused). */
    async usedCodes(community: string, tx: Queryable): Promise<string[]> {
      return (await tx.query<{ code: string }>('SELECT code FROM grid_all WHERE community_code = $1', [community])).map((u) => u.code);
    },

    async communityName(community: string, tx: Queryable): Promise<string> {
      const [row] = await tx.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [community]);
      return row!.name;
    },

    async retire(codes: readonly string[], tx: Queryable): Promise<void> {
      await tx.query('UPDATE grid_all SET retired_at = now() WHERE code = ANY ($1::text[])', [codes]);
    },

    /** Writes the draft's grids as the current ones, under the codes and names given, in the order of `features`. */
    async writeGrids(plan: PlanRow, features: readonly PublishFeature[], codes: readonly string[], names: readonly string[], tx: Queryable): Promise<void> {
      await tx.query(PUBLISH_WRITE, [
        plan.id,
        plan.revision,
        features.map((f) => Number(f.key)),
        codes,
        features.map((f) => f.changed),
        features.map((f) => f.households),
        features.map((f) => f.population),
        names,
      ]);
    },

    async insertLineage(
      planId: number,
      rows: readonly { old_code: string | null; new_code: string | null; kind: string; share: number | null }[],
      tx: Queryable,
    ): Promise<void> {
      await tx.query(
        `INSERT INTO grid_lineage (plan_id, old_code, new_code, kind, share)
         SELECT $1, o, n, k, round(s::numeric, 6) FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) AS x(o, n, k, s)`,
        [planId, rows.map((r) => r.old_code), rows.map((r) => r.new_code), rows.map((r) => r.kind), rows.map((r) => r.share)],
      );
    },

    /** Workers of each retired grid move to its heir; the retired grid's assignments go. */
    async moveWorkers(heirs: readonly { code: string; heir: string }[], removed: readonly string[], tx: Queryable): Promise<void> {
      await tx.query(
        `INSERT INTO grid_worker_assignment (worker_id, grid_code)
         SELECT a.worker_id, h.heir FROM unnest($1::text[], $2::text[]) AS h(code, heir)
           JOIN grid_worker_assignment a ON a.grid_code = h.code
         ON CONFLICT DO NOTHING`,
        [heirs.map((h) => h.code), heirs.map((h) => h.heir)],
      );
      await tx.query('DELETE FROM grid_worker_assignment WHERE grid_code = ANY ($1::text[])', [removed]);
    },

    /** Moves users' and tokens' scopes from each retired code to its successor; returns each move. */
    async moveScopes(from: readonly string[], to: readonly string[], tx: Queryable): Promise<ScopeMove[]> {
      return tx.query<ScopeMove>(
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
        [from, to],
      );
    },

    /**
     * Open incidents go to the new grids: touching the location re-runs the
     * assignment trigger (migrations/003) against the grids now current.
     * Finished ones keep the grid they were reported in. Returns how many changed grid.
     */
    async reassignOpenIncidents(community: string, tx: Queryable): Promise<number> {
      const [moved] = await tx.query<{ n: number }>(
        `WITH open AS (
           SELECT id, grid_code FROM incident
            WHERE community_code = $1 AND incident_is_open(status) FOR UPDATE
         ), touched AS (
           UPDATE incident i SET location = i.location FROM open o WHERE i.id = o.id RETURNING i.id, i.grid_code
         )
         SELECT count(*)::int AS n FROM touched t JOIN open o ON o.id = t.id WHERE t.grid_code <> o.grid_code`,
        [community],
      );
      return Number(moved!.n);
    },

    async markPublished(planId: number, tx: Queryable): Promise<void> {
      await tx.query("UPDATE grid_plan SET status = 'published', published_at = now(), updated_at = now() WHERE id = $1", [planId]);
    },
  };
}

export type GridPublishRepository = ReturnType<typeof createGridPublishRepository>;

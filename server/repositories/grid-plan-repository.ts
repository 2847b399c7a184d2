import type { Queryable } from '../db/database.js';
import type { PlanStatus } from '../plans/grid-plan-lifecycle.js';
import { sqlFile } from './sql-file.js';

const PLAN_FEATURES = sqlFile('plan-features.sql');
const COPY_REVISION = sqlFile('plan-copy-revision.sql');

export interface PlanRow {
  id: number;
  name: string;
  community_code: string;
  community_name: string;
  base_version: number;
  /** The community's published version now: above base_version, the plan is outdated and cannot be published. */
  current_version: number;
  status: PlanStatus;
  revision: number;
  head_revision: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
}

export interface NewPlan {
  name: string;
  community: string;
  actor: string;
  actorUserId: number | null;
}

const PLAN_COLUMNS = `p.id, p.name, p.community_code, r.name AS community_name, p.base_version,
  coalesce(v.version, 0) AS current_version, p.status, p.revision, p.head_revision,
  p.created_by, p.created_at, p.updated_at, p.published_at`;
const PLAN_FROM = `grid_plan p JOIN region r ON r.code = p.community_code
  LEFT JOIN grid_community_version v ON v.community_code = p.community_code`;

/**
 * Draft plans and their revisions. A plan's features live per revision; an
 * edit writes revision+1 (dropping any redo branch above it), undo and redo
 * move the pointer. Scope: a plan is visible when its community lies in the
 * caller's scope (null = the whole city).
 */
export function createGridPlanRepository(db: Queryable) {
  return {
    /** Creates a plan on the community's current grids (revision 0); returns its id. */
    async create(p: NewPlan, tx: Queryable = db): Promise<number> {
      await tx.query('INSERT INTO grid_community_version (community_code) VALUES ($1) ON CONFLICT (community_code) DO NOTHING', [p.community]);
      const [plan] = await tx.query<{ id: number }>(
        `INSERT INTO grid_plan (name, community_code, base_version, created_by, created_by_user_id)
         SELECT $1, $2, version, $3, $4 FROM grid_community_version WHERE community_code = $2
         RETURNING id`,
        [p.name, p.community, p.actor, p.actorUserId],
      );
      await tx.query(
        `INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, boundary)
         SELECT $1, 0, row_number() OVER (ORDER BY code), code, name, boundary FROM grid WHERE community_code = $2`,
        [plan!.id, p.community],
      );
      return plan!.id;
    },

    async find(id: number, scope: string | null, tx: Queryable = db): Promise<PlanRow | null> {
      const rows = await tx.query<PlanRow>(
        `SELECT ${PLAN_COLUMNS} FROM ${PLAN_FROM} WHERE p.id = $1 AND ($2::text IS NULL OR p.community_code LIKE $2 || '%')`,
        [id, scope],
      );
      return rows[0] ?? null;
    },

    /** Locks the plan row for a change (same visibility rule as find). */
    async lock(id: number, scope: string | null, tx: Queryable): Promise<PlanRow | null> {
      const rows = await tx.query<{ id: number }>(`SELECT id FROM grid_plan WHERE id = $1 AND ($2::text IS NULL OR community_code LIKE $2 || '%') FOR UPDATE`, [
        id,
        scope,
      ]);
      return rows[0] ? this.find(id, scope, tx) : null;
    },

    async list(q: { scope: string | null; community?: string; status?: PlanStatus }, tx: Queryable = db): Promise<PlanRow[]> {
      return tx.query<PlanRow>(
        `SELECT ${PLAN_COLUMNS} FROM ${PLAN_FROM}
          WHERE ($1::text IS NULL OR p.community_code LIKE $1 || '%')
            AND ($2::text IS NULL OR p.community_code = $2) AND ($3::text IS NULL OR p.status = $3)
          ORDER BY p.updated_at DESC, p.id DESC LIMIT 500`,
        [q.scope, q.community ?? null, q.status ?? null],
      );
    },

    /** The features of a revision with households, population, workers and incidents in [from, to). */
    async featuresText(id: number, revision: number, from: Date, to: Date, tx: Queryable = db): Promise<string> {
      const rows = await tx.query<{ body: string }>(PLAN_FEATURES, [id, revision, from, to]);
      return rows[0]!.body;
    },

    /**
     * Opens revision+1 for an edit: drops the redo branch, copies the current
     * features except `replaced`, moves the pointer. Returns the new revision.
     */
    async beginEdit(plan: PlanRow, replaced: readonly number[], tx: Queryable): Promise<number> {
      const next = plan.revision + 1;
      await tx.query('DELETE FROM grid_plan_feature WHERE plan_id = $1 AND revision >= $2', [plan.id, next]);
      await tx.query(COPY_REVISION, [plan.id, plan.revision, next, replaced]);
      await tx.query('UPDATE grid_plan SET revision = $2, head_revision = $2, updated_at = now() WHERE id = $1', [plan.id, next]);
      return next;
    },

    /** Moves the pointer (undo/redo) to a kept revision. */
    async setRevision(id: number, revision: number, tx: Queryable): Promise<void> {
      await tx.query('UPDATE grid_plan SET revision = $2, updated_at = now() WHERE id = $1', [id, revision]);
    },

    async rename(id: number, name: string, tx: Queryable): Promise<void> {
      await tx.query('UPDATE grid_plan SET name = $2, updated_at = now() WHERE id = $1', [id, name]);
    },

    async setStatus(id: number, status: PlanStatus, tx: Queryable): Promise<void> {
      await tx.query(`UPDATE grid_plan SET status = $2, updated_at = now(), published_at = CASE WHEN $2 = 'published' THEN now() END WHERE id = $1`, [
        id,
        status,
      ]);
    },

    /** The next unused feature key of a plan (keys are never reused, across revisions). */
    async nextKey(id: number, tx: Queryable): Promise<number> {
      const [r] = await tx.query<{ k: number }>('SELECT coalesce(max(key), 0) + 1 AS k FROM grid_plan_feature WHERE plan_id = $1', [id]);
      return Number(r!.k);
    },

    /** Keys and codes of a revision's features. */
    async keys(id: number, revision: number, tx: Queryable = db): Promise<{ key: number; code: string | null }[]> {
      return tx.query('SELECT key, code FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2 ORDER BY key', [id, revision]);
    },

    /** Drops every revision's features of a plan (an import stages its own revision 0). */
    async clearFeatures(id: number, tx: Queryable): Promise<void> {
      await tx.query('DELETE FROM grid_plan_feature WHERE plan_id = $1', [id]);
    },

    /** The published version of each of `communities` that has one (grid_community_version). */
    async communityVersions(communities: readonly string[], tx: Queryable = db): Promise<{ code: string; version: number }[]> {
      return tx.query('SELECT community_code code, version FROM grid_community_version WHERE community_code = ANY ($1::text[])', [communities]);
    },

    /** Replaces the whole feature set of revision `revision` (import and PATCH). */
    async insertFeatures(id: number, revision: number, features: readonly PlanFeatureInput[], tx: Queryable): Promise<void> {
      if (!features.length) return;
      await tx.query(
        `INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, households, population, boundary)
         SELECT $1, $2, f.key, f.code, f.name, f.households, f.population, ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 4326)
           FROM unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[]) AS f(key, code, name, households, population, geojson)`,
        [
          id,
          revision,
          features.map((f) => f.key),
          features.map((f) => f.code),
          features.map((f) => f.name),
          features.map((f) => f.households),
          features.map((f) => f.population),
          features.map((f) => JSON.stringify(f.geometry)),
        ],
      );
    },
  };
}

export interface PlanFeatureInput {
  key: number;
  code: string | null;
  name: string | null;
  households: number | null;
  population: number | null;
  geometry: unknown;
}

export type GridPlanRepository = ReturnType<typeof createGridPlanRepository>;

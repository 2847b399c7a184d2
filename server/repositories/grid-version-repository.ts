import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const HISTORY = sqlFile('grid-history.sql');
const EXPORT = sqlFile('grid-export.sql');
const WORKLOAD = sqlFile('grid-workload.sql');

export interface LineageEntry {
  plan_id: number;
  old_code: string | null;
  new_code: string | null;
  kind: string;
  share: number | null;
  published_at: Date;
}

/** Grid history (versions, lineage), export and the planner's view of current grids. */
export function createGridVersionRepository(db: Queryable) {
  return {
    /** Grids valid at `asOf` within `region` and `scope` (null = whole city), as GeoJSON text. */
    async asOfText(region: string | null, asOf: Date, scope: string | null, tx: Queryable = db): Promise<string> {
      const [row] = await tx.query<{ body: string }>(HISTORY, [region, asOf, scope]);
      return row!.body;
    },

    async exportText(region: string | null, scope: string | null, tx: Queryable = db): Promise<string> {
      const [row] = await tx.query<{ body: string }>(EXPORT, [region, scope]);
      return row!.body;
    },

    async workloadText(community: string, from: Date, to: Date, tx: Queryable = db): Promise<string> {
      const [row] = await tx.query<{ body: string }>(WORKLOAD, [community, from, to]);
      return row!.body;
    },

    /** Lineage rows touching any grid under `region` (old or new side), newest publish first. */
    async lineage(region: string | null, scope: string | null, tx: Queryable = db): Promise<LineageEntry[]> {
      return tx.query<LineageEntry>(
        `SELECT l.plan_id, l.old_code, l.new_code, l.kind, l.share::float8 AS share, p.published_at
           FROM grid_lineage l JOIN grid_plan p ON p.id = l.plan_id
          WHERE ($1::text IS NULL OR coalesce(l.old_code, l.new_code) LIKE $1 || '%')
            AND ($2::text IS NULL OR coalesce(l.old_code, l.new_code) LIKE $2 || '%')
          ORDER BY p.published_at DESC, l.id`,
        [region, scope],
      );
    },
  };
}

export type GridVersionRepository = ReturnType<typeof createGridVersionRepository>;

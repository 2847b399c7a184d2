import type { Queryable } from '../db/database.js';
import type { Bbox } from '../schemas/query-parsers.js';
import { sqlFile } from './sql-file.js';

const GRID_FEATURES = sqlFile('grid-features.sql');
const GRID_BY_CODE = sqlFile('grid-by-code.sql');

export interface GridQuery {
  /** District, street, community or grid code; null = the whole city. */
  region: string | null;
  bbox?: Bbox;
  /** Douglas-Peucker tolerance in degrees; 0 keeps every vertex. */
  simplify: number;
  limit: number;
}

export function createGridRepository(db: Queryable) {
  return {
    /** A FeatureCollection as text, ready to send. */
    async featureCollectionText(q: GridQuery, tx: Queryable = db): Promise<string> {
      const [x0, y0, x1, y1] = q.bbox ?? [null, null, null, null];
      const rows = await tx.query<{ body: string }>(GRID_FEATURES, [q.region, x0, y0, x1, y1, q.simplify, q.limit]);
      return rows[0]!.body;
    },

    async featureText(code: string, scope: string | null, tx: Queryable = db): Promise<string | null> {
      const rows = await tx.query<{ body: string }>(GRID_BY_CODE, [code, scope]);
      return rows[0]?.body ?? null;
    },
  };
}

export type GridRepository = ReturnType<typeof createGridRepository>;

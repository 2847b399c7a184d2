import type { Queryable } from '../db/database.js';
import type { Bbox } from '../contract/geo-schemas.js';
import type { GridWorkerContact } from '../contract/incident-geojson-schemas.js';
import { createSharedEdgeShapes, withSharedEdgeShapes } from './shared-edge-shapes.js';
import { sqlFile } from './sql-file.js';

const GRID_FEATURES = sqlFile('grid-features.sql');
const GRID_BY_CODE = sqlFile('grid-by-code.sql');
const GRID_WORKER_CONTACTS = sqlFile('grid-worker-contacts.sql');

export interface GridQuery {
  /** District, street, community or grid code; null = the whole city. */
  region: string | null;
  bbox?: Bbox;
  /** Tolerance in degrees for simplifying shared edges (see shared-edge-simplify.ts); 0 keeps every vertex. */
  simplify: number;
  limit: number;
  /** Keyset: the last code of the page before. */
  after?: string;
}

export interface GridPage {
  /** The features array as JSON text. */
  features: string;
  returned: number;
  matched: number;
  /** The last code of this page when another page follows. */
  lastCode?: string;
}

export function createGridRepository(db: Queryable) {
  const sharedEdgeShapes = createSharedEdgeShapes(db);
  return {
    /** One page of grids in code order, its features as JSON text. */
    async page(q: GridQuery, tx: Queryable = db): Promise<GridPage> {
      const [x0, y0, x1, y1] = q.bbox ?? [null, null, null, null];
      const [row] = await tx.query<{ features: string; returned: number; matched: number; last_code: string | null }>(GRID_FEATURES, [
        q.region,
        x0,
        y0,
        x1,
        y1,
        q.simplify,
        q.limit,
        q.after ?? null,
      ]);
      // Read after the page, so the shapes are at least as new as its rows.
      const features =
        q.simplify > 0 ? JSON.stringify(withSharedEdgeShapes(JSON.parse(row!.features), await sharedEdgeShapes('grid', q.simplify, 6))) : row!.features;
      return { features, returned: Number(row!.returned), matched: Number(row!.matched), lastCode: row!.last_code ?? undefined };
    },

    async featureText(code: string, scope: string | null, tx: Queryable = db): Promise<string | null> {
      const rows = await tx.query<{ body: string }>(GRID_BY_CODE, [code, scope]);
      return rows[0]?.body ?? null;
    },

    /** The workers serving a grid, with their phone numbers, in id order. */
    async workerContacts(gridCode: string, tx: Queryable = db): Promise<GridWorkerContact[]> {
      return (await tx.query<GridWorkerContact>(GRID_WORKER_CONTACTS, [gridCode])).map((w) => ({ ...w, id: Number(w.id) }));
    },
  };
}

export type GridRepository = ReturnType<typeof createGridRepository>;

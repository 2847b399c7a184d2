import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const GEOMETRY_REVISION = sqlFile('geometry-revision.sql');

/**
 * Keeps geometry answers (GeoJSON text) in memory until a boundary changes.
 * Each use asks the database for the geometry revision first (one row, well
 * under a millisecond) and reloads when it moved, so a publish made by any
 * process is seen by the next request of every process. The revision is read
 * before the answer: an answer that raced a publish is filed under the older
 * revision and reloaded next time, never kept as current.
 *
 * Keys include request parameters (region, simplification), so the cache is
 * bounded: past `limit` entries the oldest goes.
 */
export function createRevisionCache<T = string>(db: Queryable, limit = 32) {
  const entries = new Map<string, { revision: string; body: T }>();
  return async function cached(key: string, load: () => Promise<T>): Promise<T> {
    const [row] = await db.query<{ revision: string }>(GEOMETRY_REVISION);
    const revision = row!.revision;
    const hit = entries.get(key);
    if (hit?.revision === revision) return hit.body;
    const body = await load();
    entries.delete(key);
    entries.set(key, { revision, body });
    if (entries.size > limit) entries.delete(entries.keys().next().value!);
    return body;
  };
}

import type { Database } from '../db/database.js';
import { createFieldRepository } from '../repositories/field-repository.js';
import { IDEMPOTENCY_KEY_DAYS } from '../services/idempotency.js';

/** Default days a grid worker's shared position is kept (GRIDSCOPE_POSITION_RETENTION_DAYS). */
export const DEFAULT_POSITION_RETENTION_DAYS = 7;

/**
 * Deletes what the field app leaves behind once it is old enough: workers'
 * positions past `positionDays`, idempotency keys past IDEMPOTENCY_KEY_DAYS
 * (7: longer than a phone keeps an unsent report). Run by the workflow
 * plugin's periodic sweep beside the deadline sweep; several servers on one
 * database may run it at once (a row is deleted once).
 */
export async function sweepFieldRetention(db: Database, now: Date, positionDays: number): Promise<{ positions: number; keys: number }> {
  return createFieldRepository(db).deleteExpired(now, positionDays, IDEMPOTENCY_KEY_DAYS);
}

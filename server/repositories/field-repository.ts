import type { Queryable } from '../db/database.js';
import type { Status } from '../contract/incident-workflow.js';
import type { Urgency } from '../contract/vocabulary.js';
import { sqlFile } from './sql-file.js';

const IDEMPOTENCY_CLAIM = sqlFile('idempotency-claim.sql');
const POSITION_UPSERT = sqlFile('worker-position-upsert.sql');
const POSITIONS = sqlFile('worker-positions.sql');
const FIELD_RETENTION = sqlFile('field-retention.sql');
const TASKS_GRID_WORKER = sqlFile('tasks-grid-worker.sql');
const TASKS_HANDLER = sqlFile('tasks-handler.sql');

/** A stored answer to an idempotent write. */
export interface StoredAnswer {
  route: string;
  request_hash: string;
  status_code: number;
  response: string;
}

export interface WorkerPosition {
  user_id: number;
  name: string;
  lon: number;
  lat: number;
  accuracy_m: number;
  at: Date;
  age_s: number;
}

interface TaskRow {
  code: string;
  category: string;
  urgency: Urgency;
  status: Status;
  description: string;
  grid_code: string;
  lon: number;
  lat: number;
  place_zh: string;
  place_en: string;
  reported_at: Date;
  due_at: Date | null;
  urged_at: Date | null;
}
export interface GridWorkerTaskRow extends TaskRow {
  resolved_at: Date | null;
  needs_check: boolean;
}
export interface HandlerTaskRow extends TaskRow {
  due_at: Date;
  unit_status: 'assigned' | 'in_progress';
  overdue: boolean;
}

/** What the field app (/m) needs stored: idempotency keys, workers' positions, and the phone's task lists. */
export function createFieldRepository(db: Queryable) {
  return {
    /** Claims (user, key) in `tx`; false when it is already taken (then `storedAnswer` has what was answered). */
    async claimKey(k: { userId: number; key: string; route: string; requestHash: string; at: Date }, tx: Queryable): Promise<boolean> {
      const rows = await tx.query(IDEMPOTENCY_CLAIM, [k.userId, k.key, k.route, k.requestHash, k.at]);
      return rows.length === 1;
    },

    async storedAnswer(userId: number, key: string, tx: Queryable): Promise<StoredAnswer | null> {
      const rows = await tx.query<StoredAnswer>('SELECT route, request_hash, status_code, response FROM idempotency_key WHERE user_id = $1 AND key = $2', [
        userId,
        key,
      ]);
      return rows[0] ?? null;
    },

    async storeAnswer(userId: number, key: string, statusCode: number, response: string, tx: Queryable): Promise<void> {
      await tx.query('UPDATE idempotency_key SET status_code = $3, response = $4 WHERE user_id = $1 AND key = $2', [userId, key, statusCode, response]);
    },

    async putPosition(p: { userId: number; grid: string; lon: number; lat: number; accuracyM: number; at: Date }, tx: Queryable = db): Promise<void> {
      await tx.query(POSITION_UPSERT, [p.userId, p.grid, p.lon, p.lat, p.accuracyM, p.at]);
    },

    /** Deletes the worker's position; whether there was one. */
    async deletePosition(userId: number, tx: Queryable = db): Promise<boolean> {
      return (await tx.query('DELETE FROM worker_position WHERE user_id = $1 RETURNING 1', [userId])).length === 1;
    },

    async positions(grid: string, now: Date, retentionDays: number, tx: Queryable = db): Promise<WorkerPosition[]> {
      const rows = await tx.query<WorkerPosition>(POSITIONS, [grid, now, retentionDays]);
      return rows.map((r) => ({ ...r, user_id: Number(r.user_id) }));
    },

    async deleteExpired(now: Date, positionDays: number, keyDays: number, tx: Queryable = db): Promise<{ positions: number; keys: number }> {
      const rows = await tx.query<{ positions: number; keys: number }>(FIELD_RETENTION, [now, positionDays, keyDays]);
      return rows[0]!;
    },

    async gridWorkerTasks(scope: string, limit: number, tx: Queryable = db): Promise<GridWorkerTaskRow[]> {
      return tx.query<GridWorkerTaskRow>(TASKS_GRID_WORKER, [scope, limit]);
    },

    async handlerTasks(unit: string, now: Date, scope: string | null, limit: number, tx: Queryable = db): Promise<HandlerTaskRow[]> {
      return tx.query<HandlerTaskRow>(TASKS_HANDLER, [unit, now, scope, limit]);
    },

    /** The grid a grid code names, if it exists (for ?grid=). */
    async gridExists(code: string, tx: Queryable = db): Promise<boolean> {
      return (await tx.query('SELECT 1 FROM grid WHERE code = $1', [code])).length === 1;
    },
  };
}

export type FieldRepository = ReturnType<typeof createFieldRepository>;

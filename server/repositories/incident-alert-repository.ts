import type { Queryable } from '../db/database.js';
import type { Status } from '../contract/incident-workflow.js';
import type { Urgency } from '../contract/vocabulary.js';
import { sqlFile } from './sql-file.js';

const CLAIM_OVERDUE = sqlFile('incident-claim-overdue.sql');
const CLAIM_RED_WAITING = sqlFile('incident-claim-red-waiting.sql');

/** An incident claimed for a timed alert, with what its live event carries. */
export interface ClaimedIncident {
  id: number;
  code: string;
  status: Status;
  category_code: string;
  urgency: Urgency;
  grid_code: string;
  district_code: string;
  reported_at: Date;
  due_at: Date | null;
  lon: number;
  lat: number;
}

/**
 * The workflow's timed alerts. Each claim marks the incidents it returns in
 * the same statement (SKIP LOCKED), so two sweeps, or two server processes,
 * never claim one incident twice.
 */
export function createIncidentAlertRepository(db: Queryable) {
  return {
    /** Dispatched or in progress, past due, not yet urged (督办): at most `batch`, earliest deadline first. */
    claimOverdue(now: Date, batch: number, tx: Queryable = db): Promise<ClaimedIncident[]> {
      return tx.query<ClaimedIncident>(CLAIM_OVERDUE, [now, batch]);
    },
    /** Red incidents still not dispatched `minutes` after their report, not yet alerted. */
    claimRedWaiting(now: Date, minutes: number, batch: number, tx: Queryable = db): Promise<ClaimedIncident[]> {
      return tx.query<ClaimedIncident>(CLAIM_RED_WAITING, [now, minutes, batch]);
    },
  };
}

export type IncidentAlertRepository = ReturnType<typeof createIncidentAlertRepository>;

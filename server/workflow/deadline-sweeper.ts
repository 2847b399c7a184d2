import type { Database } from '../db/database.js';
import { recordEvent } from '../repositories/event-log-repository.js';
import { sqlFile } from '../repositories/sql-file.js';
import { RED_DISPATCH_MINUTES } from '../contract/incident-workflow.js';

const CLAIM_OVERDUE = sqlFile('incident-claim-overdue.sql');
const CLAIM_RED_WAITING = sqlFile('incident-claim-red-waiting.sql');

/** At most this many alerts of each kind per sweep, so one sweep stays short; the next takes the rest. */
const BATCH = 500;

interface Claimed {
  id: number;
  code: string;
  status: string;
  category_code: string;
  urgency: string;
  grid_code: string;
  district_code: string;
  reported_at: Date;
  due_at: Date | null;
  lon: number;
  lat: number;
}

/**
 * Raises the workflow's timed alerts as of `now`: incidents past their
 * deadline while dispatched or in progress (督办, once each until the clock
 * restarts), and red incidents not dispatched within 30 minutes of their
 * report. Each alert goes into the incident's history and onto the live
 * stream. Returns how many of each were raised.
 */
export async function sweepDeadlines(db: Database, now: Date): Promise<{ overdue: number; redAlerts: number }> {
  return db.transaction(async (tx) => {
    const overdue = await tx.query<Claimed>(CLAIM_OVERDUE, [now, BATCH]);
    const red = await tx.query<Claimed>(CLAIM_RED_WAITING, [now, RED_DISPATCH_MINUTES, BATCH]);
    for (const i of overdue) {
      await tx.query(
        `INSERT INTO incident_history (incident_id, at, actor, action, from_status, to_status, note, details)
         VALUES ($1, $2, 'system', 'overdue', $3, $3, '超过处置时限，督办', $4::jsonb)`,
        [i.id, now, i.status, JSON.stringify({ due_at: i.due_at })],
      );
    }
    for (const i of red) {
      await tx.query(
        `INSERT INTO incident_history (incident_id, at, actor, action, from_status, to_status, note, details)
         VALUES ($1, $2, 'system', 'red_alert', $3, $3, $4, NULL)`,
        [i.id, now, i.status, `红色事件超过${RED_DISPATCH_MINUTES}分钟未派遣`],
      );
    }
    // Events last: recordEvent serialises event writers until commit.
    for (const [type, list] of [
      ['incident.overdue', overdue],
      ['incident.red_alert', red],
    ] as const) {
      for (const i of list) {
        await recordEvent(tx, { type, scope: i.grid_code, payload: { incident: eventIncident(i) } });
      }
    }
    return { overdue: overdue.length, redAlerts: red.length };
  });
}

/**
 * The incident as live events carry it (see the wall's api-types). A status
 * change says what the incident was before, status and urgency, so that a
 * client can move its counts from one to the other without asking the API.
 */
export function eventIncident(
  i: {
    code: string;
    category_code: string;
    urgency: string;
    status: string;
    lon: number;
    lat: number;
    grid_code: string;
    district_code: string;
    reported_at: Date;
  },
  previous?: { status: string; urgency: string },
) {
  return {
    code: i.code,
    category: i.category_code,
    urgency: i.urgency,
    status: i.status,
    ...(previous ? { previous_status: previous.status, previous_urgency: previous.urgency } : {}),
    location: [Number(i.lon), Number(i.lat)],
    grid_code: i.grid_code,
    district_code: i.district_code,
    reported_at: new Date(i.reported_at).toISOString(),
  };
}

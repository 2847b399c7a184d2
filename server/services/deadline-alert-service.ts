import { RED_DISPATCH_MINUTES } from '../contract/incident-workflow.js';
import { recordEvent } from '../repositories/event-log-repository.js';
import { eventIncident } from './incident-event.js';
import type { ServiceDeps } from './service-deps.js';

/** At most this many alerts of each kind per sweep, so one sweep stays short; the next takes the rest. */
const BATCH = 500;

/**
 * Raises the workflow's timed alerts as of `now`, in one transaction:
 * incidents past their deadline while dispatched or in progress (督办, once
 * each until the clock restarts), and red incidents not dispatched within
 * 30 minutes of their report. Each alert goes into the incident's history
 * and onto the live stream; a rolled-back sweep raises nothing, and the next
 * one claims the same incidents again. Returns how many of each were raised.
 */
export async function raiseTimedAlerts(deps: Pick<ServiceDeps, 'db' | 'repos'>, now: Date): Promise<{ overdue: number; redAlerts: number }> {
  const { alerts, workflow } = deps.repos;
  return deps.db.transaction(async (tx) => {
    const overdue = await alerts.claimOverdue(now, BATCH, tx);
    const red = await alerts.claimRedWaiting(now, RED_DISPATCH_MINUTES, BATCH, tx);
    const system = { at: now, actor: 'system', actorUserId: null };
    for (const i of overdue) {
      await workflow.addHistory(
        { ...system, incidentId: i.id, action: 'overdue', from: i.status, to: i.status, note: '超过处置时限，督办', details: { due_at: i.due_at } },
        tx,
      );
    }
    for (const i of red) {
      const note = `红色事件超过${RED_DISPATCH_MINUTES}分钟未派遣`;
      await workflow.addHistory({ ...system, incidentId: i.id, action: 'red_alert', from: i.status, to: i.status, note }, tx);
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

import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { DEFAULT_CALENDAR } from '../workflow/calendar-config.js';
import { createWorkingCalendar, type WorkingCalendar, type WorkingCalendarConfig } from '../workflow/working-calendar.js';
import { raiseTimedAlerts } from '../services/deadline-alert-service.js';
import { DEFAULT_POSITION_RETENTION_DAYS, sweepFieldRetention } from '../workflow/field-retention-sweeper.js';

export interface WorkflowOptions {
  /** Working hours and holidays for deadlines; default the 2026 PRC calendar. */
  calendar?: WorkingCalendarConfig;
  /** How often overdue and red-alert checks run, in ms; 0 = never (tests call raiseTimedAlerts themselves). */
  sweepEveryMs?: number;
  /** Days a grid worker's shared position is kept (default 7); the same sweep deletes older ones and old idempotency keys. */
  positionRetentionDays?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    calendar: WorkingCalendar;
    positionRetentionDays: number;
  }
}

export { DEFAULT_CALENDAR };

/**
 * The workflow's clock: the working calendar deadlines are computed with,
 * and a periodic sweep that raises overdue (督办) and red-alert events, then
 * deletes expired worker positions and idempotency keys. Each
 * sweep claims rows with a conditional UPDATE, so several server processes on
 * one database never raise the same alert twice.
 */
export default fp(
  async (app, opts: WorkflowOptions) => {
    app.decorate('calendar', createWorkingCalendar(opts.calendar ?? DEFAULT_CALENDAR));
    const positionDays = opts.positionRetentionDays ?? DEFAULT_POSITION_RETENTION_DAYS;
    app.decorate('positionRetentionDays', positionDays);
    const every = opts.sweepEveryMs ?? 60_000;
    if (every > 0) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        const now = new Date();
        raiseTimedAlerts(app, now)
          .then(() => sweepFieldRetention(app.db, now, positionDays))
          // The next tick tries again: an outage delays alerts, it does not lose them (each sweep claims all that are due).
          .catch((err: unknown) =>
            isDatabaseUnavailable(err)
              ? app.log.warn({ reason: (err as Error).message }, 'deadline sweep skipped: database unavailable; trying again next tick')
              : app.log.error({ err }, 'deadline or retention sweep failed'),
          )
          .finally(() => {
            running = false;
          });
      }, every);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }
  },
  { name: 'workflow', dependencies: ['database'] },
);

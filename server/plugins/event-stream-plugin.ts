import fp from 'fastify-plugin';
import { createEventHub, type EventHub, type EventHubSettings } from '../events/event-hub.js';
import { createEventLogRepository } from '../repositories/event-log-repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    events: EventHub;
  }
}

export interface EventStreamOptions extends Partial<EventHubSettings> {
  /** Events older than this are deleted when the plugin starts; 0 keeps everything. */
  retentionDays?: number;
}

/**
 * The live event hub over the database's notifications. Old events are
 * pruned on start (they only serve replays to reconnecting clients). Open
 * streams are ended before the HTTP server closes, which would otherwise
 * wait for them forever.
 */
export default fp<EventStreamOptions>(
  async (app, opts) => {
    const retentionDays = opts.retentionDays ?? 30;
    if (retentionDays > 0) {
      const deleted = await createEventLogRepository(app.db).prune(retentionDays);
      if (deleted > 0) app.log.info({ deleted, retentionDays }, 'pruned old live events');
    }
    const { retentionDays: _, ...settings } = opts;
    const hub = await createEventHub(app.db, { ...settings, log: app.log });
    app.decorate('events', hub);
    app.addHook('preClose', async () => hub.disconnectAll());
    app.addHook('onClose', async () => hub.close());
  },
  { name: 'event-stream', dependencies: ['database'] },
);

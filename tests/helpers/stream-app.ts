import { buildApp, type App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import type { EventType } from '../../server/events/event-scope.js';
import type { EventStreamOptions } from '../../server/plugins/event-stream-plugin.js';
import { recordEvent } from '../../server/repositories/event-log-repository.js';
import { openSse, type SseStream } from './sse-client.js';

/**
 * A real app listening on a free port, for streaming tests. Until the auth
 * plugin exists, a test-only hook takes the caller's region scope from the
 * `x-test-scope` header; production code has no such header.
 */
export interface StreamApp {
  app: App;
  url: string;
  /** Opens /api/stream as the given region (undefined = the whole city). */
  connect(options?: { scope?: string; lastEventId?: string; query?: string }): Promise<SseStream>;
  close(): Promise<void>;
}

export async function startStreamApp(db: Database, events: EventStreamOptions = {}): Promise<StreamApp> {
  const app = await buildApp({ db, events });
  app.addHook('onRequest', async (request) => {
    const scope = request.headers['x-test-scope'];
    if (typeof scope === 'string') request.principal = { scope };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const open: SseStream[] = [];
  return {
    app,
    url,
    async connect({ scope, lastEventId, query } = {}) {
      const headers: Record<string, string> = {};
      if (scope) headers['x-test-scope'] = scope;
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      const stream = await openSse(`${url}/api/stream${query ? `?${query}` : ''}`, headers);
      open.push(stream);
      return stream;
    },
    async close() {
      for (const s of open) s.close();
      await app.close();
    },
  };
}

/** An incident event payload of the shape the workflow will send. */
export function incidentPayload(code: string, gridCode: string, status = 'reported') {
  return {
    incident: {
      code, category: 'garbage', urgency: 'yellow', status,
      location: [113.13, 27.83], grid_code: gridCode, district_code: gridCode.slice(0, 6), reported_at: '2026-06-15T02:00:00.000Z',
    },
  };
}

/** Records one event in its own transaction, as a workflow change would; returns its id and when the transaction started and ended. */
export async function writeEvent(db: Database, type: EventType, scope: string, payload: Record<string, unknown> = incidentPayload('SJ20260615000001', scope.padEnd(15, '1'))) {
  const startedAt = performance.now();
  const id = await db.transaction((tx) => recordEvent(tx, { type, scope, payload }));
  return { id, startedAt, committedAt: performance.now() };
}

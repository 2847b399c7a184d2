import { buildApp, type App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import type { EventType } from '../../server/events/event-scope.js';
import type { EventStreamOptions } from '../../server/plugins/event-stream-plugin.js';
import { recordEvent } from '../../server/repositories/event-log-repository.js';
import { createTokenRepository } from '../../server/repositories/token-repository.js';
import { openSse, type SseStream } from './sse-client.js';

/**
 * A real app listening on a free port, for streaming tests. Each connection
 * authenticates with a real viewer API token scoped to the region asked for.
 */
export interface StreamApp {
  app: App;
  url: string;
  /** Opens /api/stream as the given region (undefined = the whole city). */
  connect(options?: { scope?: string; lastEventId?: string; query?: string }): Promise<SseStream>;
  /** A real viewer API token for a scope (undefined = the whole city). */
  token(scope?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startStreamApp(db: Database, events: EventStreamOptions = {}): Promise<StreamApp> {
  const app = await buildApp({ db, events });
  const tokens = createTokenRepository(db);
  const [owner] = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, role, password_hash)
     VALUES ('stream-test-' || floor(random() * 1e9)::text, 'stream test', 'commander', 'scrypt$unusable')
     RETURNING id`,
  );
  const tokenFor = new Map<string, string>();
  /** A viewer token for a scope; the city code means the whole city (scope NULL). */
  async function token(scope: string | undefined): Promise<string> {
    const key = scope ?? '';
    if (!tokenFor.has(key)) {
      const wholeCity = !scope || /^\d{4}00$/.test(scope);
      const created = await tokens.insert({
        name: `stream ${key}`,
        role: 'viewer',
        scope: wholeCity ? null : scope,
        unit: null,
        createdBy: owner!.id,
        expiresAt: null,
      });
      tokenFor.set(key, created.token);
    }
    return tokenFor.get(key)!;
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const open: SseStream[] = [];
  return {
    app,
    url,
    token,
    async connect({ scope, lastEventId, query } = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${await token(scope)}` };
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
      code,
      category: 'garbage',
      urgency: 'yellow',
      status,
      location: [113.13, 27.83],
      grid_code: gridCode,
      district_code: gridCode.slice(0, 6),
      reported_at: '2026-06-15T02:00:00.000Z',
    },
  };
}

/** Records one event in its own transaction, as a workflow change would; returns its id and when the transaction started and ended. */
export async function writeEvent(
  db: Database,
  type: EventType,
  scope: string,
  payload: Record<string, unknown> = incidentPayload('SJ20260615000001', scope.padEnd(15, '1')),
) {
  const startedAt = performance.now();
  const id = await db.transaction((tx) => recordEvent(tx, { type, scope, payload }));
  return { id, startedAt, committedAt: performance.now() };
}

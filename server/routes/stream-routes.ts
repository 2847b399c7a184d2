import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { reconnectingFrame, resetFrame, type StreamEvent } from '../events/event-hub.js';
import { scopeFilter } from '../events/event-scope.js';
import { openSseConnection } from '../events/sse-connection.js';
import { errorResponses } from '../contract/common-schemas.js';

const EventId = Type.String({ pattern: '^[0-9]{1,15}$', description: 'id of the last event received' });

/**
 * GET /api/stream: live events as Server-Sent Events, limited to the
 * caller's region. A client that reconnects with the id of the last event it
 * received (the Last-Event-ID header, which EventSource sends by itself, or
 * `lastEventId` after a page reload) first gets every event it missed, then
 * the live stream, with nothing lost or repeated in between; if it missed
 * too much it gets a `reset` event, meaning "reload your data".
 */
const streamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stream',
    {
      schema: {
        operationId: 'streamEvents',
        tags: ['stream'],
        summary: 'Live incident and directive events (text/event-stream)',
        description:
          'Events: incident.created, incident.status_changed, incident.escalated, incident.overdue, incident.urged, incident.checked, directive.created, directive.answered; ' +
          "each `data` is JSON `{id, type, at, ...payload}`; a status change's `incident` also says what it was (`previous_status`, `previous_urgency`). `reset` (data `{}`) asks the client to reload its state. " +
          'Comments (`: ping`) are heartbeats. While the database is unavailable the stream stays open and says `reconnecting` ' +
          '(data `{"code":"database_unavailable"}`, with a `retry` hint); once it is back, the missed events follow, then `resumed`.',
        querystring: Type.Object({ lastEventId: Type.Optional(EventId) }, { additionalProperties: false }),
        headers: Type.Object({ 'last-event-id': Type.Optional(EventId) }),
        produces: ['text/event-stream'],
        response: {
          200: Type.String({ description: 'An endless stream of `retry:`, `id:`, `event:` and `data:` lines (Server-Sent Events)' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const hub = app.events;
      const filter = scopeFilter(request.principal?.scope);
      // The header is newer than a query parameter saved by the page.
      const raw = request.headers['last-event-id'] ?? request.query.lastEventId;
      const after = raw === undefined ? undefined : Number(raw);

      reply.hijack();
      const conn = openSseConnection(reply.raw, hub.settings, () => request.log.warn({ scope: filter }, 'event stream client too slow; disconnected'));

      // Subscribe before reading the replay, buffering live events meanwhile:
      // an event committed during the replay query is then either in the
      // replay or in the buffer (or both; ids sort that out).
      let buffer: StreamEvent[] | null = after === undefined ? null : [];
      let sentUpTo = 0;
      const deliver = (event: StreamEvent) => {
        if (event.id <= sentUpTo) return;
        sentUpTo = event.id;
        conn.write(event.frame);
      };
      const unsubscribe = hub.subscribe(
        filter,
        (event) => {
          if (!buffer) return deliver(event);
          buffer.push(event);
          if (buffer.length > hub.settings.maxQueueEvents) conn.end();
        },
        () => conn.end(),
        (frame) => conn.write(frame),
      );
      const startedAt = hub.position;
      const heartbeat = setInterval(() => conn.write(': ping\n\n'), hub.settings.heartbeatMs);
      reply.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });

      if (after === undefined) {
        // An id without data sets EventSource's lastEventId, so even a client
        // that has seen no event yet can resume from here.
        sentUpTo = startedAt;
        conn.write(`retry: ${hub.settings.retryMs}\nid: ${startedAt}\n\n`);
        return;
      }
      conn.write(`retry: ${hub.settings.retryMs}\n\n`);
      try {
        const replay = await hub.replay(after, filter);
        if ('reset' in replay) {
          sentUpTo = startedAt;
          conn.write(resetFrame(startedAt));
        } else {
          sentUpTo = after;
          replay.events.forEach(deliver);
        }
        const buffered = buffer ?? [];
        buffer = null;
        buffered.forEach(deliver);
      } catch (err) {
        // Headers are sent; all that can be done is to end the stream and let
        // the client retry with the same Last-Event-ID.
        if (isDatabaseUnavailable(err)) {
          request.log.warn({ reason: (err as Error).message }, 'event stream replay: database unavailable');
          conn.write(reconnectingFrame(hub.settings.retryMs));
        } else {
          request.log.error({ err }, 'event stream replay failed');
        }
        conn.end();
      }
    },
  );
};

export default streamRoutes;

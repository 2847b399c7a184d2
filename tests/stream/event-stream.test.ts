import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../server/repositories/event-log-repository.js';
import { json } from '../helpers/seeded-app.js';
import { payloadOf, type SseStream } from '../helpers/sse-client.js';
import { incidentPayload, startStreamApp, writeEvent, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const GRID_A = '430202001001001';
const REPLAY_LIMIT = 20;

let t: TestDatabase;
let s: StreamApp;

beforeAll(async () => {
  t = await createTestDatabase();
  s = await startStreamApp(t.db, { replayLimit: REPLAY_LIMIT, heartbeatMs: 250 });
});

afterAll(async () => {
  await s?.close();
  await t?.dispose();
});

/** Receives messages until one with `id`; returns the ids received (resets included as 'reset'). */
async function idsUntil(stream: SseStream, lastId: number, timeoutMs = 20_000): Promise<(number | 'reset')[]> {
  const ids: (number | 'reset')[] = [];
  for (;;) {
    const m = await stream.next(timeoutMs);
    if (m.event === 'reset') {
      ids.push('reset');
      continue;
    }
    const id = payloadOf(m).id;
    ids.push(id);
    if (id >= lastId) return ids;
  }
}

describe(`GET /api/stream on ${BACKEND}`, () => {
  it('opens an event stream with a retry hint and a resume id, and delivers every committed event live', async () => {
    const stream = await s.connect();
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    await stream.waitFor((x) => x.retry !== undefined, 20_000, 'the retry hint');
    expect(stream.retry).toBe(3_000);
    expect(stream.lastEventId).toBe(String(s.app.events.position));

    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const payload = incidentPayload(`SJ2026061500${String(i).padStart(4, '0')}`, GRID_A, 'dispatched');
      const { id, startedAt } = await writeEvent(t.db, 'incident.status_changed', GRID_A, {
        ...payload,
        incident: { ...payload.incident, previous_status: 'filed' },
      });
      const m = await stream.next(20_000);
      latencies.push(m.receivedAt - startedAt);
      expect(m.event).toBe('incident.status_changed');
      expect(m.lastEventId).toBe(String(id));
      const data = payloadOf(m);
      expect(Object.keys(data).slice(0, 3)).toEqual(['id', 'type', 'at']);
      expect(data).toMatchObject({
        id,
        type: 'incident.status_changed',
        incident: { code: payload.incident.code, status: 'dispatched', previous_status: 'filed', location: [113.13, 27.83] },
      });
      expect(Date.now() - Date.parse(data.at)).toBeLessThan(10_000);
    }
    latencies.sort((a, b) => a - b);
    // Measured from the start of the writing transaction (its commit is not
    // observable more precisely from outside), so this is an upper bound.
    console.log(`[stream latency on ${BACKEND}] write → client: median ${latencies[10]!.toFixed(1)} ms, max ${latencies[19]!.toFixed(1)} ms`);
    stream.close();
  });

  it('delivers nothing for a rolled-back transaction', async () => {
    const stream = await s.connect();
    await stream.waitFor((x) => x.retry !== undefined);
    const failed = await t.db
      .transaction(async (tx) => {
        await recordEvent(tx, { type: 'incident.created', scope: GRID_A, payload: incidentPayload('SJ20260615999999', GRID_A) });
        throw new Error('the write it announced failed');
      })
      .catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    const marker = await writeEvent(t.db, 'incident.overdue', GRID_A);
    const m = await stream.next(20_000);
    expect(payloadOf(m).id).toBe(marker.id);
    expect(await t.db.query("SELECT 1 FROM event_log WHERE payload #>> '{incident,code}' = 'SJ20260615999999'")).toEqual([]);
    stream.close();
  });

  it('replays exactly the missed events to a client reconnecting with Last-Event-ID, even while events keep coming', async () => {
    const first = await s.connect();
    const seen = await writeEvent(t.db, 'incident.created', GRID_A);
    await first.next(20_000);
    const lastEventId = first.lastEventId;
    expect(lastEventId).toBe(String(seen.id));
    first.close();

    for (let i = 0; i < 8; i++) await writeEvent(t.db, 'incident.created', GRID_A);
    // Keep writing while the client reconnects, so that events land during
    // its replay query and its switch to live delivery.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 10 && writing; i++) await writeEvent(t.db, 'incident.escalated', GRID_A);
    })();
    const again = await s.connect({ lastEventId });
    await writer;
    writing = false;
    const final = await writeEvent(t.db, 'incident.overdue', GRID_A);

    const expected = (await t.db.query<{ id: number }>('SELECT id FROM event_log WHERE id > $1 ORDER BY id', [Number(lastEventId)])).map((r) => Number(r.id));
    expect(expected).toHaveLength(8 + 10 + 1);
    const received = await idsUntil(again, final.id);
    expect(received).toEqual(expected);
    again.close();
  });

  it('accepts the last event id as a query parameter (page reload), the header winning when both are sent', async () => {
    const { id: base } = await writeEvent(t.db, 'incident.created', GRID_A);
    const { id: next } = await writeEvent(t.db, 'incident.created', GRID_A);
    const byQuery = await s.connect({ query: `lastEventId=${base}` });
    expect(payloadOf(await byQuery.next()).id).toBe(next);
    const both = await s.connect({ query: `lastEventId=${base - 1}`, lastEventId: String(base) });
    expect(payloadOf(await both.next()).id).toBe(next);
    byQuery.close();
    both.close();
  });

  it('sends reset, then live events, to a client that missed more than can be replayed', async () => {
    const { id: last } = await writeEvent(t.db, 'incident.created', GRID_A);
    for (let i = 0; i < REPLAY_LIMIT + 1; i++) await writeEvent(t.db, 'incident.created', GRID_A);
    const stream = await s.connect({ lastEventId: String(last) });
    const reset = await stream.next();
    expect(reset).toMatchObject({ event: 'reset', data: '{}' });
    // The stream resumes where the hub stood when the client arrived: on
    // PostgreSQL the last notifications may still be in flight, so events
    // after that point follow live, every one of them, in order.
    const resumeAt = Number(reset.lastEventId);
    expect(resumeAt).toBeGreaterThanOrEqual(last);
    const live = await writeEvent(t.db, 'incident.overdue', GRID_A);
    const after = (await t.db.query<{ id: number }>('SELECT id FROM event_log WHERE id > $1 ORDER BY id', [resumeAt])).map((r) => Number(r.id));
    expect(await idsUntil(stream, live.id)).toEqual(after);
    stream.close();

    // Exactly the limit is still replayed.
    const { id: from } = await writeEvent(t.db, 'incident.created', GRID_A);
    for (let i = 0; i < REPLAY_LIMIT; i++) await writeEvent(t.db, 'incident.created', GRID_A);
    const replayed = await s.connect({ lastEventId: String(from) });
    expect(await idsUntil(replayed, from + REPLAY_LIMIT)).toHaveLength(REPLAY_LIMIT);
    replayed.close();
  });

  it('sends reset for an id from another database', async () => {
    const stream = await s.connect({ lastEventId: '999999999' });
    expect((await stream.next()).event).toBe('reset');
    stream.close();
  });

  it('refuses a malformed last event id with the one error shape', async () => {
    const header = await s.app.inject({ method: 'GET', url: '/api/stream', headers: { 'last-event-id': 'abc', authorization: `Bearer ${await s.token()}` } });
    expect(header.statusCode).toBe(400);
    expect(json(header).error.code).toBe('invalid_parameter');
    const query = await s.app.inject({ method: 'GET', url: '/api/stream?lastEventId=-1', headers: { authorization: `Bearer ${await s.token()}` } });
    expect(query.statusCode).toBe(400);
    expect(json(query).error).toMatchObject({ code: 'invalid_parameter', message: expect.stringMatching(/lastEventId/) });
  });

  it('sends heartbeat comments', async () => {
    const stream = await s.connect();
    await stream.waitFor((x) => x.comments.filter((c) => c === 'ping').length >= 2, 20_000, 'two heartbeats');
    stream.close();
  });
});

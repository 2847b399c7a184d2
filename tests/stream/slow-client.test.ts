import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf } from '../helpers/sse-client.js';
import { incidentPayload, startStreamApp, writeEvent, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const GRID = '430202001001001';
const EVENTS = 250;
/** Large events fill the kernel's socket buffers (several MiB on loopback) quickly. */
const PADDING = 'x'.repeat(48 * 1024);

let t: TestDatabase;
let s: StreamApp;
let slow: Socket | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  s = await startStreamApp(t.db, { maxQueueEvents: 50, maxQueueBytes: 512 * 1024 });
});

afterAll(async () => {
  slow?.destroy();
  await s?.close();
  await t?.dispose();
});

const waitUntil = async (check: () => boolean, what: string, timeoutMs = 60_000) => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe(`a client that stops reading, on ${BACKEND}`, () => {
  it('is disconnected once its queue overflows, without delaying anyone else', async () => {
    const normal = await s.connect();
    await normal.waitFor((x) => x.lastEventId !== '', 20_000, 'the resume id');

    // A raw TCP client that sends a request and never reads the answer.
    const { port } = new URL(s.url);
    slow = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => slow!.once('connect', resolve));
    slow.pause();
    slow.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${await s.token()}\r\n\r\n`);
    await waitUntil(() => s.app.events.subscriberCount === 2, 'the slow client to subscribe');

    const written: { id: number; startedAt: number }[] = [];
    let droppedAfter: number | undefined;
    for (let i = 0; i < EVENTS; i++) {
      written.push(
        await writeEvent(t.db, 'incident.created', GRID, { ...incidentPayload(`SJ2026061501${String(i).padStart(4, '0')}`, GRID), padding: PADDING }),
      );
      if (droppedAfter === undefined && s.app.events.subscriberCount === 1) droppedAfter = i + 1;
      // Writes arrive as HTTP requests, with I/O in between. Without a pause,
      // back-to-back PGlite calls (in-process, promise-only) would keep this
      // process's event loop from reading the normal client's socket at all.
      await new Promise((r) => setTimeout(r, 1));
    }
    await normal.waitFor((x) => x.messages.length >= EVENTS, 60_000, 'every event at the normal client');

    // The normal client got everything, in order, each promptly.
    expect(normal.messages.map((m) => payloadOf(m).id)).toEqual(written.map((w) => w.id));
    const latencies = normal.messages.map((m, i) => m.receivedAt - written[i]!.startedAt).sort((a, b) => a - b);
    const max = latencies[latencies.length - 1]!;
    console.log(
      `[slow client on ${BACKEND}] ${EVENTS} events of ~48 KiB; normal client latency median ${latencies[EVENTS >> 1]!.toFixed(1)} ms, ` +
        `max ${max.toFixed(1)} ms; slow client dropped after ${droppedAfter ?? 'the last'} events`,
    );
    expect(max).toBeLessThan(1_000);

    // The slow one was let go, and nothing of it is left in the hub.
    await waitUntil(() => s.app.events.subscriberCount === 1, 'the slow client to be dropped');
    expect(droppedAfter).toBeDefined();
  });
});

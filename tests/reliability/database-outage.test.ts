import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli-process.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres, type StopMode } from '../helpers/private-postgres.js';
import { signIn, startLoad, statusCounts, until, type Outcome } from '../helpers/report-load.js';
import { openSse, type SseStream } from '../helpers/sse-client.js';
import { BACKEND } from '../helpers/test-database.js';

/**
 * The real server (`gridscope serve`, a child process) on a PostgreSQL
 * server of this test's own, under a bounded load of reports, reads and two
 * event streams, while that PostgreSQL is stopped and started again: the
 * process lives on, every error meanwhile is a 503 in the one error shape
 * with Retry-After, it recovers by itself, no acknowledged report is lost,
 * and both streams deliver every event (one stays open through the outage,
 * one reconnects with Last-Event-ID). The shared TEST_DATABASE_URL cluster
 * is never touched.
 */
const skip = BACKEND !== 'postgres' ? 'needs the PostgreSQL run (TEST_DATABASE_URL)' : privatePostgresUnavailable();
if (skip) console.log(`[database outage test] skipped: ${skip}`);

const TAG = 'outage-test';
const FAULT_BOUND_MS = 60_000;

/** A stream client that closes on `reconnecting` and comes back with Last-Event-ID, retrying 503s after Retry-After. */
function resumingClient(url: string, headers: Record<string, string>) {
  const state = {
    ids: [] as number[],
    reconnects: 0,
    connectedAt: 0,
    firstId: undefined as number | undefined,
    refusals: [] as { status: number; retryAfter: string | null; code?: string }[],
    lastEventId: '',
    stopped: false,
  };
  let current: SseStream | undefined;
  const done = (async () => {
    while (!state.stopped) {
      const stream = await openSse(url, { ...headers, ...(state.lastEventId ? { 'last-event-id': state.lastEventId } : {}) }).catch(() => undefined);
      if (!stream || stream.response.status !== 200) {
        const res = stream?.response;
        const body = res ? ((await res.json().catch(() => ({}))) as { error?: { code?: string } }) : {};
        state.refusals.push({ status: res?.status ?? 0, retryAfter: res?.headers.get('retry-after') ?? null, code: body.error?.code });
        const waitMs = Math.min(Number(res?.headers.get('retry-after') ?? 1) * 1000, 5_000);
        await new Promise((r) => setTimeout(r, waitMs));
        continue;
      }
      current = stream;
      state.connectedAt = performance.now();
      let read = 0;
      const take = () => {
        for (; read < stream.messages.length; read++) {
          const m = stream.messages[read]!;
          if (/^\d+$/.test(m.lastEventId) && m.event !== 'reconnecting' && m.event !== 'resumed') state.ids.push(Number(JSON.parse(m.data).id));
        }
        if (stream.lastEventId) state.lastEventId = stream.lastEventId;
        state.firstId ??= state.lastEventId ? Number(state.lastEventId) : undefined;
        return stream.messages.some((m) => m.event === 'reconnecting') || state.stopped;
      };
      await Promise.race([stream.waitFor(take, 10 * 60_000).catch(() => undefined), stream.ended]);
      take();
      stream.close();
      if (!state.stopped) state.reconnects++;
    }
  })();
  return {
    state,
    async stop() {
      state.stopped = true;
      current?.close();
      await done;
    },
  };
}

describe.skipIf(skip)('the server outlives its PostgreSQL database', () => {
  let server: PrivatePostgres;
  let serve: CliRun;
  let sql: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    await server.createDatabase('gridscope');
    serve = runCli(['serve'], {
      DATABASE_URL: server.url('gridscope'),
      GRIDSCOPE_LANG: 'en', // the lines matched below are the English ones
      PORT: '0',
      GRIDSCOPE_DEMO_GRIDS: '30',
      GRIDSCOPE_DEMO_INCIDENTS: '200',
      GRIDSCOPE_DEMO_USERS: 'true',
      GRIDSCOPE_SWEEP_SECONDS: '1',
      LOG_LEVEL: 'warn',
    });
    await serve.waitFor(/ready in [\d.]+ s at (http:\/\/\S+\/)/, 240_000);
    // A fresh connection per query: the test's own view of the data must survive the restarts too.
    sql = async (text, params = []) => {
      const client = new pg.Client({ connectionString: server.url('gridscope') });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    };
  });

  afterAll(async () => {
    serve?.child.kill('SIGKILL');
    await server?.dispose();
  });

  it('answers 503 while PostgreSQL is down, recovers by itself, loses no acknowledged report and no event', async () => {
    const [, base] = serve.output().match(/ready in [\d.]+ s at (http:\/\/\S+\/)/)!;
    const headers = await signIn(base!, 'commander', 'gridscope-demo');
    const [spot] = await sql(`SELECT ST_X(p) lon, ST_Y(p) lat FROM (SELECT ST_PointOnSurface(boundary) p FROM grid ORDER BY code LIMIT 1) s`);
    const streamUrl = `${base}api/stream`;
    const live = await openSse(streamUrl, { cookie: headers.cookie! });
    await live.waitFor((s) => s.lastEventId !== '', 30_000, 'the first id of the stream');
    const liveFrom = Number(live.lastEventId);
    const resuming = resumingClient(streamUrl, { cookie: headers.cookie! });
    await until(() => resuming.state.firstId !== undefined, 30_000, 'the first id of the second stream');
    const load = startLoad({
      baseUrl: base!,
      headers,
      location: [Number(spot!.lon), Number(spot!.lat)],
      tag: TAG,
      reportsPerSecond: 10,
      reads: ['api/health', 'api/incidents?limit=5', 'api/stats/summary'],
      readsPerSecond: 6,
    });
    const faults: { how: string; outageMs: number; recoveryMs: number; errors: number }[] = [];
    const reportsOkAfter = (t: number) => load.outcomes.some((o) => o.what.startsWith('report') && o.status === 201 && o.startedAt >= t);
    const healthOkAfter = (t: number) => load.outcomes.some((o) => o.what === 'api/health' && o.status === 200 && o.startedAt >= t);
    const noticesOf = (event: string) => live.messages.filter((m) => m.event === event).length;

    try {
      await until(
        () => load.outcomes.filter((o) => o.status === 201).length >= 10,
        FAULT_BOUND_MS,
        () =>
          `ten reports before the first fault; got ${JSON.stringify(statusCounts(load.outcomes))}, e.g. ${JSON.stringify(load.outcomes.find((o) => o.status !== 201 && o.status !== 200))}; server said: ${serve.output().slice(-2000)}`,
      );
      // Stopped, held down until the server has visibly noticed, started again.
      for (const mode of ['immediate', 'fast'] as StopMode[]) {
        const down = performance.now();
        const reconnectingBefore = noticesOf('reconnecting');
        const resumedBefore = noticesOf('resumed');
        await server.stop(mode);
        const refusedBefore = resuming.state.refusals.length;
        // Down long enough for every kind of client to meet it: 20 refused requests, a
        // reconnecting notice on the open stream, a refused reconnection of the other.
        await until(
          () =>
            load.outcomes.filter((o) => o.status === 503 && o.startedAt >= down).length >= 20 &&
            noticesOf('reconnecting') > reconnectingBefore &&
            resuming.state.refusals.length > refusedBefore,
          FAULT_BOUND_MS,
          `503s, a reconnecting notice and a refused stream after stop -m ${mode}`,
        );
        await server.start();
        const back = performance.now();
        await until(
          () => reportsOkAfter(back) && healthOkAfter(back) && noticesOf('resumed') > resumedBefore && resuming.state.connectedAt > back,
          FAULT_BOUND_MS,
          `recovery after stop -m ${mode}`,
        );
        const firstOk = Math.min(...load.outcomes.filter((o) => o.status === 201 && o.startedAt >= back).map((o) => o.endedAt));
        faults.push({
          how: `stop -m ${mode}, start`,
          outageMs: back - down,
          recoveryMs: firstOk - back,
          errors: load.outcomes.filter((o) => o.status !== 200 && o.status !== 201 && o.startedAt >= down).length,
        });
      }
      // And the tester's case as it was: a plain restart under load.
      const before = performance.now();
      await server.restart('fast');
      const back = performance.now();
      await until(() => reportsOkAfter(back) && healthOkAfter(back), FAULT_BOUND_MS, 'recovery after restart -m fast');
      faults.push({
        how: 'restart -m fast',
        outageMs: back - before,
        recoveryMs: Math.min(...load.outcomes.filter((o) => o.status === 201 && o.startedAt >= back).map((o) => o.endedAt)) - back,
        errors: load.outcomes.filter((o) => o.status !== 200 && o.status !== 201 && o.startedAt >= before).length,
      });
      await until(() => load.outcomes.filter((o) => o.status === 201 && o.startedAt >= back).length >= 5, FAULT_BOUND_MS, 'five reports after the restart');
    } finally {
      await load.stop();
    }

    // Every event written, as the database has it; both streams catch up to the newest.
    const events = (await sql('SELECT id, payload #>> $2 AS code FROM event_log WHERE id > $1 ORDER BY id', [liveFrom, '{incident,code}'])).map((r) => ({
      id: Number(r.id),
      code: r.code as string | null,
    }));
    const newest = events.at(-1)!.id;
    await live.waitFor((s) => Number(s.lastEventId) >= newest, FAULT_BOUND_MS, 'the open stream to deliver the newest event');
    await until(() => Number(resuming.state.lastEventId) >= newest, FAULT_BOUND_MS, 'the reconnecting stream to deliver the newest event');
    await resuming.stop();
    live.close();

    // The process lived through it all, and no connection error escaped to the process.
    expect(serve.child.exitCode, serve.output()).toBeNull();
    expect(serve.output()).not.toMatch(/Unhandled 'error' event|escaped its handler|uncaught exception/);
    // The sweeper ran into the outage and carried on.
    expect(serve.output()).toMatch(/deadline sweep skipped: database unavailable/);

    // Every answer was a success or a 503 in the one error shape with Retry-After.
    const failures = load.outcomes.filter((o) => o.status !== 200 && o.status !== 201);
    const unexpected = failures.filter((o: Outcome) => o.status !== 503 || o.errorCode !== 'database_unavailable' || !o.retryAfter);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 5))).toEqual([]);

    // No acknowledged report is lost; each has its event.
    const acknowledged = load.outcomes.filter((o) => o.status === 201).map((o) => o.incidentCode!);
    const stored = new Set((await sql(`SELECT code FROM incident WHERE description LIKE $1`, [`${TAG} #%`])).map((r) => r.code as string));
    expect(acknowledged.filter((c) => !stored.has(c))).toEqual([]);
    const announced = new Set(events.map((e) => e.code));
    expect(acknowledged.filter((c) => !announced.has(c))).toEqual([]);

    // The open stream said reconnecting and resumed for each outage, and delivered every event once, in order.
    const liveIds = live.messages.filter((m) => m.event.startsWith('incident.') || m.event.startsWith('directive.')).map((m) => Number(JSON.parse(m.data).id));
    expect(liveIds).toEqual(events.map((e) => e.id));
    expect(noticesOf('reconnecting')).toBeGreaterThanOrEqual(2);
    expect(noticesOf('resumed')).toBeGreaterThanOrEqual(2);
    // The reconnecting one came back with Last-Event-ID and missed nothing either.
    expect(resuming.state.reconnects).toBeGreaterThanOrEqual(2);
    expect(resuming.state.ids).toEqual(events.filter((e) => e.id > resuming.state.firstId!).map((e) => e.id));
    expect(resuming.state.refusals.filter((r) => r.status !== 503 || r.code !== 'database_unavailable' || !r.retryAfter)).toEqual([]);

    const statuses = statusCounts(load.outcomes);
    console.log(
      `[database outage test] ${load.sent} reports sent, ${acknowledged.length} acknowledged, all ${acknowledged.length} present ` +
        `(${stored.size} stored in all: ${stored.size - acknowledged.length} committed but not acknowledged); statuses ${JSON.stringify(statuses)}; ` +
        `${events.length} events, each delivered once to both streams; resuming stream reconnected ${resuming.state.reconnects}x, refused ${resuming.state.refusals.length}x; ` +
        faults
          .map(
            (f) =>
              `${f.how}: down ${(f.outageMs / 1000).toFixed(1)} s, ${f.errors} errors, first acknowledged report ${(f.recoveryMs / 1000).toFixed(2)} s after the database was back`,
          )
          .join('; '),
    );
  });
});

import pg from 'pg';
import { assertChannelName } from './database.js';

/**
 * LISTEN on PostgreSQL needs a session of its own: a pooled connection goes
 * back to the pool and its LISTEN with it. This keeps one dedicated
 * connection per process for all channels, opened on the first listen(), and
 * re-opens it with exponential backoff when it drops (server restart,
 * failover, an idle connection cut by a firewall). After a re-open every
 * listener is called with `null`, since notifications sent while the
 * connection was down are lost for good.
 */
export interface PgListener {
  listen(channel: string, onNotify: (payload: string | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PgListenerOptions {
  connectionString: string;
  /** First and longest wait between reconnection attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told about lost connections and failed attempts; never throws. */
  onError?: (err: Error) => void;
  /**
   * Told how each (re)connection attempt went: the losing of a connection
   * alone says little (one backend may have been terminated), a failed
   * attempt to get it back says the server is unreachable.
   */
  onAttempt?: (ok: boolean, err?: unknown) => void;
}

/** Lets a database administrator tell this connection apart in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'gridscope-listener';

export function createPgListener(options: PgListenerOptions): PgListener {
  // Capped at 2 s so that the stream is live again within seconds of the database's return.
  const { minBackoffMs = 250, maxBackoffMs = 2_000, onError = () => undefined, onAttempt = () => undefined } = options;
  const channels = new Map<string, Set<(payload: string | null) => void>>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoff = minBackoffMs;
  let closed = false;
  // Connections that ended: one can end after open() resolved but before it
  // became `client`, and must then never be taken as the live connection.
  const ended = new WeakSet<pg.Client>();

  const notifyAll = (channel: string, payload: string | null) => {
    for (const cb of channels.get(channel) ?? []) cb(payload);
  };

  async function open(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: options.connectionString, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    c.on('notification', (msg) => notifyAll(msg.channel, msg.payload ?? ''));
    // 'error' and 'end' both mean this connection is finished; react once.
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      ended.add(c);
      if (client === c) client = null;
      c.end().catch(() => undefined);
      if (!closed) {
        onError(err ?? new Error('listening connection ended'));
        scheduleReconnect();
      }
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    try {
      await c.connect();
      for (const channel of channels.keys()) await c.query(`LISTEN ${channel}`);
    } catch (err) {
      lost = true;
      c.end().catch(() => undefined);
      onAttempt(false, err);
      throw err;
    }
    onAttempt(true);
    return c;
  }

  /** The live connection, opening it if needed; concurrent callers share one attempt. */
  function connection(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= open().then(
      (c) => {
        connecting = null;
        if (closed) {
          void c.end().catch(() => undefined);
          throw new Error('listener closed');
        }
        // Cut between connecting and here: its own loss handler has already scheduled the next attempt.
        if (ended.has(c)) throw new Error('listening connection ended while it was being opened');
        client = c;
        backoff = minBackoffMs;
        return c;
      },
      (err: unknown) => {
        connecting = null;
        throw err;
      },
    );
    return connecting;
  }

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connection().then(
        () => {
          for (const channel of channels.keys()) notifyAll(channel, null);
        },
        (err: unknown) => {
          onError(err instanceof Error ? err : new Error(String(err)));
          backoff = Math.min(backoff * 2, maxBackoffMs);
          scheduleReconnect();
        },
      );
    }, backoff);
  }

  return {
    async listen(channel, onNotify) {
      assertChannelName(channel);
      if (closed) throw new Error('listener closed');
      let set = channels.get(channel);
      const first = !set;
      if (!set) {
        set = new Set();
        channels.set(channel, set);
      }
      set.add(onNotify);
      try {
        // A first connection that fails is the caller's error (the server
        // should not start deaf); later losses are retried in the background.
        const c = await connection();
        if (first) await c.query(`LISTEN ${channel}`);
      } catch (err) {
        set.delete(onNotify);
        if (set.size === 0) channels.delete(channel);
        throw err;
      }
      return async () => {
        set.delete(onNotify);
        if (set.size === 0 && channels.get(channel) === set) {
          channels.delete(channel);
          await client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      channels.clear();
      const c = client ?? (await connecting?.catch(() => null));
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

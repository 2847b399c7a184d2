/**
 * A bounded load of real HTTP requests for fault tests: incident reports
 * (POST /api/incidents) at a steady rate, and reads alongside, each outcome
 * recorded for the assertions (status, error code, Retry-After, when).
 */
export interface Outcome {
  /** What was asked: `report #n`, or the path of a read. */
  what: string;
  /** HTTP status, or 0 when no answer came (connection refused or reset). */
  status: number;
  /** The incident code of an acknowledged (2xx) report. */
  incidentCode?: string;
  /** `error.code` of an error answer in the one error shape, if it had that shape. */
  errorCode?: string;
  retryAfter: string | null;
  startedAt: number;
  endedAt: number;
  /** The network error, when status is 0. */
  failure?: string;
}

export interface LoadOptions {
  baseUrl: string;
  /** Headers of a signed-in writer (cookie + CSRF token). */
  headers: Record<string, string>;
  /** Where reports are placed: a point inside a grid. */
  location: [number, number];
  /** Put into each report's description, `${tag} #${n}`, to find them afterwards. */
  tag: string;
  reportsPerSecond: number;
  /** Paths read in turn, one every 1000 / readsPerSecond ms. */
  reads: string[];
  readsPerSecond: number;
  /** Requests of each kind allowed in flight at once: the load stays bounded if the server stalls. */
  maxInFlight?: number;
}

export interface Load {
  outcomes: Outcome[];
  /** Reports sent so far. */
  readonly sent: number;
  /** Stops sending and resolves once every request in flight has its outcome. */
  stop(): Promise<void>;
}

export async function signIn(baseUrl: string, username: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${baseUrl}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('gs_session='))!
    .split(';')[0]!;
  const { csrf_token: csrf } = (await res.json()) as { csrf_token: string };
  return { cookie, 'x-csrf-token': csrf };
}

async function send(what: string, url: string, init: RequestInit): Promise<Outcome> {
  const startedAt = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    let body: { error?: { code?: unknown; message?: unknown }; incident?: { properties?: { code?: string } } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a GeoJSON read is JSON too; anything else stays unparsed).
    }
    const shaped = body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string';
    return {
      what,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      startedAt,
      endedAt: performance.now(),
      ...(res.ok && body.incident?.properties?.code ? { incidentCode: body.incident.properties.code } : {}),
      ...(shaped ? { errorCode: body.error!.code as string } : {}),
    };
  } catch (err) {
    return { what, status: 0, retryAfter: null, startedAt, endedAt: performance.now(), failure: String((err as Error).cause ?? err) };
  }
}

export function startLoad(o: LoadOptions): Load {
  const outcomes: Outcome[] = [];
  const pending = new Set<Promise<void>>();
  const maxInFlight = o.maxInFlight ?? 8;
  let reportsInFlight = 0;
  let readsInFlight = 0;
  let sent = 0;
  let readIndex = 0;
  const track = (p: Promise<Outcome>, done: () => void) => {
    const tracked = p.then((outcome) => {
      outcomes.push(outcome);
      done();
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };
  const reportTimer = setInterval(() => {
    if (reportsInFlight >= maxInFlight) return;
    const n = ++sent;
    reportsInFlight++;
    track(
      send(`report #${n}`, `${o.baseUrl}api/incidents`, {
        method: 'POST',
        headers: { ...o.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'uncollected_garbage', urgency: 'yellow', description: `${o.tag} #${n}`, location: o.location }),
      }),
      () => reportsInFlight--,
    );
  }, 1000 / o.reportsPerSecond);
  const readTimer = setInterval(() => {
    if (readsInFlight >= maxInFlight || o.reads.length === 0) return;
    const path = o.reads[readIndex++ % o.reads.length]!;
    readsInFlight++;
    track(send(path, `${o.baseUrl}${path}`, { headers: { cookie: o.headers.cookie! } }), () => readsInFlight--);
  }, 1000 / o.readsPerSecond);
  return {
    outcomes,
    get sent() {
      return sent;
    },
    async stop() {
      clearInterval(reportTimer);
      clearInterval(readTimer);
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

/** Resolves once `condition` holds, checking every 50 ms; rejects after `timeoutMs` saying what was awaited (and what was seen). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many outcomes of each status, e.g. {"201": 40, "503": 12}, for messages and figures. */
export function statusCounts(outcomes: Outcome[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

import { loginUrl } from '../shared/session.js';
import { startWallAuth, type WallAuth } from './token-session.js';

/** An API answer other than 2xx, with the server's error code when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined | null>;

/**
 * The wall's only way to the server. A wall started with a token first trades
 * it for a session cookie (token-session.ts); until that is settled every
 * request waits (`ready()`). Only if the exchange failed do requests and the
 * event stream carry `access_token`, because an EventSource cannot send an
 * Authorization header.
 */
export class ApiClient {
  private auth: WallAuth = { kind: 'none' };
  private readonly settled: Promise<void>;

  constructor(private readonly token?: string, private readonly origin = location.origin) {
    this.settled = startWallAuth(token).then((auth) => {
      this.auth = auth;
    });
  }

  /** Resolves once the wall knows how it authenticates; `url()` is meant for after that. */
  ready(): Promise<void> {
    return this.settled;
  }

  url(path: string, query: Query = {}): string {
    const u = new URL(path, this.origin);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    if (this.auth.kind === 'token') u.searchParams.set('access_token', this.auth.token);
    return u.toString();
  }

  /** `onHeaders` sees a successful answer's headers (the summary's Event-Position, say). */
  async get<T>(path: string, query: Query = {}, signal?: AbortSignal, onHeaders?: (headers: Headers) => void): Promise<T> {
    await this.settled;
    const res = await fetch(this.url(path, query), { signal, headers: { accept: 'application/json' } });
    if (res.status === 401 && !this.token) {
      // Not signed in, and the site does not allow anonymous reading: go and sign in, then come back.
      // (A wall started with a token stays and shows the error: its token was revoked.)
      location.assign(loginUrl());
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `${path}: HTTP ${res.status}`);
    }
    onHeaders?.(res.headers);
    return (await res.json()) as T;
  }
}

import { loginUrl } from '../shared/session.js';

/** An API answer other than 2xx, with the server's error code when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined | null>;

/**
 * The wall's only way to the server. With a token (from the page's own URL)
 * every request and the event stream carry `access_token`, because an
 * EventSource cannot send an Authorization header.
 */
export class ApiClient {
  constructor(private readonly token?: string, private readonly origin = location.origin) {}

  url(path: string, query: Query = {}): string {
    const u = new URL(path, this.origin);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    if (this.token) u.searchParams.set('access_token', this.token);
    return u.toString();
  }

  async get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
    const res = await fetch(this.url(path, query), { signal, headers: { accept: 'application/json' } });
    if (res.status === 401 && !this.token) {
      // Not signed in, and the site does not allow anonymous reading: go and sign in, then come back.
      location.assign(loginUrl());
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `${path}: HTTP ${res.status}`);
    }
    return (await res.json()) as T;
  }
}

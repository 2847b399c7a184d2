import type { ErrorResponse } from '../../server/contract/common-schemas.js';

/**
 * The browser's one way to the API: every page's requests go through
 * `apiRequest` (the wall's ApiClient adds its token exchange on top). It
 * sends the page's language, the CSRF token with writes, an abort signal,
 * and turns the one error shape {"error": {"code", "message"}} into ApiError.
 */

/** An API refusal, carrying the server's {"error": {"code", "message"}} (400 messages start with the field name). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before trying again (429 too many attempts, 503 database unavailable), when the server said. */
    readonly retryAfter: string | null = null,
    /** The whole error answer, for fields beside `error` (e.g. a refused step's `acted`). */
    readonly body: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  /** The session's CSRF token: sent with every write, as the server requires for cookie sessions. */
  csrf?: string | null;
  /** JSON body. */
  body?: unknown;
  /** Query parameters; empty, null and undefined values are left out. */
  query?: Query;
  /** Aborts the request (a newer view replaced it, or the page went away). */
  signal?: AbortSignal;
  /**
   * An API token sent as `access_token` in the URL: only for a wall whose
   * token could not become a session (an EventSource cannot send headers).
   */
  accessToken?: string;
  /** On 401: 'login' (the default) sends the browser to sign in and throws; 'throw' only throws. */
  unauthorized?: 'login' | 'throw';
  /** Further request headers (the field app's Idempotency-Key). */
  headers?: Record<string, string>;
  /** Sees a successful answer's headers (the summary's Event-Position, say). */
  onHeaders?: (headers: Headers) => void;
  /** The answer to this very request, asked for already (a page's inline script starts it before the modules load). */
  sent?: Promise<Response>;
}

/** The login page, coming back to `next` (this page) once signed in. */
export function loginUrl(next = location.pathname + location.search): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

/** The URL of an API path with its query (and access token when one is given). */
export function apiUrl(path: string, query: Query = {}, accessToken?: string, origin = location.origin): string {
  const url = new URL(path, origin);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  if (accessToken) url.searchParams.set('access_token', accessToken);
  return url.toString();
}

/**
 * One JSON request to the API. A 401 means the session has ended (or never
 * began), so unless told otherwise the browser is sent to the login page and
 * the call throws.
 */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  // The server words its errors in the page's language (server/errors/messages.ts); codes stay the same.
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json', 'accept-language': pageLanguage() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && options.csrf) headers['x-csrf-token'] = options.csrf;
  const res = await (options.sent ??
    fetch(apiUrl(path, options.query, options.accessToken), {
      method,
      headers,
      signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }));
  const body = res.status === 204 ? null : ((await res.json().catch(() => null)) as Partial<ErrorResponse> | null);
  if (res.status === 401 && (options.unauthorized ?? 'login') === 'login') location.assign(loginUrl());
  if (!res.ok) {
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'http_error',
      body?.error?.message ?? `${path}: HTTP ${res.status}`,
      res.headers.get('retry-after'),
      body as Record<string, unknown> | null,
    );
  }
  options.onHeaders?.(res.headers);
  return body as T;
}

/** The page's language as the pages set it on <html lang>: 'en' or 'zh' (the default). */
export function pageLanguage(): 'en' | 'zh' {
  return document.documentElement.lang.startsWith('en') ? 'en' : 'zh';
}

/** The message to show for any failure: the server's words for API errors. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

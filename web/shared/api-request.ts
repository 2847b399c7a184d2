import { loginUrl } from './session.js';

/** An API refusal, carrying the server's {"error": {"code", "message"}} (400 messages start with the field name). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  /** The session's CSRF token: sent with every write, as the server requires for cookie sessions. */
  csrf?: string | null;
  /** JSON body. */
  body?: unknown;
  /** Query parameters; empty and undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Aborts the request (a page's data controller drops what its host no longer needs). */
  signal?: AbortSignal;
}

/**
 * One JSON request to the API from a signed-in page. A 401 means the session
 * has ended, so the browser is sent to the login page (and the call throws).
 */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  // The server words its errors in the page's language (server/errors/messages.ts); codes stay the same.
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': pageLanguage() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && options.csrf) headers['x-csrf-token'] = options.csrf;
  const res = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: options.signal });
  const body = res.status === 204 ? null : ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null);
  if (res.status === 401) location.assign(loginUrl());
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
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

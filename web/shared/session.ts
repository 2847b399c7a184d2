/**
 * Who is signed in, for every page: GET /api/auth/me, and the way to the
 * login page when nobody is (and anonymous reading is off).
 */
export interface Me {
  principal: {
    kind: 'user' | 'token' | 'anonymous';
    /** The user's or token's id; null when anonymous. */
    id: number | null;
    display_name: string;
    role: string;
    role_name: { zh: string; en: string };
    scope: { code: string | null; name: string; level: string };
    unit: string | null;
  };
  csrf_token: string | null;
  /** "METHOD /api/path" of every route this principal may call. */
  allowed: string[];
}

export function loginUrl(next = location.pathname + location.search): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

/** The caller, or null after sending the browser to the login page. */
export async function currentUser(): Promise<Me | null> {
  const res = await fetch('/api/auth/me', { headers: { accept: 'application/json' } });
  if (res.status === 401) {
    location.assign(loginUrl());
    return null;
  }
  if (!res.ok) throw new Error(`/api/auth/me: HTTP ${res.status}`);
  return (await res.json()) as Me;
}

export async function logout(csrf: string | null): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: csrf ? { 'x-csrf-token': csrf } : {} });
  location.assign('/login');
}

/** Only same-site paths are followed after login, never another origin. */
export function safeNext(raw: string | null): string {
  return raw && raw.startsWith('/') && !raw.startsWith('//') ? raw : '/';
}

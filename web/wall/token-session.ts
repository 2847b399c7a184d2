declare global {
  interface Window {
    /** The HTTP status of the token exchange wall.html's head started (0 = no answer), when the URL had a token. */
    gridscopeTokenSession?: Promise<number>;
  }
}

/** How the wall authenticates after its first load. */
export type WallAuth =
  /** The token became a session cookie bound to it, and left the URL. */
  | { kind: 'session' }
  /** The exchange failed (the server is unreachable, or older): the token goes with every request, as before. */
  | { kind: 'token'; token: string }
  /** No token in the URL: the browser's own sign-in, or anonymous reading. */
  | { kind: 'none' };

/**
 * Trades the wall's token (from /wall?token=gst_…) for a session cookie
 * bound to it (POST /api/auth/token-session, token in the Authorization
 * header), then removes `token` from the address bar and the history entry
 * with `history.replaceState`: later reloads and every request carry only
 * the cookie, so the token stops appearing in URLs, logs and screenshots of
 * the browser. wall.html's head starts the exchange before any module loads;
 * this finishes it. Revoking the token ends the session.
 */
export async function startWallAuth(token: string | undefined): Promise<WallAuth> {
  if (!token) return { kind: 'none' };
  const status = await (window.gridscopeTokenSession ??
    fetch('/api/auth/token-session', { method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).then(
      (r) => r.status,
      () => 0,
    ));
  if (status !== 200) return { kind: 'token', token };
  const url = new URL(location.href);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  return { kind: 'session' };
}

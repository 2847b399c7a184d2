import { apiRequest, apiUrl, type Query } from '../shared/api-request.js';
import { startWallAuth, type WallAuth } from './token-session.js';

export type { Query };

/**
 * The wall's way to the server, over the one API client (shared/api-request.ts).
 * A wall started with a token first trades it for a session cookie
 * (token-session.ts); until that is settled every request waits (`ready()`).
 * Only if the exchange failed do requests and the event stream carry
 * `access_token`, because an EventSource cannot send an Authorization header.
 */
export class ApiClient {
  private auth: WallAuth = { kind: 'none' };
  private readonly settled: Promise<void>;

  constructor(
    private readonly token?: string,
    private readonly origin = location.origin,
  ) {
    this.settled = startWallAuth(token).then((auth) => {
      this.auth = auth;
    });
  }

  /** Resolves once the wall knows how it authenticates; `url()` is meant for after that. */
  ready(): Promise<void> {
    return this.settled;
  }

  url(path: string, query: Query = {}): string {
    return apiUrl(path, query, this.accessToken(), this.origin);
  }

  /** `onHeaders` sees a successful answer's headers (the summary's Event-Position, say). */
  async get<T>(path: string, query: Query = {}, signal?: AbortSignal, onHeaders?: (headers: Headers) => void): Promise<T> {
    await this.settled;
    return apiRequest<T>('GET', path, {
      query,
      signal,
      accessToken: this.accessToken(),
      // Not signed in, and the site does not allow anonymous reading: go and sign in, then come back.
      // A wall started with a token stays and shows the error instead: its token was revoked.
      unauthorized: this.token ? 'throw' : 'login',
      onHeaders,
    });
  }

  private accessToken(): string | undefined {
    return this.auth.kind === 'token' ? this.auth.token : undefined;
  }
}

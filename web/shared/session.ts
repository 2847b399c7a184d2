import type { Static } from 'typebox';
import type { Json } from '../../server/contract/common-schemas.js';
import type { MeSchema } from '../../server/contract/identity-schemas.js';
import { ApiError, apiRequest, loginUrl } from './api-request.js';

/**
 * Who is signed in, for every page: GET /api/auth/me, and the way to the
 * login page when nobody is (and anonymous reading is off).
 */
export type Me = Json<Static<typeof MeSchema>>;

export { loginUrl };

/** The caller, or null after sending the browser to the login page. */
export async function currentUser(): Promise<Me | null> {
  try {
    return await apiRequest<Me>('GET', '/api/auth/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** The name of the caller's scope in the page's language: English where the region table has it (grids have none). */
export function scopeName(me: Me, lang: 'zh' | 'en'): string {
  const scope = me.principal.scope;
  return (lang === 'en' && scope.name_en) || scope.name;
}

export async function logout(csrf: string | null): Promise<void> {
  // Whatever the answer (a session already ended is fine), the next stop is the login page.
  await apiRequest('POST', '/api/auth/logout', { csrf, unauthorized: 'throw' }).catch(() => undefined);
  location.assign('/login');
}

/** Only same-site paths are followed after login, never another origin. */
export function safeNext(raw: string | null): string {
  return raw && raw.startsWith('/') && !raw.startsWith('//') ? raw : '/';
}

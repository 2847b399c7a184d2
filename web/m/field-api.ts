import { ApiError, apiRequest } from '../shared/api-request.js';
import type { Me } from '../shared/session.js';
import { OPEN_STATUSES } from '../../server/contract/vocabulary.js';
import type { AreaOutline } from './area-outlines.js';
import type { GridFeature } from './point-in-grid.js';

/**
 * What the phone asks of the API, and what it keeps for when there is no
 * network: who is signed in and the boundaries of their grids (localStorage;
 * small, and needed before anything else can be shown).
 */
const ME_KEY = 'gs-field-me';
const GRIDS_KEY = 'gs-field-grids';
const OUTLINES_KEY = 'gs-field-outlines';
const COMMUNITY_KEY = 'gs-field-community';

export type Session = { me: Me; online: boolean; expired: boolean };

declare global {
  interface Window {
    /** The first requests, started by m.html's inline script before the modules load. */
    gsFieldEarly?: { me?: Promise<Response>; grids?: Promise<Response> };
  }
}

/** The answer m.html asked for early, taken once: a later boot (back online) asks anew. */
function early(name: 'me' | 'grids'): Promise<Response> | undefined {
  const asked = window.gsFieldEarly?.[name];
  if (asked) delete window.gsFieldEarly![name];
  return asked;
}

/** The role the phone kept from the last sign-in, if any (decides whether to ask for grids before the session is known). */
export const keptRole = (): string | null => readKept<Me>(ME_KEY)?.principal.role ?? null;

/** The caller: fresh when the server answers, the kept copy offline or after the sign-in expired; null when never signed in here. */
export async function loadSession(): Promise<Session | null> {
  const kept = readKept<Me>(ME_KEY);
  try {
    const me = await apiRequest<Me>('GET', '/api/auth/me', { unauthorized: 'throw', sent: early('me') });
    if (me.principal.kind === 'anonymous') return kept ? { me: kept, online: true, expired: true } : null;
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    return { me, online: true, expired: false };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return kept ? { me: kept, online: true, expired: true } : null;
    if (kept) return { me: kept, online: false, expired: false };
    throw err;
  }
}

/** The caller's grids (a grid worker's scope), with boundaries; the kept copy when the network is down. */
export async function myGrids(): Promise<GridFeature[]> {
  try {
    const page = await apiRequest<{ features: GridFeature[] }>('GET', '/api/grids', { query: { limit: 50 }, unauthorized: 'throw', sent: early('grids') });
    localStorage.setItem(GRIDS_KEY, JSON.stringify(page.features));
    return page.features;
  } catch (err) {
    const kept = readKept<GridFeature[]>(GRIDS_KEY);
    if (kept) return kept;
    throw err;
  }
}

/**
 * The outlines of the districts and streets of the caller's area (a handler's map: area-outlines.ts); the kept copy
 * when the network is down, none if never fetched. Not needed for the first screen: asked once the map has loaded.
 */
export const areaOutlines = (): Promise<AreaOutline[]> => keptOutlines('/api/map/outlines', OUTLINES_KEY);

/** A grid worker's community and its grids (outlines and names), drawn around their own grid; kept the same way. */
export const communityOutlines = (): Promise<AreaOutline[]> => keptOutlines('/api/me/community', COMMUNITY_KEY);

async function keptOutlines(path: string, key: string): Promise<AreaOutline[]> {
  try {
    const answer = await apiRequest<{ features: AreaOutline[] }>('GET', path, { unauthorized: 'throw' });
    try {
      localStorage.setItem(key, JSON.stringify(answer.features));
    } catch {
      // Storage full: drawn now, not kept for offline.
    }
    return answer.features;
  } catch {
    return readKept<AreaOutline[]>(key) ?? [];
  }
}

function readKept<T>(key: string): T | null {
  const raw = localStorage.getItem(key);
  return raw ? (JSON.parse(raw) as T) : null;
}

export interface IncidentRow {
  code: string;
  category: string;
  urgency: 'red' | 'yellow' | 'blue';
  status: string;
  description: string;
  reported_at: string;
  urged_at?: string | null;
  due_at?: string | null;
  overdue?: boolean;
  /** A handler's task: working hours until due, negative once overdue (GET /api/me/tasks). */
  working_hours_left?: number;
  /** Resolved and waiting for my on-site check (GET /api/me/tasks); absent from the plain list. */
  needs_check?: boolean;
  /** [longitude, latitude] (GET /api/me/tasks); absent from the plain list. */
  location?: [number, number];
  /** Where it is, district · street · grid (GET /api/me/tasks); absent from the plain list. */
  place?: { zh: string; en: string };
}

/** Incidents the caller may see (the server scopes them: a grid worker's grid, a handler's unit), by status. */
export async function incidents(statuses: readonly string[], limit = 100): Promise<{ rows: IncidentRow[]; matched: number }> {
  const page = await apiRequest<{ features: { properties: IncidentRow }[]; numberMatched: number }>('GET', '/api/incidents', {
    query: { status: statuses.join(','), limit },
    unauthorized: 'throw',
  });
  return { rows: page.features.map((f) => f.properties), matched: page.numberMatched };
}

export const openCount = async () => (await incidents(OPEN_STATUSES, 1)).matched;

/**
 * My tasks from GET /api/me/tasks (field-api branch): a grid worker's open
 * incidents (those to check first), a handler's unit queue with due times.
 * null where the server has no such route yet: the caller builds the list itself.
 */
export async function myTasks(): Promise<IncidentRow[] | null> {
  try {
    return (await apiRequest<{ tasks: IncidentRow[] }>('GET', '/api/me/tasks', { unauthorized: 'throw' })).tasks;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** One incident in full (due time, overdue, photos). */
export const incidentDetail = (code: string) => apiRequest<{ properties: IncidentRow }>('GET', `/api/incidents/${code}`, { unauthorized: 'throw' });

export interface NearbyReport {
  code: string;
  reported_at: string;
  description: string;
  distance_m: number;
}

/**
 * Same-category reports within 50 m in the last 24 h (GET /api/incidents/nearby,
 * field-api branch). A server without the route, or no network, offers none:
 * the report goes as a new one and the dispatcher can still mark it duplicate.
 */
export async function nearbyReports(lon: number, lat: number, category: string): Promise<NearbyReport[]> {
  try {
    const body = await apiRequest<NearbyReport[] | { incidents?: NearbyReport[]; duplicates?: NearbyReport[] }>('GET', '/api/incidents/nearby', {
      query: { lon, lat, category },
      unauthorized: 'throw',
    });
    return Array.isArray(body) ? body : (body.incidents ?? body.duplicates ?? []);
  } catch {
    return [];
  }
}

/** A workflow action (start, resolve, check, mediate) on one incident; with the outbox item's Idempotency-Key when sent from it. */
export const transition = (code: string, csrf: string | null, body: Record<string, unknown>, idempotencyKey?: string) =>
  apiRequest('POST', `/api/incidents/${code}/transitions`, {
    csrf,
    body,
    unauthorized: 'throw',
    ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
  });

/** The shared position (PUT /api/me/position), or its end (DELETE). */
export const putPosition = (csrf: string | null, p: { lon: number; lat: number; accuracy_m: number }) =>
  apiRequest('PUT', '/api/me/position', { csrf, body: p, unauthorized: 'throw' });
export const deletePosition = (csrf: string | null) => apiRequest('DELETE', '/api/me/position', { csrf, unauthorized: 'throw' });

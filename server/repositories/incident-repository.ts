import type { Queryable } from '../db/database.js';
import type { Bbox } from '../contract/geo-schemas.js';
import { sqlFile } from './sql-file.js';

const INCIDENT_FEATURES = sqlFile('incident-features.sql');
const INCIDENT_COUNT = sqlFile('incident-count.sql');
const SEARCH_PLACES = sqlFile('incident-search-places.sql');

export interface IncidentQuery {
  region: string | null;
  bbox?: Bbox;
  from?: Date;
  to?: Date;
  categories?: string[];
  urgencies?: string[];
  statuses?: string[];
  /** Keyset: the (reported_at, id) of the last incident of the previous page. */
  after?: { reportedAt: Date; id: number };
  limit: number;
  /** A handler's unit: only incidents dispatched to it. */
  unit?: string | null;
  /** Free text: part of the code, the description, the grid code or a place name. */
  search?: string;
}

/** The search as an ILIKE pattern: contained anywhere, its own % _ and \\ taken literally. */
function searchPattern(text: string | undefined): string | null {
  const t = text?.trim();
  return t ? `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}

/**
 * The search's three parameters: its ILIKE pattern, its plain text (the
 * index's lookup, migrations/021) and the codes of the places and grids
 * whose names match, resolved first so that each arm of the incident query
 * has an index of its own. All NULL without a search.
 */
async function searchParams(tx: Queryable, text: string | undefined): Promise<[string | null, string | null, string[] | null]> {
  const pattern = searchPattern(text);
  if (!pattern) return [null, null, null];
  const [row] = await tx.query<{ codes: string[] }>(SEARCH_PLACES, [pattern]);
  return [pattern, text!.trim(), row!.codes];
}

export interface IncidentPage {
  features: string[];
  next?: { reportedAt: Date; id: number };
}

/** $1–$10 of incident-features.sql and incident-count.sql: the filters both share (region, bbox, window, categories, urgencies, statuses). */
function filterParams(q: Omit<IncidentQuery, 'after' | 'limit'>): unknown[] {
  const [x0, y0, x1, y1] = q.bbox ?? [null, null, null, null];
  return [q.region, x0, y0, x1, y1, q.from ?? null, q.to ?? null, q.categories ?? null, q.urgencies ?? null, q.statuses ?? null];
}

export function createIncidentRepository(db: Queryable) {
  return {
    async page(q: IncidentQuery, tx: Queryable = db): Promise<IncidentPage> {
      // One extra row tells whether another page exists.
      const rows = await tx.query<{ id: number; reported_at: Date; feature: string }>(INCIDENT_FEATURES, [
        ...filterParams(q),
        q.after?.reportedAt ?? null,
        q.after?.id ?? null,
        q.limit + 1,
        q.unit ?? null,
        ...(await searchParams(tx, q.search)),
      ]);
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page[page.length - 1];
      return {
        features: page.map((r) => r.feature),
        next: more && last ? { reportedAt: new Date(last.reported_at), id: Number(last.id) } : undefined,
      };
    },

    /** How many incidents match the filters of `q`, ignoring its cursor and limit. */
    async count(q: Omit<IncidentQuery, 'after' | 'limit'>, tx: Queryable = db): Promise<number> {
      const [row] = await tx.query<{ n: number }>(INCIDENT_COUNT, [...filterParams(q), q.unit ?? null, ...(await searchParams(tx, q.search))]);
      return Number(row!.n);
    },

    async categoryCodes(tx: Queryable = db): Promise<string[]> {
      const rows = await tx.query<{ code: string }>('SELECT code FROM incident_category ORDER BY sort_order, code');
      return rows.map((r) => r.code);
    },
  };
}

export type IncidentRepository = ReturnType<typeof createIncidentRepository>;

import type { Queryable } from '../db/database.js';
import type { Status } from '../contract/incident-workflow.js';
import { sqlFile } from './sql-file.js';

const INCIDENT_LOCK = sqlFile('incident-lock.sql');
const INCIDENT_DETAIL = sqlFile('incident-detail.sql');
const INCIDENT_NEARBY = sqlFile('incident-nearby.sql');
const INCIDENT_INSERT = sqlFile('incident-insert.sql');
/** incident-lock.sql without its row lock. */
const INCIDENT_READ = INCIDENT_LOCK.replace(/FOR UPDATE OF i/, '');

/** The fields the workflow decides on, of an incident locked for update. */
export interface LockedIncident {
  id: number;
  code: string;
  status: Status;
  urgency: 'red' | 'yellow' | 'blue';
  category_code: string;
  grid_code: string;
  district_code: string;
  street_code: string;
  reported_at: Date;
  dispatched_at: Date | null;
  due_at: Date | null;
  duplicate_of: number | null;
  lon: number;
  lat: number;
  deadline_hours?: number;
  unit_type?: string;
}

/** Who may see an incident: a region/grid scope and, for handlers, a unit (null = no limit). */
export interface Visibility {
  scope: string | null;
  unit: string | null;
}

export interface HistoryEntry {
  incidentId: number;
  at: Date;
  actor: string;
  actorUserId: number | null;
  action: string;
  from: Status | null;
  to: Status;
  note?: string;
  details?: unknown;
}

export interface NearbyIncident {
  code: string;
  status: Status;
  reported_at: Date;
  description: string;
  distance_m: number;
  lon: number;
  lat: number;
}

/** Stage columns a transition may set; undefined leaves a column as it is, null clears it. */
export interface StatusChange {
  filed_at?: Date | null;
  dispatched_at?: Date | null;
  due_at?: Date | null;
  resolved_at?: Date | null;
  closed_at?: Date | null;
  duplicate_of?: number | null;
  urgency?: string;
  overdue_notified_at?: null;
}

const CHANGEABLE = ['filed_at', 'dispatched_at', 'due_at', 'resolved_at', 'closed_at', 'duplicate_of', 'urgency', 'overdue_notified_at'] as const;

export function createIncidentWorkflowRepository(db: Queryable) {
  return {
    async lock(code: string, v: Visibility, tx: Queryable): Promise<LockedIncident | null> {
      const rows = await tx.query<LockedIncident>(INCIDENT_LOCK, [code, v.scope, v.unit]);
      return rows[0] ? { ...rows[0], id: Number(rows[0].id), duplicate_of: rows[0].duplicate_of === null ? null : Number(rows[0].duplicate_of) } : null;
    },

    /** The same fields as `lock`, read without locking: for looking, not changing. */
    async find(code: string, v: Visibility, tx: Queryable = db): Promise<LockedIncident | null> {
      const rows = await tx.query<LockedIncident>(INCIDENT_READ, [code, v.scope, v.unit]);
      return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : null;
    },

    /** Whether the incident exists and the caller may see it (cheap: no record is assembled). */
    async isVisible(code: string, v: Visibility, tx: Queryable = db): Promise<boolean> {
      const rows = await tx.query(
        `SELECT 1 FROM incident i WHERE i.code = $1
            AND ($2::text IS NULL OR i.grid_code LIKE $2 || '%')
            AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $3))`,
        [code, v.scope, v.unit],
      );
      return rows.length === 1;
    },

    async detailText(code: string, v: Visibility, now: Date, tx: Queryable = db): Promise<string | null> {
      const rows = await tx.query<{ body: string }>(INCIDENT_DETAIL, [code, v.scope, v.unit, now]);
      return rows[0]?.body ?? null;
    },

    async insert(
      r: {
        category: string;
        urgency: string;
        description: string;
        lon: number;
        lat: number;
        reportedAt: Date;
        reporter: string;
        reporterUserId: number | null;
        reporterWorkerId: number | null;
      },
      tx: Queryable,
    ): Promise<LockedIncident> {
      const rows = await tx.query<LockedIncident>(INCIDENT_INSERT, [
        r.category,
        r.urgency,
        r.description,
        r.lon,
        r.lat,
        r.reportedAt,
        r.reporter,
        r.reporterUserId,
        r.reporterWorkerId,
      ]);
      return { ...rows[0]!, id: Number(rows[0]!.id), dispatched_at: null, due_at: null, duplicate_of: null };
    },

    /** Same-category incidents within `metres` reported in the `hours` before this one; `scope` limits them to a region (null: none). */
    async nearby(
      i: { id: number; category: string; lon: number; lat: number; reportedAt: Date },
      metres: number,
      hours: number,
      tx: Queryable = db,
      scope: string | null = null,
    ): Promise<NearbyIncident[]> {
      return tx.query<NearbyIncident>(INCIDENT_NEARBY, [i.id, i.category, i.lon, i.lat, i.reportedAt, metres, hours, scope]);
    },

    /**
     * Moves an incident from `from` to `to`, setting the given stage columns.
     * The status guard makes a lost race visible (0 rows) even without the lock.
     */
    async setStatus(id: number, from: Status, to: Status, change: StatusChange, tx: Queryable): Promise<boolean> {
      const keys = CHANGEABLE.filter((k) => change[k] !== undefined);
      const sets = keys.map((k, n) => `${k} = $${n + 4}`);
      const rows = await tx.query(
        `UPDATE incident SET status = $3, updated_at = now()${sets.length ? ', ' + sets.join(', ') : ''}
          WHERE id = $1 AND status = $2 RETURNING id`,
        [id, from, to, ...keys.map((k) => change[k])],
      );
      return rows.length === 1;
    },

    async addHistory(h: HistoryEntry, tx: Queryable): Promise<void> {
      await tx.query(
        `INSERT INTO incident_history (incident_id, at, actor, actor_user_id, action, from_status, to_status, note, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
        [h.incidentId, h.at, h.actor, h.actorUserId, h.action, h.from, h.to, h.note ?? '', h.details === undefined ? null : JSON.stringify(h.details)],
      );
    },

    /**
     * The latest workflow step (one of `actions`) taken on an incident: what,
     * when, from which status and by whom — the user's display name, or the
     * actor's name when no user took it (a token).
     */
    async lastStep(
      incidentId: number,
      actions: readonly string[],
      tx: Queryable = db,
    ): Promise<{ action: string; at: Date; from_status: Status | null; by: string } | null> {
      const rows = await tx.query<{ action: string; at: Date; from_status: Status | null; by: string }>(
        `SELECT h.action, h.at, h.from_status, coalesce(u.display_name, regexp_replace(h.actor, '^(user|token):', '')) AS by
           FROM incident_history h LEFT JOIN app_user u ON u.id = h.actor_user_id
          WHERE h.incident_id = $1 AND h.action = ANY($2::text[])
          ORDER BY h.at DESC, h.id DESC LIMIT 1`,
        [incidentId, actions],
      );
      return rows[0] ?? null;
    },

    async historyCount(incidentId: number, tx: Queryable = db): Promise<number> {
      const rows = await tx.query<{ n: number }>('SELECT count(*)::int n FROM incident_history WHERE incident_id = $1', [incidentId]);
      return rows[0]!.n;
    },

    async assignments(incidentId: number, tx: Queryable): Promise<{ unit_code: string; status: 'assigned' | 'in_progress' | 'resolved' }[]> {
      return tx.query('SELECT unit_code, status FROM incident_assignment WHERE incident_id = $1 ORDER BY unit_code', [incidentId]);
    },

    async assign(incidentId: number, units: readonly string[], at: Date, dueAt: Date, tx: Queryable): Promise<void> {
      await tx.query(
        `INSERT INTO incident_assignment (incident_id, unit_code, assigned_at, due_at)
         SELECT $1, u, $3, $4 FROM unnest($2::text[]) AS u`,
        [incidentId, units, at, dueAt],
      );
    },

    /** Sets the assignments' status (all, or one unit's); resolved ones get resolved_at. */
    async setAssignments(
      incidentId: number,
      unit: string | null,
      status: 'assigned' | 'in_progress' | 'resolved',
      at: Date,
      tx: Queryable,
      feedback?: string,
      dueAt?: Date,
    ): Promise<void> {
      await tx.query(
        `UPDATE incident_assignment
            SET status = $3, resolved_at = CASE WHEN $3 = 'resolved' THEN $4::timestamptz END,
                feedback = coalesce($5, feedback), due_at = coalesce($6, due_at)
          WHERE incident_id = $1 AND ($2::text IS NULL OR unit_code = $2) AND (status <> 'resolved' OR $3 <> 'resolved')`,
        [incidentId, unit, status, at, feedback ?? null, dueAt ?? null],
      );
    },

    async existingUnits(codes: readonly string[], tx: Queryable): Promise<string[]> {
      const rows = await tx.query<{ code: string }>('SELECT code FROM unit WHERE code = ANY($1::text[])', [codes]);
      return rows.map((r) => r.code);
    },

    async addPhoto(
      p: { incidentId: number; kind: 'before' | 'after' | 'check'; sha256: string; mime: string; bytes: number; by: string },
      tx: Queryable,
    ): Promise<number> {
      const rows = await tx.query<{ id: number }>(
        `INSERT INTO incident_photo (incident_id, kind, sha256, mime, bytes, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (incident_id, kind, sha256) DO UPDATE SET uploaded_at = incident_photo.uploaded_at
         RETURNING id`,
        [p.incidentId, p.kind, p.sha256, p.mime, p.bytes, p.by],
      );
      return Number(rows[0]!.id);
    },

    async photo(incidentCode: string, photoId: number, v: Visibility, tx: Queryable = db): Promise<{ sha256: string; mime: string } | null> {
      const rows = await tx.query<{ sha256: string; mime: string }>(
        `SELECT p.sha256, p.mime FROM incident_photo p JOIN incident i ON i.id = p.incident_id
          WHERE i.code = $1 AND p.id = $2
            AND ($3::text IS NULL OR i.grid_code LIKE $3 || '%')
            AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $4))`,
        [incidentCode, photoId, v.scope, v.unit],
      );
      return rows[0] ?? null;
    },

    async afterPhotoCount(incidentId: number, tx: Queryable): Promise<number> {
      const rows = await tx.query<{ n: number }>("SELECT count(*)::int n FROM incident_photo WHERE incident_id = $1 AND kind = 'after'", [incidentId]);
      return rows[0]!.n;
    },

    /** The ids of "check" photos recorded since the incident was last resolved (by their history rows, on the service clock). */
    async checkPhotosSinceResolved(incidentId: number, tx: Queryable): Promise<number[]> {
      const rows = await tx.query<{ id: string }>(
        `SELECT DISTINCT (h.details ->> 'photo_id') AS id
           FROM incident_history h JOIN incident i ON i.id = h.incident_id
          WHERE h.incident_id = $1 AND h.action = 'photo' AND h.details ->> 'kind' = 'check' AND h.at >= i.resolved_at
          ORDER BY 1`,
        [incidentId],
      );
      return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    },

    /** Records a mediation attempt; returns how many have failed so far, this one included. */
    async addMediation(
      m: { incidentId: number; at: Date; outcome: 'succeeded' | 'failed'; note: string; actor: string },
      tx: Queryable,
    ): Promise<{ attempt: number; failures: number }> {
      const rows = await tx.query<{ attempt: number; failures: number }>(
        `WITH added AS (
           INSERT INTO incident_mediation (incident_id, attempt, at, outcome, note, actor)
           SELECT $1, coalesce(max(attempt), 0) + 1, $2, $3, $4, $5 FROM incident_mediation WHERE incident_id = $1
           RETURNING attempt, outcome)
         SELECT a.attempt,
                (SELECT count(*) FROM incident_mediation WHERE incident_id = $1 AND outcome = 'failed')::int
                  + (CASE WHEN a.outcome = 'failed' THEN 1 ELSE 0 END) AS failures
           FROM added a`,
        [m.incidentId, m.at, m.outcome, m.note, m.actor],
      );
      return rows[0]!;
    },
  };
}

export type IncidentWorkflowRepository = ReturnType<typeof createIncidentWorkflowRepository>;

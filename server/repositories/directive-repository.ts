import type { Queryable } from '../db/database.js';
import type { DirectiveView, ListFilter, TargetStatus } from '../contract/directive-schemas.js';
import { sqlFile } from './sql-file.js';

const DIRECTIVE_LIST = sqlFile('directive-list.sql');
const DIRECTIVE_INSERT = sqlFile('directive-insert.sql');
const DIRECTIVE_ANSWER = sqlFile('directive-answer.sql');

export interface NewDirective {
  title: string;
  body: string;
  deadline: Date;
  createdAt: Date;
  /** The actor, as the audit log names it ('user:commander'). */
  createdBy: string;
  districts: readonly string[];
}

export interface DirectiveQuery {
  /** One directive, or any. */
  id?: number;
  /** Only directives addressed to this district, and only its row (null = every district). */
  district: string | null;
  status: ListFilter;
  now: Date;
  limit: number;
}

export interface NewAnswer {
  directiveId: number;
  district: string;
  status: Exclude<TargetStatus, 'waiting'>;
  answer: string;
  at: Date;
  by: string;
}

export interface TargetRow {
  district_code: string;
  status: TargetStatus;
  answer: string;
  answered_at: Date | null;
  answered_by: string | null;
}

interface ListRow extends Omit<DirectiveView, 'districts'> {
  code: string;
  name: string;
  status: TargetStatus;
  answer: string;
  answered_at: Date | null;
  answered_by: string | null;
  minutes_to_answer: number | null;
  late: boolean;
}

/** Folds the one-row-per-district result into directives, keeping the SQL's order. */
function fold(rows: ListRow[]): DirectiveView[] {
  const byId = new Map<number, DirectiveView>();
  for (const r of rows) {
    const id = Number(r.id);
    let d = byId.get(id);
    if (!d) {
      d = { id, title: r.title, body: r.body, deadline: r.deadline, created_at: r.created_at, created_by: r.created_by, overdue: r.overdue, districts: [] };
      byId.set(id, d);
    }
    d.districts.push({
      code: r.code,
      name: r.name,
      status: r.status,
      answer: r.answer,
      answered_at: r.answered_at,
      answered_by: r.answered_by,
      minutes_to_answer: r.minutes_to_answer === null ? null : Number(r.minutes_to_answer),
      late: r.late,
    });
  }
  return [...byId.values()];
}

export function createDirectiveRepository(db: Queryable) {
  async function list(q: DirectiveQuery, tx: Queryable = db): Promise<DirectiveView[]> {
    return fold(await tx.query<ListRow>(DIRECTIVE_LIST, [q.id ?? null, q.district, q.status, q.now, q.limit]));
  }

  return {
    /** Every district of the city, in code order. */
    async districts(tx: Queryable = db): Promise<{ code: string; name: string }[]> {
      return tx.query("SELECT code, name FROM region WHERE level = 'district' ORDER BY code");
    },

    /** Inserts a directive with every target waiting; returns its id. */
    async insert(d: NewDirective, tx: Queryable = db): Promise<number> {
      const [row] = await tx.query<{ id: number }>(DIRECTIVE_INSERT, [d.title, d.body, d.deadline, d.createdAt, d.createdBy, [...d.districts]]);
      return Number(row!.id);
    },

    /** Directives as the API shows them, newest first. */
    list,

    /** One directive as the API shows it, or null if unknown or not addressed to `district`. */
    async find(id: number, district: string | null, now: Date, tx: Queryable = db): Promise<DirectiveView | null> {
      const [d] = await list({ id, district, status: 'all', now, limit: 1 }, tx);
      return d ?? null;
    },

    /** Records an answer if the district is still waiting; null if it is not (already answered, or not a target). */
    async answer(a: NewAnswer, tx: Queryable = db): Promise<TargetRow | null> {
      const [row] = await tx.query<TargetRow>(DIRECTIVE_ANSWER, [a.directiveId, a.district, a.status, a.answer, a.at, a.by]);
      return row ?? null;
    },

    /** One district's row of a directive, or null if the directive does not address it. */
    async target(directiveId: number, district: string, tx: Queryable = db): Promise<TargetRow | null> {
      const [row] = await tx.query<TargetRow>(
        `SELECT district_code, status, answer, answered_at, answered_by FROM directive_target
          WHERE directive_id = $1 AND district_code = $2`,
        [directiveId, district],
      );
      return row ?? null;
    },
  };
}

export type DirectiveRepository = ReturnType<typeof createDirectiveRepository>;

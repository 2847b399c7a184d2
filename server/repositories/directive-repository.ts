import type { Queryable } from '../db/database.js';
import type { DirectiveDistrictView, DirectiveView, ListFilter, RoundView, TargetStatus } from '../contract/directive-schemas.js';
import type { CsvTable } from '../contract/directive-csv.js';
import { sqlFile } from './sql-file.js';

const DIRECTIVE_LIST = sqlFile('directive-list.sql');
const DIRECTIVE_INSERT = sqlFile('directive-insert.sql');
const DIRECTIVE_ANSWER = sqlFile('directive-answer.sql');
const DIRECTIVE_ROUNDS = sqlFile('directive-rounds.sql');

export interface Figure {
  label: string;
  value: number;
}

export interface NewDirective {
  title: string;
  body: string;
  deadline: Date;
  createdAt: Date;
  /** The actor, as the audit log names it ('user:commander'). */
  createdBy: string;
  districts: readonly string[];
  /** A China date (YYYY-MM-DD) for a daily directive; null for a one-off. */
  dailyUntil?: string | null;
  attachment?: (CsvTable & { filename: string }) | null;
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
  /** Default 1. */
  round?: number;
  figures?: Figure[] | null;
}

export interface TargetRow {
  district_code: string;
  status: TargetStatus;
  answer: string;
  answered_at: Date | null;
  answered_by: string | null;
}

interface DistrictRow {
  code: string;
  name: string;
  status: TargetStatus;
  answer: string;
  answered_at: Date | null;
  answered_by: string | null;
  minutes_to_answer: number | null;
  late: boolean;
  figures: Figure[] | null;
  reminded_at: Date | null;
}

interface ListRow extends Omit<DirectiveView, 'districts' | 'daily_until' | 'attachment' | 'round'>, DistrictRow {
  daily_until: string | null;
  round: number;
  attachment: DirectiveView['attachment'] | null;
}

interface RoundRow extends DistrictRow {
  round: number;
  date: string;
  opens_at: Date;
  deadline: Date;
}

/** A district's row as the API shows it; figures and reminders only when there are any (older clients compare rows whole). */
function districtView(r: DistrictRow): DirectiveDistrictView {
  const v: DirectiveDistrictView = {
    code: r.code,
    name: r.name,
    status: r.status,
    answer: r.answer,
    answered_at: r.answered_at,
    answered_by: r.answered_by,
    minutes_to_answer: r.minutes_to_answer === null ? null : Number(r.minutes_to_answer),
    late: r.late,
  };
  if (r.figures?.length) v.figures = r.figures;
  if (r.reminded_at) v.reminded_at = r.reminded_at;
  return v;
}

/** Folds the one-row-per-district result into directives, keeping the SQL's order. */
function fold(rows: ListRow[]): DirectiveView[] {
  const byId = new Map<number, DirectiveView>();
  for (const r of rows) {
    const id = Number(r.id);
    let d = byId.get(id);
    if (!d) {
      d = {
        id,
        title: r.title,
        body: r.body,
        deadline: r.deadline,
        created_at: r.created_at,
        created_by: r.created_by,
        created_by_name: r.created_by_name,
        overdue: r.overdue,
        districts: [],
      };
      if (r.daily_until) {
        d.daily_until = r.daily_until;
        d.round = Number(r.round);
      }
      if (r.attachment) d.attachment = r.attachment;
      byId.set(id, d);
    }
    d.districts.push(districtView(r));
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
      const [row] = await tx.query<{ id: number }>(DIRECTIVE_INSERT, [
        d.title,
        d.body,
        d.deadline,
        d.createdAt,
        d.createdBy,
        [...d.districts],
        d.dailyUntil ?? null,
        d.attachment ? JSON.stringify(d.attachment) : null,
      ]);
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
      const [row] = await tx.query<TargetRow>(DIRECTIVE_ANSWER, [
        a.directiveId,
        a.district,
        a.status,
        a.answer,
        a.at,
        a.by,
        a.round ?? 1,
        a.figures?.length ? JSON.stringify(a.figures) : null,
      ]);
      return row ?? null;
    },

    /** One district's row of a directive's round, or null if the directive does not address it (or the round has no answer yet). */
    async target(directiveId: number, district: string, tx: Queryable = db, round = 1): Promise<TargetRow | null> {
      const [row] = await tx.query<TargetRow>(
        `SELECT district_code, status, answer, answered_at, answered_by FROM directive_target
          WHERE directive_id = $1 AND district_code = $2 AND round = $3`,
        [directiveId, district, round],
      );
      return row ?? null;
    },

    /** The rounds that have opened by `now`, newest first, with each district's answer (only `district`'s row if given). */
    async rounds(id: number, district: string | null, now: Date, tx: Queryable = db): Promise<RoundView[]> {
      const byRound = new Map<number, RoundView>();
      for (const r of await tx.query<RoundRow>(DIRECTIVE_ROUNDS, [id, district, now])) {
        const n = Number(r.round);
        let v = byRound.get(n);
        if (!v) {
          v = { round: n, date: r.date, opens_at: r.opens_at, deadline: r.deadline, districts: [] };
          byRound.set(n, v);
        }
        v.districts.push(districtView(r));
      }
      return [...byRound.values()];
    },

    /** Records a reminder (催报) to each district for a round. */
    async remind(directiveId: number, round: number, districts: readonly string[], at: Date, by: string, tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO directive_reminder (directive_id, round, district_code, sent_at, sent_by)
         SELECT $1, $2, code, $4, $5 FROM unnest($3::text[]) AS code`,
        [directiveId, round, [...districts], at, by],
      );
    },
  };
}

export type DirectiveRepository = ReturnType<typeof createDirectiveRepository>;

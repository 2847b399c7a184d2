import type { Queryable } from '../db/database.js';
import type { Principal } from '../auth/roles.js';
import { recordEvent } from '../repositories/event-log-repository.js';
import type { AnswerKind } from '../contract/directive-schemas.js';
import { actorFields, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';
import { districtCodeOf } from '../contract/vocabulary.js';
import type { Figure } from '../repositories/directive-repository.js';
import { parseAttachment, parseDailyUntil } from './directive-inputs.js';

/**
 * Directives (指令): the command centre asks the district centres for
 * something by a deadline, and each district answers with a report or a
 * zero report (零报告). Each write is one transaction: the change, its audit
 * entry, and (last) its live event.
 */

export interface CreateInput {
  title: string;
  body?: string;
  deadline: string;
  districts?: string[];
  /** Repeat every day at the deadline's time of day until this China date (日报告). */
  daily_until?: string;
  attachment?: { filename: string; csv: string };
}

export interface AnswerInput {
  district: string;
  kind: AnswerKind;
  text?: string;
  figures?: Figure[];
  /** The round of a daily directive; default 1 (a one-off directive has only round 1). */
  round?: number;
}

/**
 * The district a principal works in, or null for a city-wide one. Scopes are
 * region or grid codes that start with their district's code, and the city
 * code is never stored as a scope (migrations/006), so the first six digits
 * of any scope are its district.
 */
export function districtOf(p: Principal | undefined): string | null {
  return p?.scope ? districtCodeOf(p.scope) : null;
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;
/** A deadline further out than this is far more likely a typo (2062 for 2026) than a plan. */
const MAX_DEADLINE_DAYS = 366;

/**
 * Parses a deadline: an ISO 8601 time with its zone (a time without one
 * would be read in the server's zone, which the sender cannot know), in the
 * future. JavaScript's Date rolls 30 February over into March, so the
 * calendar fields are checked here.
 */
export function parseDeadline(raw: string, now: Date): Date {
  const m = ISO_WITH_ZONE.exec(raw);
  const [, y, mo, d, h, mi, s = '0', zh = '0', zm = '0'] = m ?? [];
  const daysInMonth = m ? new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate() : 0;
  const t = new Date(raw);
  if (
    !m ||
    Number(mo) < 1 ||
    Number(mo) > 12 ||
    Number(d) < 1 ||
    Number(d) > daysInMonth ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59 ||
    Number(zh) > 14 ||
    Number(zm) > 59 ||
    Number.isNaN(t.getTime())
  ) {
    throw invalidInput(
      'deadline',
      'expected an ISO 8601 time with zone, e.g. 2026-06-15T18:00:00+08:00',
      '应为带时区的 ISO 8601 时间，例如 2026-06-15T18:00:00+08:00',
    );
  }
  if (t.getTime() <= now.getTime()) throw invalidInput('deadline', 'must be in the future', '必须是将来的时间');
  if (t.getTime() - now.getTime() > MAX_DEADLINE_DAYS * 86_400_000)
    throw invalidInput('deadline', `must be within ${MAX_DEADLINE_DAYS} days`, `必须在 ${MAX_DEADLINE_DAYS} 天之内`);
  return t;
}

/**
 * The districts a new directive goes to: those asked for, or by default every
 * district inside the caller's scope. Unknown districts and districts outside
 * the scope get the same answer, so a scoped caller cannot probe for codes.
 */
export function chooseDistricts(all: readonly string[], requested: readonly string[] | undefined, scope: string | null): string[] {
  const allowed = all.filter((code) => scope === null || code.startsWith(scope));
  if (requested === undefined) {
    if (allowed.length === 0)
      throw invalidInput(
        'districts',
        scope === null ? 'the city has no districts yet' : `no district lies inside your scope ${scope}`,
        scope === null ? '城市尚无任何区' : `您的管辖范围 ${scope} 内没有区`,
      );
    return allowed;
  }
  const refused = requested.filter((code) => !allowed.includes(code));
  if (refused.length) throw invalidInput('districts', `not a district${scope === null ? '' : ` inside your scope ${scope}`}: ${refused.join(', ')}`);
  return [...requested].sort();
}

/**
 * What a live event carries: enough for a wall display to redraw the
 * directive's row. A later round of a daily directive says which round, with
 * that round's deadline and answers.
 */
export async function eventView(deps: ServiceDeps, id: number, now: Date, tx: Queryable, round = 1) {
  const d = (await deps.repos.directives.find(id, null, now, tx))!;
  // A daily directive's own view shows the round needing attention, not necessarily this one: take the round's own rows.
  const r = d.daily_until ? (await deps.repos.directives.rounds(id, null, now, tx)).find((x) => x.round === round)! : null;
  return {
    id: d.id,
    title: d.title,
    deadline: r ? r.deadline : d.deadline,
    districts: (r ? r.districts : d.districts).map(({ code, status, answered_at }) => ({ code, status, answered_at })),
    ...(r && round > 1 ? { round } : {}),
  };
}

/** Creates a directive; returns its id. */
export async function createDirective(deps: ServiceDeps, who: Actor, input: CreateInput): Promise<number> {
  const now = deps.clock();
  const title = input.title.trim();
  if (!title) throw invalidInput('title', 'must not be blank', '不能为空');
  const body = input.body?.trim() ?? '';
  const deadline = parseDeadline(input.deadline, now);
  const dailyUntil = parseDailyUntil(input.daily_until, deadline);
  const attachment = parseAttachment(input.attachment);
  const { actor } = actorFields(who);
  const repo = deps.repos.directives;
  return deps.db.transaction(async (tx) => {
    const city = await deps.repos.regions.city(tx);
    if (!city) throw new DomainError('no_city', 'no city has been loaded yet; seed the demo city or import districts');
    const all = (await repo.districts(tx)).map((d) => d.code);
    const districts = chooseDistricts(all, input.districts, who.principal?.scope ?? null);
    const id = await repo.insert({ title, body, deadline, createdAt: now, createdBy: actor, districts, dailyUntil, attachment }, tx);
    await recordAudit(
      deps,
      who,
      'directive.create',
      { type: 'directive', id: String(id) },
      {
        after: {
          title,
          body,
          deadline,
          districts,
          ...(dailyUntil ? { daily_until: dailyUntil } : {}),
          ...(attachment ? { attachment: { filename: attachment.filename, rows: attachment.rows.length } } : {}),
        },
      },
      tx,
    );
    // An event has one scope: a single district's, or the city's, which every
    // district subscriber also receives (subscribers check `districts`).
    const scope = districts.length === 1 ? districts[0]! : city.code;
    await recordEvent(tx, { type: 'directive.created', scope, payload: { directive: await eventView(deps, id, now, tx) } });
    return id;
  });
}

/** Records a district's answer; the first answer stands. */
export async function answerDirective(deps: ServiceDeps, who: Actor, input: AnswerInput & { id: number }): Promise<void> {
  const { id } = input;
  const round = input.round ?? 1;
  const own = districtOf(who.principal);
  // Checked before any read, so a refusal says nothing about the directive.
  if (own !== null && input.district !== own) {
    throw new DomainError('out_of_scope', `district: you may answer only for your own district ${own}`);
  }
  const text = input.text?.trim() ?? '';
  if (input.kind === 'report' && !text)
    throw invalidInput(
      'text',
      'a report needs text; answer with kind zero_report when there is nothing to report',
      '报告需要填写内容；无事可报时请以 zero_report（零报告）答复',
    );
  const now = deps.clock();
  const { actor } = actorFields(who);
  const repo = deps.repos.directives;
  await deps.db.transaction(async (tx) => {
    if (round > 1) {
      const opened = await repo.rounds(id, input.district, now, tx);
      if (opened.length === 0) throw notFoundError(`directive ${id} for district ${input.district}`);
      if (!opened.some((r) => r.round === round))
        throw new DomainError('round_not_open', `round ${round} of directive ${id} has not opened yet, or the directive has fewer rounds`, {
          zh: `指令 ${id} 的第 ${round} 轮尚未开始，或没有这一轮`,
        });
    }
    const status = input.kind === 'report' ? 'answered' : 'zero_report';
    const figures = input.figures ?? null;
    const after = await repo.answer({ directiveId: id, district: input.district, status, answer: text, at: now, by: actor, round, figures }, tx);
    if (!after) {
      const current = await repo.target(id, input.district, tx, round);
      if (!current) throw notFoundError(`directive ${id} for district ${input.district}`);
      throw new DomainError(
        'already_answered',
        `district ${input.district} already answered directive ${id}${round > 1 ? ` round ${round}` : ''} (${current.status} at ${new Date(current.answered_at!).toISOString()} by ${current.answered_by}); the first answer stands`,
      );
    }
    await recordAudit(
      deps,
      who,
      'directive.answer',
      { type: 'directive', id: String(id) },
      {
        before: { district_code: input.district, status: 'waiting', answer: '', answered_at: null, answered_by: null },
        after: { ...after, ...(round > 1 ? { round } : {}), ...(figures?.length ? { figures } : {}) },
      },
      tx,
    );
    await recordEvent(tx, { type: 'directive.answered', scope: input.district, payload: { directive: await eventView(deps, id, now, tx, round) } });
  });
}

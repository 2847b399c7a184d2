import { recordEvent } from '../repositories/event-log-repository.js';
import { actorFields, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { districtOf } from './directive-service.js';
import { DomainError, notFoundError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';

export interface Reminder {
  round: number;
  sent_at: Date;
  districts: string[];
}

/**
 * Reminds (催报) the districts that have not answered a round of a directive:
 * one recorded reminder per district, an audit entry and a live event that
 * the districts' pages show. The round is the latest opened one unless asked.
 * A district-scoped caller reminds only its own district (it sees no other).
 */
export async function remindDirective(deps: ServiceDeps, who: Actor, input: { id: number; round?: number }): Promise<Reminder> {
  const now = deps.clock();
  const { actor } = actorFields(who);
  const repo = deps.repos.directives;
  const own = districtOf(who.principal);
  return deps.db.transaction(async (tx) => {
    const rounds = await repo.rounds(input.id, own, now, tx);
    if (rounds.length === 0) throw notFoundError(`directive ${input.id}`, `指令 ${input.id}`);
    // Newest first: the first is the round running now.
    const round = input.round === undefined ? rounds[0] : rounds.find((r) => r.round === input.round);
    if (!round)
      throw new DomainError('round_not_open', `round ${input.round} of directive ${input.id} has not opened yet, or the directive has fewer rounds`, {
        zh: `指令 ${input.id} 的第 ${input.round} 轮尚未开始，或没有这一轮`,
      });
    const waiting = round.districts.filter((d) => d.status === 'waiting').map((d) => d.code);
    if (waiting.length === 0)
      throw new DomainError('nothing_to_remind', `every district has answered round ${round.round} of directive ${input.id}`, {
        zh: `指令 ${input.id} 第 ${round.round} 轮各区均已答复`,
      });
    await repo.remind(input.id, round.round, waiting, now, actor, tx);
    await recordAudit(deps, who, 'directive.remind', { type: 'directive', id: String(input.id) }, { after: { round: round.round, districts: waiting } }, tx);
    const city = await deps.repos.regions.city(tx);
    // As for a new directive: one district's scope, or the city's (each district subscriber checks `districts`).
    const scope = waiting.length === 1 || !city ? waiting[0]! : city.code;
    const [d] = await repo.list({ id: input.id, district: null, status: 'all', now, limit: 1 }, tx);
    await recordEvent(tx, {
      type: 'directive.reminded',
      scope,
      payload: { directive: { id: input.id, title: d!.title, round: round.round, deadline: round.deadline, districts: waiting, sent_at: now } },
    });
    return { round: round.round, sent_at: now, districts: waiting };
  });
}

import type { Queryable } from '../db/database.js';
import { geometrySql } from '../plans/geometry-validity.js';
import { lineageOf, nextCodes, removedCodes, type LineageRow } from '../plans/grid-lineage.js';
import type { PlanRules } from '../contract/grid-plan-reasons.js';
import { gridName } from '../contract/grid-names.js';
import type { PlanRow } from '../repositories/grid-plan-repository.js';
import type { GridPublishRepository } from '../repositories/grid-publish-repository.js';
import { actorFields, type Actor, type ActorFields } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError } from './domain-error.js';
import { lockedPlan } from './plan-access.js';
import type { ServiceDeps } from './service-deps.js';

export interface PublishResult {
  plan_id: number;
  community_code: string;
  version: number;
  /** The code each draft grid got: kept, or the next free sequence number. */
  codes: { key: number; code: string }[];
  removed: string[];
  lineage: { old_code: string | null; new_code: string | null; kind: string; share: number | null }[];
  /** Open incidents whose grid changed. */
  reassigned_incidents: number;
}

/**
 * Publishes a draft plan atomically (POST /api/plans/:id/publish): lock it,
 * refuse a plan whose community was published since it began (plan_outdated),
 * validate it (plan_invalid, with the problems), then publish. GEOS refusals
 * anywhere become invalid_geometry; a refusal changes nothing.
 */
export async function publishPlan(deps: ServiceDeps, actor: Actor, input: { id: number; rules: PlanRules }): Promise<PublishResult> {
  return deps.db.transaction(async (tx) => {
    const plan = await lockedPlan(deps, actor, input.id, 'publish', tx);
    const geometry = geometrySql(tx, 'publishing', deps.log);
    await assertCurrent(deps.repos.gridPublish, plan, geometry);
    const report = await deps.repos.planAnalysis.validate(plan.id, plan.revision, input.rules, geometry);
    if (!report.valid) {
      const n = report.problems.features.length;
      throw new DomainError('plan_invalid', `the plan has ${n} problem${n === 1 ? '' : 's'}; fix them before publishing`, {
        details: { problems: report.problems },
      });
    }
    return publishInTransaction(deps, actorFields(actor), plan, geometry);
  });
}

/**
 * Publishing a validated draft, in the caller's transaction (the route's
 * publish above, or a file import): bump the community's version
 * (plan_outdated when someone published since the plan's base), write the
 * grids, retire removed ones, record lineage, move removed grids' workers and
 * logins to their largest successor, re-assign open incidents, audit.
 */
export async function publishInTransaction(deps: Pick<ServiceDeps, 'repos'>, who: ActorFields, plan: PlanRow, tx: Queryable): Promise<PublishResult> {
  const repo = deps.repos.gridPublish;
  const version = await repo.bumpVersion(plan.community_code, plan.base_version, who.actor, tx);
  if (version === null) {
    await assertCurrent(repo, plan, tx);
    throw new DomainError('plan_outdated', `community ${plan.community_code} was published after plan ${plan.id} was started`);
  }
  await repo.markTransaction(plan.id, tx);
  const before = await repo.snapshot(plan.community_code, tx);

  const features = await repo.features(plan, tx);
  const pairs = await repo.overlaps(plan, tx);
  const baseCodes = before.map((g) => g.code);
  const refs = features.map((f) => ({ key: Number(f.key), code: f.code, changed: f.changed === true }));
  const lineage = lineageOf(baseCodes, refs, pairs);
  const removed = removedCodes(baseCodes, refs);

  // New grids, numbered west→east within rows north→south like the originals.
  const fresh = features.filter((f) => f.code === null).sort((a, b) => b.y - a.y || a.x - b.x);
  const assigned = nextCodes(plan.community_code, await repo.usedCodes(plan.community_code, tx), fresh.length);
  const codeOf = new Map<number, string>(features.filter((f) => f.code).map((f) => [Number(f.key), f.code!]));
  fresh.forEach((f, i) => codeOf.set(Number(f.key), assigned[i]!));
  const communityName = await repo.communityName(plan.community_code, tx);

  await repo.retire(removed, tx);
  const codes = features.map((f) => codeOf.get(Number(f.key))!);
  await repo.writeGrids(
    plan,
    features,
    codes,
    codes.map((code) => gridName(communityName, Number(code.slice(12)))),
    tx,
  );

  const rows = lineage.map((l: LineageRow) => ({ old_code: l.oldCode, new_code: l.key === null ? null : codeOf.get(l.key)!, kind: l.kind, share: l.share }));
  await repo.insertLineage(plan.id, rows, tx);

  // Workers of a removed grid serve the grid that took most of its area.
  const heirs = removed.map((code) => {
    const best = pairs.filter((p) => p.oldCode === code).sort((a, b) => b.share - a.share)[0];
    return { code, heir: best ? codeOf.get(best.key)! : null };
  });
  await repo.moveWorkers(
    heirs.filter((h): h is { code: string; heir: string } => h.heir !== null),
    removed,
    tx,
  );
  // Logins scoped to a retired grid follow its workers, in this transaction,
  // so nobody is locked out or, worse, read as city-wide; a grid with no
  // successor hands its logins to the community.
  const scopesMoved = removed.length
    ? await repo.moveScopes(
        removed,
        heirs.map((h) => h.heir ?? plan.community_code),
        tx,
      )
    : [];
  const reassigned = await repo.reassignOpenIncidents(plan.community_code, tx);

  const result: PublishResult = {
    plan_id: plan.id,
    community_code: plan.community_code,
    version,
    codes: features.map((f) => ({ key: Number(f.key), code: codeOf.get(Number(f.key))! })),
    removed,
    lineage: rows,
    reassigned_incidents: reassigned,
  };
  await repo.markPublished(plan.id, tx);
  await recordAudit(
    deps,
    who,
    'grid.publish',
    { type: 'community', id: plan.community_code },
    {
      before: { version: plan.base_version, grids: before },
      after: {
        version: result.version,
        plan_id: plan.id,
        grids: await repo.snapshot(plan.community_code, tx),
        lineage: rows,
        reassigned_incidents: result.reassigned_incidents,
        scopes_moved: scopesMoved,
      },
    },
    tx,
  );
  return result;
}

/**
 * plan_outdated when the community was published since the plan's base
 * version. Checked before validation too: a stale plan's kept codes may name
 * grids retired since, which would read as the planner's mistake.
 */
async function assertCurrent(repo: GridPublishRepository, plan: PlanRow, tx: Queryable): Promise<void> {
  const now = await repo.currentVersion(plan.community_code, tx);
  if (!now || Number(now.version) === Number(plan.base_version)) return;
  throw new DomainError(
    'plan_outdated',
    `community ${plan.community_code} was published by ${now.published_by ?? 'someone else'}${now.published_at ? ` at ${new Date(now.published_at).toISOString()}` : ''}` +
      ` (now version ${now.version}) after plan ${plan.id} was started on version ${plan.base_version}; start a new plan from the current grids`,
  );
}

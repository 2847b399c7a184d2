import type { Queryable } from '../db/database.js';
import type { PlanFeatureInput } from '../repositories/grid-plan-repository.js';
import type { PlanProblem, PlanRules } from '../contract/grid-plan-reasons.js';
import { DEFAULT_GEOMETRY_LIMITS, type GeometryLimits } from '../plans/geojson-shape.js';
import { isGeometryEngineError, validityOf } from '../plans/geometry-validity.js';
import type { ActorFields } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError } from './domain-error.js';
import { batches, type FileFeature, type ImportProblem, type ParsedFeature, parseFeatures } from './grid-import-features.js';
import { publishInTransaction, type PublishResult } from './grid-publish-service.js';
import type { ServiceDeps } from './service-deps.js';

export interface ImportReport {
  valid: boolean;
  written: boolean;
  communities: { community_code: string; features: number; plan_id: number | null }[];
  problems: ImportProblem[];
  /** Problems of grids the file keeps as they are (household bounds, pieces): there before, not blocking. */
  warnings: ImportProblem[];
  published: PublishResult[];
}

/** Thrown inside a transaction to roll it back. */
class RolledBack extends Error {
  constructor() {
    super('rolled back on purpose');
  }
}

export type ImportDeps = Pick<ServiceDeps, 'db' | 'repos' | 'log'>;

/**
 * Imports the grids of one or more communities from GeoJSON: each community
 * of the file becomes a plan whose draft is the file's grids, validated like
 * any plan; only if every community is valid (and it is not a dry run) are
 * they published. Communities absent from the file
 * are left alone. A feature names its community by `community_code`, else by
 * its `code`'s first 12 digits, else by where it lies.
 *
 * A district may be large, so the work is cut small for the embedded
 * database, where a transaction holds the whole database: shapes and sizes
 * are checked here before any SQL; communities are located in bounded
 * batches; each community is checked in its own short transaction, rolled
 * back, and other requests run in between. Nothing is written unless every
 * community passed; then each is published in a transaction of its own.
 */
export async function importGrids(
  deps: ImportDeps,
  input: {
    region: string;
    scope: string | null;
    features: FileFeature[];
    dryRun: boolean;
    rules: PlanRules;
    who: ActorFields;
    name: string;
    limits?: GeometryLimits;
  },
): Promise<ImportReport> {
  const report: ImportReport = { valid: false, written: false, communities: [], problems: [], warnings: [], published: [] };
  const shaped = parseFeatures(input.features, input.limits ?? DEFAULT_GEOMETRY_LIMITS, report.problems);
  if (report.problems.length) return report;

  // GEOS validity first: overlays over an invalid grid can throw (or, in PGlite, silently return nothing).
  const parsed = await validFeatures(deps.db, shaped, report.problems);
  await locateCommunities(
    deps,
    parsed.filter((f) => !f.community),
  );
  const byCommunity = new Map<string, ParsedFeature[]>();
  for (const f of parsed) {
    const inRegion = f.community && f.community.startsWith(input.region) && (input.scope === null || f.community.startsWith(input.scope));
    if (!inRegion) {
      report.problems.push({
        feature: f.index,
        reason: 'outside_region',
        message: f.community ? `community ${f.community} is not in region ${input.region}` : `lies in no community of region ${input.region}`,
        community_code: f.community,
      });
      continue;
    }
    byCommunity.set(f.community!, [...(byCommunity.get(f.community!) ?? []), f]);
  }
  const known = await deps.repos.regions.communities([...byCommunity.keys()]);
  for (const [community, features] of byCommunity) {
    if (known.has(community)) continue;
    for (const f of features)
      report.problems.push({ feature: f.index, reason: 'unknown_community', message: `no community ${community}`, community_code: community });
    byCommunity.delete(community);
  }

  // Checking: one community at a time, each in a transaction that is always rolled back.
  const checkedVersions = new Map<string, number>();
  for (const [community, features] of byCommunity) {
    report.communities.push({ community_code: community, features: features.length, plan_id: null });
    checkedVersions.set(community, await checkCommunity(deps, input, community, features, report.problems, report.warnings));
  }
  report.valid = report.problems.length === 0;
  if (!report.valid || input.dryRun) return report;

  await publishCommunities(deps, input, report, byCommunity, checkedVersions);
  await recordAudit(
    deps,
    input.who,
    'grid.import',
    { type: 'region', id: input.region },
    { after: { name: input.name, communities: report.communities, features: parsed.length } },
  );
  report.written = true;
  return report;
}

/**
 * Publishes each checked community in its own transaction, one after
 * another, so that the embedded database answers other requests in between
 * (one transaction for a district held it for a minute). A community
 * published by someone else since its check stops the import there: 409,
 * naming what was already published; before the first write every version
 * is compared, so that is a race of seconds, not the usual case.
 */
async function publishCommunities(
  deps: ImportDeps,
  input: { who: ActorFields; name: string },
  report: ImportReport,
  byCommunity: Map<string, ParsedFeature[]>,
  checkedVersions: Map<string, number>,
): Promise<void> {
  const outdated = (community: string, version: number) =>
    new DomainError('plan_outdated', `community ${community} was published (now version ${version}) while the file was being checked`);
  const current = await deps.repos.plans.communityVersions([...checkedVersions.keys()]);
  for (const c of current) {
    if (checkedVersions.get(c.code) !== c.version) throw outdated(c.code, c.version);
  }
  for (const c of report.communities) {
    try {
      // The report changes only once the transaction committed: PostgreSQL may run its work again (a deadlock retried).
      const { planId, published } = await deps.db.transaction(async (tx) => {
        const planId = await stagePlan(deps, input, c.community_code, byCommunity.get(c.community_code)!, tx);
        const plan = (await deps.repos.plans.find(planId, null, tx))!;
        if (plan.base_version !== checkedVersions.get(c.community_code)) throw outdated(c.community_code, plan.base_version);
        return { planId, published: await publishInTransaction(deps, input.who, plan, tx) };
      });
      report.published.push(published);
      c.plan_id = planId;
    } catch (err) {
      if (!report.published.length || !(err instanceof DomainError)) throw err;
      const done = report.published.map((p) => p.community_code);
      throw new DomainError(err.reason, `${err.message}; communities ${done.join(', ')} were published before it, the others were not: import those again`);
    }
  }
}

/** The features GEOS finds valid; each other one is a problem (self_intersection or invalid_geometry, where). A batch per statement. */
async function validFeatures(db: Queryable, features: ParsedFeature[], problems: ImportProblem[]): Promise<ParsedFeature[]> {
  const valid: ParsedFeature[] = [];
  for (const batch of batches(features)) {
    const verdicts = await validityOf(
      db,
      batch.map((f) => f.geometry),
    );
    batch.forEach((f, i) => {
      const v = verdicts[i];
      if (!v) return valid.push(f);
      problems.push({
        feature: f.index,
        reason: v.reason,
        message: `geometry: ${v.message}`,
        geometry: v.location ? { type: 'Point', coordinates: v.location } : null,
      });
    });
  }
  return valid;
}

/** Fills in the community of features that name none, by where their interior lies: read-only, a batch per statement. */
async function locateCommunities(deps: ImportDeps, features: ParsedFeature[]): Promise<void> {
  for (const batch of batches(features)) {
    const found = await deps.repos.regions.communitiesContaining(batch.map((f) => f.geometry));
    batch.forEach((f, i) => {
      f.community = found[i] ?? null;
    });
  }
}

/** A plan of `community` whose revision 0 is the file's features, written in batches; returns its id. */
async function stagePlan(
  deps: ImportDeps,
  input: { who: ActorFields; name: string },
  community: string,
  features: ParsedFeature[],
  tx: Queryable,
): Promise<number> {
  const planId = await deps.repos.plans.create({ name: input.name, community, actor: input.who.actor, actorUserId: input.who.actorUserId }, tx);
  await deps.repos.plans.clearFeatures(planId, tx);
  for (const batch of batches(features)) {
    const rows: PlanFeatureInput[] = batch.map((f) => ({
      key: f.index + 1,
      code: f.code,
      name: f.name,
      households: f.households,
      population: f.population,
      geometry: f.geometry,
    }));
    await deps.repos.plans.insertFeatures(planId, 0, rows, tx);
  }
  return planId;
}

/**
 * Validates one community's features as a plan in a transaction that is
 * always rolled back; adds its problems; returns the community version the
 * check was made against. A geometry GEOS cannot compute is a problem of the
 * community, in our words (the original goes to the log).
 */
async function checkCommunity(
  deps: ImportDeps,
  input: { who: ActorFields; name: string; rules: PlanRules },
  community: string,
  features: ParsedFeature[],
  problems: ImportProblem[],
  warnings: ImportProblem[],
): Promise<number> {
  let version = -1;
  try {
    await deps.db.transaction(async (tx) => {
      const planId = await stagePlan(deps, input, community, features, tx);
      version = (await deps.repos.plans.find(planId, null, tx))!.base_version;
      const v = await deps.repos.planAnalysis.validate(planId, 0, input.rules, tx);
      const asImport = (p: PlanProblem): ImportProblem => ({
        feature: p.properties.keys.length ? p.properties.keys[0]! - 1 : -1,
        reason: p.properties.reason,
        message: p.properties.message,
        community_code: community,
        geometry: p.geometry,
      });
      problems.push(...v.problems.features.map(asImport));
      warnings.push(...v.warnings.features.map(asImport));
      throw new RolledBack();
    });
  } catch (err) {
    if (err instanceof RolledBack) return version;
    const refused = isGeometryEngineError(err) || (err instanceof DomainError && err.reason === 'invalid_geometry');
    if (!refused) throw err;
    deps.log?.warn({ geos: (err as Error).message, community }, 'geometry engine refused an imported community');
    // Nothing about this community can be trusted: report it, never take it as checked.
    problems.push({
      feature: -1,
      reason: 'invalid_geometry',
      community_code: community,
      message: `PostGIS could not compute the grids of community ${community} (edges that nearly touch or cross); check them in a GIS`,
    });
  }
  return version;
}

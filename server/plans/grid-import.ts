import type { Database, Queryable } from '../db/database.js';
import type { GridPlanRepository, PlanFeatureInput } from '../repositories/grid-plan-repository.js';
import type { Actor, GridPublishRepository, PublishResult } from '../repositories/grid-publish-repository.js';
import type { PlanAnalysisRepository } from '../repositories/plan-analysis-repository.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { PlanProblem, PlanRules } from './grid-plan-reasons.js';
import { polygonalShape } from './geojson-shape.js';

/** A problem of one feature of the file (index from 0), or of the file (-1). */
export interface ImportProblem {
  feature: number;
  reason: string;
  message: string;
  community_code?: string | null;
  geometry?: unknown;
}

export interface ImportReport {
  valid: boolean;
  written: boolean;
  communities: { community_code: string; features: number; plan_id: number | null }[];
  problems: ImportProblem[];
  published: PublishResult[];
}

interface FileFeature {
  geometry?: unknown;
  properties?: Record<string, unknown> | null;
}

/** Thrown inside the transaction to roll back a dry run or a rejected file, carrying the report out. */
class RolledBack extends Error {
  constructor(readonly report: ImportReport) {
    super('import rolled back');
  }
}

const optionalCount = (v: unknown) => (v === undefined || v === null ? null : Number.isInteger(v) && (v as number) >= 0 ? (v as number) : NaN);

/**
 * Imports the grids of one or more communities from GeoJSON: each community
 * of the file becomes a plan whose draft is the file's grids, validated like
 * any plan; only if every community is valid (and it is not a dry run) are
 * they all published, in one transaction. Communities absent from the file
 * are left alone. A feature names its community by `community_code`, else by
 * its `code`'s first 12 digits, else by where it lies.
 */
export async function importGrids(
  deps: { db: Database; plans: GridPlanRepository; analysis: PlanAnalysisRepository; publish: GridPublishRepository; audit: AuditRepository },
  input: { region: string; scope: string | null; features: FileFeature[]; dryRun: boolean; rules: PlanRules; who: Actor; name: string },
): Promise<ImportReport> {
  const report: ImportReport = { valid: false, written: false, communities: [], problems: [], published: [] };
  if (!input.features.length) report.problems.push({ feature: -1, reason: 'no_features', message: 'the file has no features' });
  const parsed = input.features.map((f, i) => {
    const p = f.properties ?? {};
    const shape = polygonalShape(f.geometry);
    if (!shape.valid) report.problems.push({ feature: i, reason: shape.reason, message: shape.message });
    const code = p.code === undefined || p.code === null ? null : String(p.code);
    if (code !== null && !/^[0-9]{15}$/.test(code)) report.problems.push({ feature: i, reason: 'bad_code', message: `code ${JSON.stringify(code)} is not a 15-digit grid code` });
    const households = optionalCount(p.households);
    const population = optionalCount(p.population);
    if (Number.isNaN(households) || Number.isNaN(population)) report.problems.push({ feature: i, reason: 'bad_count', message: 'households and population must be whole numbers ≥ 0' });
    const community = p.community_code ? String(p.community_code) : code ? code.slice(0, 12) : null;
    const name = typeof p.name === 'string' && p.name.trim() ? p.name.trim() : null;
    return { index: i, code, community, name, households, population, geometry: f.geometry, ok: shape.valid };
  });
  if (report.problems.length) return report;

  try {
    await deps.db.transaction(async (tx) => {
      await locateCommunities(tx, parsed);
      const byCommunity = new Map<string, typeof parsed>();
      for (const f of parsed) {
        const inRegion = f.community && f.community.startsWith(input.region) && (input.scope === null || f.community.startsWith(input.scope));
        if (!inRegion) {
          report.problems.push({ feature: f.index, reason: 'outside_region', message: f.community ? `community ${f.community} is not in region ${input.region}` : `lies in no community of region ${input.region}`, community_code: f.community });
          continue;
        }
        byCommunity.set(f.community!, [...(byCommunity.get(f.community!) ?? []), f]);
      }
      const known = await tx.query<{ code: string }>(`SELECT code FROM region WHERE level = 'community' AND code = ANY ($1::text[])`, [[...byCommunity.keys()]]);
      for (const [community, features] of byCommunity) {
        if (!known.some((k) => k.code === community)) {
          for (const f of features) report.problems.push({ feature: f.index, reason: 'unknown_community', message: `no community ${community}`, community_code: community });
          continue;
        }
        const planId = await deps.plans.create({ name: input.name, community, actor: input.who.actor, actorUserId: input.who.actorUserId }, tx);
        await tx.query('DELETE FROM grid_plan_feature WHERE plan_id = $1', [planId]);
        const rows: PlanFeatureInput[] = features.map((f) => ({ key: f.index + 1, code: f.code, name: f.name, households: f.households, population: f.population, geometry: f.geometry }));
        await deps.plans.insertFeatures(planId, 0, rows, tx);
        report.communities.push({ community_code: community, features: features.length, plan_id: planId });
        const v = await deps.analysis.validate(planId, 0, input.rules, tx);
        for (const p of v.problems.features as PlanProblem[]) {
          report.problems.push({ feature: p.properties.keys.length ? p.properties.keys[0]! - 1 : -1, reason: p.properties.reason, message: p.properties.message, community_code: community, geometry: p.geometry });
        }
      }
      report.valid = report.problems.length === 0;
      if (!report.valid || input.dryRun) throw new RolledBack(report);
      for (const c of report.communities) {
        const plan = (await deps.plans.find(c.plan_id!, null, tx))!;
        report.published.push(await deps.publish.publish(plan, input.who, tx));
      }
      report.written = true;
      await deps.audit.record({ ...input.who, action: 'grid.import', targetType: 'region', targetId: input.region,
        after: { name: input.name, communities: report.communities, features: parsed.length } }, tx);
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    // Dry run or rejected: the plans made for checking are gone with the transaction.
    for (const c of report.communities) c.plan_id = null;
  }
  return report;
}

/** Fills in the community of features that name none, by where their interior lies. */
async function locateCommunities(tx: Queryable, features: { index: number; community: string | null; geometry: unknown }[]): Promise<void> {
  const unknown = features.filter((f) => !f.community);
  if (!unknown.length) return;
  const rows = await tx.query<{ i: number; code: string | null }>(
    `SELECT f.i::int, (SELECT r.code FROM region r WHERE r.level = 'community'
                         AND ST_Intersects(r.boundary, ST_PointOnSurface(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f.g), 4326))))
                       ORDER BY r.code LIMIT 1) AS code
       FROM unnest($1::int[], $2::text[]) AS f(i, g)`,
    [unknown.map((f) => f.index), unknown.map((f) => JSON.stringify(f.geometry))]);
  for (const r of rows) features[r.i]!.community = r.code;
}

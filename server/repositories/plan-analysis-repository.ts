import type { Queryable } from '../db/database.js';
import { geometryEngineRefusal, validityInWords } from '../plans/geometry-validity.js';
import { AREA_TOLERANCE_M2, PLAN_REASON, WIDTH_TOLERANCE_M, type PlanRules, type ValidationReport } from '../contract/grid-plan-reasons.js';
import type { WhatIf } from '../contract/plan-schemas.js';
import { sqlFile } from './sql-file.js';

const VALIDATE = sqlFile('plan-validate.sql');
const WHAT_IF = sqlFile('plan-what-if.sql');
const DIFF = sqlFile('plan-diff.sql');

export type { WhatIf, WhatIfGrid } from '../contract/plan-schemas.js';

/** Validation, what-if and diff of a draft revision: read-only, all in PostGIS. */
export function createPlanAnalysisRepository(db: Queryable) {
  return {
    async validate(planId: number, revision: number, rules: PlanRules, tx: Queryable = db): Promise<ValidationReport> {
      const [row] = await tx.query<{ body: string }>(VALIDATE, [
        planId,
        revision,
        rules.urban.min,
        rules.urban.max,
        rules.rural.min,
        rules.rural.max,
        AREA_TOLERANCE_M2,
        WIDTH_TOLERANCE_M,
      ]);
      // PGlite can lose a GEOS error and return no row (see plan-validate.sql).
      if (!row) throw geometryEngineRefusal(`validation of plan ${planId}`);
      const { problems, warnings } = JSON.parse(row.body) as Pick<ValidationReport, 'problems' | 'warnings'>;
      // GEOS's reason text differs between its versions (PGlite and PostgreSQL ship different ones): say it in our words.
      for (const p of problems.features) {
        if (p.properties.reason !== PLAN_REASON.selfIntersection && p.properties.reason !== PLAN_REASON.invalidGeometry) continue;
        const at = p.geometry?.type === 'Point' ? (p.geometry.coordinates as number[]) : null;
        p.properties.message = validityInWords(p.properties.message, at).message;
      }
      return { valid: problems.features.length === 0, revision, problems, warnings };
    },

    async whatIf(planId: number, revision: number, from: Date, to: Date, tx: Queryable = db): Promise<WhatIf> {
      const [row] = await tx.query<{ body: string }>(WHAT_IF, [planId, revision, from, to]);
      return JSON.parse(row!.body) as WhatIf;
    },

    async diffText(planId: number, revision: number, tx: Queryable = db): Promise<string> {
      const [row] = await tx.query<{ body: string }>(DIFF, [planId, revision, AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M]);
      return row!.body;
    },
  };
}

export type PlanAnalysisRepository = ReturnType<typeof createPlanAnalysisRepository>;

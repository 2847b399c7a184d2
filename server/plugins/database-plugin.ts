import fp from 'fastify-plugin';
import type { Database } from '../db/database.js';
import { createGridRepository, type GridRepository } from '../repositories/grid-repository.js';
import { createIncidentRepository, type IncidentRepository } from '../repositories/incident-repository.js';
import { createMapRepository, type MapRepository } from '../repositories/map-repository.js';
import { createRegionRepository, type RegionRepository } from '../repositories/region-repository.js';
import { createIncidentWorkflowRepository, type IncidentWorkflowRepository } from '../repositories/incident-workflow-repository.js';
import { createDirectiveRepository, type DirectiveRepository } from '../repositories/directive-repository.js';
import { createAuditRepository, type AuditRepository } from '../repositories/audit-repository.js';
import { createLoginFailureRepository, type LoginFailureRepository } from '../repositories/login-failure-repository.js';
import { createSessionRepository, type SessionRepository } from '../repositories/session-repository.js';
import { createTokenRepository, type TokenRepository } from '../repositories/token-repository.js';
import { createUserRepository, type UserRepository } from '../repositories/user-repository.js';
import { createStatsRepository, type StatsRepository } from '../repositories/stats-repository.js';
import { createExploreRepository, type ExploreRepository } from '../repositories/explore-repository.js';
import { createGridPlanRepository, type GridPlanRepository } from '../repositories/grid-plan-repository.js';
import { createPlanEditRepository, type PlanEditRepository } from '../repositories/plan-edit-repository.js';
import { createPlanAnalysisRepository, type PlanAnalysisRepository } from '../repositories/plan-analysis-repository.js';
import { createGridPublishRepository, type GridPublishRepository } from '../repositories/grid-publish-repository.js';
import { createUnitRepository, type UnitRepository } from '../repositories/unit-repository.js';
import { createGridVersionRepository, type GridVersionRepository } from '../repositories/grid-version-repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    repos: {
      regions: RegionRepository;
      grids: GridRepository;
      incidents: IncidentRepository;
      stats: StatsRepository;
      users: UserRepository;
      sessions: SessionRepository;
      loginFailures: LoginFailureRepository;
      tokens: TokenRepository;
      audit: AuditRepository;
      workflow: IncidentWorkflowRepository;
      directives: DirectiveRepository;
      map: MapRepository;
      explore: ExploreRepository;
      plans: GridPlanRepository;
      planEdits: PlanEditRepository;
      planAnalysis: PlanAnalysisRepository;
      gridPublish: GridPublishRepository;
      gridVersions: GridVersionRepository;
      units: UnitRepository;
    };
  }
}

/**
 * Makes the database and the repositories over it available to routes. The
 * database is opened (and migrated) by the caller, which also owns closing it:
 * tests share one seeded database between many app instances.
 */
export default fp(
  async (app, opts: { db: Database }) => {
    app.decorate('db', opts.db);
    const plans = createGridPlanRepository(opts.db);
    const audit = createAuditRepository(opts.db);
    app.decorate('repos', {
      regions: createRegionRepository(opts.db),
      grids: createGridRepository(opts.db),
      incidents: createIncidentRepository(opts.db),
      stats: createStatsRepository(opts.db),
      users: createUserRepository(opts.db),
      sessions: createSessionRepository(opts.db),
      loginFailures: createLoginFailureRepository(opts.db),
      tokens: createTokenRepository(opts.db),
      audit,
      workflow: createIncidentWorkflowRepository(opts.db),
      directives: createDirectiveRepository(opts.db),
      map: createMapRepository(opts.db),
      explore: createExploreRepository(opts.db),
      plans,
      planEdits: createPlanEditRepository(plans),
      planAnalysis: createPlanAnalysisRepository(opts.db),
      gridPublish: createGridPublishRepository(audit),
      gridVersions: createGridVersionRepository(opts.db),
      units: createUnitRepository(opts.db),
    });
  },
  { name: 'database' },
);

import type { Queryable } from '../db/database.js';
import { createGridRepository, type GridRepository } from './grid-repository.js';
import { createIncidentRepository, type IncidentRepository } from './incident-repository.js';
import { createMapRepository, type MapRepository } from './map-repository.js';
import { createRegionRepository, type RegionRepository } from './region-repository.js';
import { createIncidentWorkflowRepository, type IncidentWorkflowRepository } from './incident-workflow-repository.js';
import { createDirectiveRepository, type DirectiveRepository } from './directive-repository.js';
import { createAuditRepository, type AuditRepository } from './audit-repository.js';
import { createLoginFailureRepository, type LoginFailureRepository } from './login-failure-repository.js';
import { createSessionRepository, type SessionRepository } from './session-repository.js';
import { createTokenRepository, type TokenRepository } from './token-repository.js';
import { createUserRepository, type UserRepository } from './user-repository.js';
import { createStatsRepository, type StatsRepository } from './stats-repository.js';
import { createExploreRepository, type ExploreRepository } from './explore-repository.js';
import { createGridPlanRepository, type GridPlanRepository } from './grid-plan-repository.js';
import { createPlanEditRepository, type PlanEditRepository } from './plan-edit-repository.js';
import { createPlanAnalysisRepository, type PlanAnalysisRepository } from './plan-analysis-repository.js';
import { createGridPublishRepository, type GridPublishRepository } from './grid-publish-repository.js';
import { createGridVersionRepository, type GridVersionRepository } from './grid-version-repository.js';
import { createUnitRepository, type UnitRepository } from './unit-repository.js';
import { createFieldRepository, type FieldRepository } from './field-repository.js';
import { createTileRepository, type TileRepository } from './tile-repository.js';
import { createIncidentAlertRepository, type IncidentAlertRepository } from './incident-alert-repository.js';
import { createReplicaRepository, type ReplicaRepository } from './replica-repository.js';

/** Every repository, each over the same database. */
export interface Repositories {
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
  alerts: IncidentAlertRepository;
  directives: DirectiveRepository;
  map: MapRepository;
  explore: ExploreRepository;
  plans: GridPlanRepository;
  planEdits: PlanEditRepository;
  planAnalysis: PlanAnalysisRepository;
  gridPublish: GridPublishRepository;
  gridVersions: GridVersionRepository;
  units: UnitRepository;
  field: FieldRepository;
  tiles: TileRepository;
  /** Meaningful only in app.readRepos when a read replica is configured (app.hasReadReplica): /api/health asks it. */
  replica: ReplicaRepository;
}

/** The repositories over one database; routes get them as app.repos, services as deps.repos. */
export function createRepositories(db: Queryable): Repositories {
  const plans = createGridPlanRepository(db);
  return {
    regions: createRegionRepository(db),
    grids: createGridRepository(db),
    incidents: createIncidentRepository(db),
    stats: createStatsRepository(db),
    users: createUserRepository(db),
    sessions: createSessionRepository(db),
    loginFailures: createLoginFailureRepository(db),
    tokens: createTokenRepository(db),
    audit: createAuditRepository(db),
    workflow: createIncidentWorkflowRepository(db),
    alerts: createIncidentAlertRepository(db),
    directives: createDirectiveRepository(db),
    map: createMapRepository(db),
    explore: createExploreRepository(db),
    plans,
    planEdits: createPlanEditRepository(),
    planAnalysis: createPlanAnalysisRepository(db),
    gridPublish: createGridPublishRepository(),
    gridVersions: createGridVersionRepository(db),
    units: createUnitRepository(db),
    field: createFieldRepository(db),
    tiles: createTileRepository(db),
    replica: createReplicaRepository(db),
  };
}

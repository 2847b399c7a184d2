import type { Static } from 'typebox';
import { apiRequest } from '../shared/api-request.js';
import type { Json } from '../../server/contract/common-schemas.js';
import type { ExploreShapeCollection, PlanDiffFeature, PlanGridFeature } from '../../server/contract/geojson-schemas.js';
import type { PlanProblem, ValidationReport } from '../../server/contract/grid-plan-reasons.js';
import type { PlanEditBody, PlanSchema, PublishResult, WhatIf } from '../../server/contract/plan-schemas.js';
import type { RegionNode } from '../../server/contract/wall-schemas.js';
import { pathName, placesWithPaths } from '../shared/place-paths.js';

/** The API's shapes, from the server's own schemas (server/contract/). */
export type Plan = Json<Static<typeof PlanSchema>>;
export type PlanEdit = PlanEditBody;
export type { PlanProblem, ValidationReport, WhatIf };

export type PlanGrid = PlanGridFeature;
export type PlanGridProperties = PlanGrid['properties'];

export interface PlanWithGrids {
  plan: Plan;
  features: { type: 'FeatureCollection'; features: PlanGrid[] };
}

export type DiffFeature = PlanDiffFeature;

/** A published place (a grid of the community chosen, or a region of the planner's scope) with its label point and bbox. */
export type PublishedShape = ExploreShapeCollection['features'][number];

/** What the map shows while no plan is open: the places of `region` ('' = the caller's scope) and the community's own names. */
export interface PublishedPlaces {
  region: string;
  shapes: ExploreShapeCollection;
  /** The community whose grids these are (null for the scope's regions): its name is left off their labels. */
  community: { name: string; name_en: string | null } | null;
}

/** Every call the editor makes; writes carry the session's CSRF token. */
export class PlanApi {
  constructor(private readonly csrf: string | null) {}

  regions = () => apiRequest<{ regions: RegionNode[] }>('GET', '/api/regions');
  /** The published children of a place (the grids of a community), as the explorer has them; simplify 0 = the very edges a plan copies. */
  shapes = (region: string, simplify?: number) =>
    apiRequest<ExploreShapeCollection>('GET', '/api/explore/shapes', { query: { region, ...(simplify === undefined ? {} : { simplify }) } });
  plans = (community: string) => apiRequest<{ plans: Plan[] }>('GET', '/api/plans', { query: { community, status: 'draft' } });
  create = (name: string, community: string) => apiRequest<Plan>('POST', '/api/plans', { csrf: this.csrf, body: { name, community } });
  load = (id: number) => apiRequest<PlanWithGrids>('GET', `/api/plans/${id}`);
  edit = (id: number, edit: PlanEdit) => apiRequest<PlanWithGrids & { changed: number[] }>('POST', `/api/plans/${id}/edits`, { csrf: this.csrf, body: edit });
  undo = (id: number) => apiRequest<PlanWithGrids>('POST', `/api/plans/${id}/undo`, { csrf: this.csrf });
  redo = (id: number) => apiRequest<PlanWithGrids>('POST', `/api/plans/${id}/redo`, { csrf: this.csrf });
  validate = (id: number) => apiRequest<ValidationReport>('POST', `/api/plans/${id}/validate`, { csrf: this.csrf });
  whatIf = (id: number) => apiRequest<WhatIf>('GET', `/api/plans/${id}/what-if`);
  diff = (id: number) => apiRequest<{ features: DiffFeature[] }>('GET', `/api/plans/${id}/diff`);
  publish = (id: number) => apiRequest<PublishResult>('POST', `/api/plans/${id}/publish`, { csrf: this.csrf });
  abandon = (id: number) => apiRequest<Plan>('PATCH', `/api/plans/${id}`, { csrf: this.csrf, body: { status: 'abandoned' } });
}

/** A community the editor offers: its own names and its path (district / street / community) in both languages. */
export interface Community {
  code: string;
  name: string;
  name_en: string | null;
  label: Record<'zh' | 'en', string>;
}

/** The communities of a region tree, each with its path (district / street / community) in both languages. */
export function communitiesOf(nodes: RegionNode[]): Community[] {
  return placesWithPaths(nodes)
    .filter(({ place }) => place.level === 'community')
    .map(({ place: c, path }) => ({ code: c.code, name: c.name, name_en: c.name_en, label: { zh: pathName('zh', path), en: pathName('en', path) } }));
}

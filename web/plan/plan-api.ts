import type { Static } from 'typebox';
import { apiRequest } from '../shared/api-request.js';
import type { PlanEditBody, PlanSchema } from '../../server/contract/plan-schemas.js';
import type { PlanProblem, ValidationReport } from '../../server/contract/grid-plan-reasons.js';
import type { WhatIf } from '../../server/repositories/plan-analysis-repository.js';

/** The API's shapes, from the server's own schemas and types. */
export type Plan = Static<typeof PlanSchema>;
export type PlanEdit = PlanEditBody;
export type { PlanProblem, ValidationReport, WhatIf };

export interface PlanGridProperties {
  key: number;
  code: string | null;
  name: string | null;
  households: number;
  population: number;
  workers: number;
  incidents: number;
  area_km2: number;
}

export interface PlanGrid {
  type: 'Feature';
  id: number;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: any };
  properties: PlanGridProperties;
}

export interface PlanWithGrids {
  plan: Plan;
  features: { type: 'FeatureCollection'; features: PlanGrid[] };
}

export interface DiffFeature {
  type: 'Feature';
  geometry: unknown;
  properties: { change: 'new' | 'changed' | 'removed' | 'unchanged'; key: number | null; code: string | null; name: string | null; changed_m2: number | null };
}

export interface RegionNode {
  code: string;
  level: string;
  name: string;
  children: RegionNode[];
}

/** Every call the editor makes; writes carry the session's CSRF token. */
export class PlanApi {
  constructor(private readonly csrf: string | null) {}

  regions = () => apiRequest<{ regions: RegionNode[] }>('GET', '/api/regions');
  plans = (community: string) => apiRequest<{ plans: Plan[] }>('GET', '/api/plans', { query: { community, status: 'draft' } });
  create = (name: string, community: string) => apiRequest<Plan>('POST', '/api/plans', { csrf: this.csrf, body: { name, community } });
  load = (id: number) => apiRequest<PlanWithGrids>('GET', `/api/plans/${id}`);
  edit = (id: number, edit: PlanEdit) => apiRequest<PlanWithGrids & { changed: number[] }>('POST', `/api/plans/${id}/edits`, { csrf: this.csrf, body: edit });
  undo = (id: number) => apiRequest<PlanWithGrids>('POST', `/api/plans/${id}/undo`, { csrf: this.csrf });
  redo = (id: number) => apiRequest<PlanWithGrids>('POST', `/api/plans/${id}/redo`, { csrf: this.csrf });
  validate = (id: number) => apiRequest<ValidationReport>('POST', `/api/plans/${id}/validate`, { csrf: this.csrf });
  whatIf = (id: number) => apiRequest<WhatIf>('GET', `/api/plans/${id}/what-if`);
  diff = (id: number) => apiRequest<{ features: DiffFeature[] }>('GET', `/api/plans/${id}/diff`);
  publish = (id: number) => apiRequest<{ version: number; codes: { key: number; code: string }[]; reassigned_incidents: number }>('POST', `/api/plans/${id}/publish`, { csrf: this.csrf });
  abandon = (id: number) => apiRequest<Plan>('PATCH', `/api/plans/${id}`, { csrf: this.csrf, body: { status: 'abandoned' } });
}

/** The communities of a region tree, flattened with their street's and district's names. */
export function communitiesOf(nodes: RegionNode[], path: string[] = []): { code: string; label: string }[] {
  return nodes.flatMap((n) => (n.level === 'community'
    ? [{ code: n.code, label: [...path, n.name].join(' / ') }]
    : communitiesOf(n.children, n.level === 'city' ? path : [...path, n.name])));
}

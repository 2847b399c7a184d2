/**
 * The roles of issue 3. A principal (a logged-in user, an API token or an
 * anonymous reader) always has exactly one role and a scope.
 */
export const ROLES = ['commander', 'district_leader', 'staff', 'dispatcher', 'handler', 'grid_worker', 'planner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  commander: { zh: '指挥长', en: 'City commander' },
  district_leader: { zh: '区县领导', en: 'District leader' },
  staff: { zh: '街道/社区工作人员', en: 'Street/community staff' },
  dispatcher: { zh: '调度员', en: 'Dispatcher' },
  handler: { zh: '部门处置人员', en: 'Department handler' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  planner: { zh: '网格规划员', en: 'Planner' },
  viewer: { zh: '只读/大屏', en: 'Viewer / wall display' },
};

/** Roles whose scope must name a region (or, for grid workers, a grid). */
export const SCOPED_ROLES: readonly Role[] = ['district_leader', 'staff', 'grid_worker'];

export interface Principal {
  kind: 'user' | 'token' | 'anonymous';
  /** app_user.id or api_token.id; null when anonymous. */
  id: number | null;
  /** How the audit log names the actor: 'user:alice', 'token:7', 'anonymous'. */
  actor: string;
  role: Role;
  /** Region or grid code whose subtree is visible; null = the whole city. */
  scope: string | null;
  /** The handling unit (handlers only). */
  unit: string | null;
  /** The acting user's id, for foreign keys in history tables (a token acts for its creator). */
  userId: number | null;
  displayName: string;
}

/** True when `code` (a region, grid or incident's grid code) lies in the principal's subtree. */
export function inScope(scope: string | null, code: string): boolean {
  return scope === null || code.startsWith(scope);
}

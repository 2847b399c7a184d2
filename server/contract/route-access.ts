import { ROLES, type Role } from './vocabulary.js';

/**
 * Who may call each API route: the one place authorisation is declared.
 * auth-plugin.ts refuses to start if an /api route is missing here (fail
 * closed), checks every request against it, and the role × endpoint test
 * matrix (tests/auth/route-access.test.ts) is generated from it.
 *
 * - 'public': anyone, without credentials (health, login).
 * - 'signed-in': any principal, including the anonymous reader when enabled.
 * - a list of roles: those roles only. The anonymous reader counts as a
 *   viewer, for GET routes only.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export const EVERY_ROLE: readonly Role[] = ROLES;
const COMMANDER: readonly Role[] = ['commander'];
/** Who may edit grid boundaries: planners within their scope, and the city commander. */
const PLANNERS: readonly Role[] = ['commander', 'planner'];

export const ROUTE_ACCESS: Record<string, Access> = {
  'GET /api/health': 'public',
  'POST /api/auth/login': 'public',
  'GET /api/auth/me': 'signed-in',
  'POST /api/auth/logout': 'signed-in',
  // Any principal may call it; the route itself accepts only a token in the Authorization header.
  'POST /api/auth/token-session': 'signed-in',

  // Reads: every role, each scoped in SQL to its own subtree.
  'GET /api/regions': EVERY_ROLE,
  'GET /api/regions/:code': EVERY_ROLE,
  'GET /api/grids': EVERY_ROLE,
  'GET /api/grids/:code': EVERY_ROLE,
  'GET /api/incidents': EVERY_ROLE,
  'GET /api/incidents/:code': EVERY_ROLE,
  'GET /api/incidents/:code/photos/:id': EVERY_ROLE,

  // The incident workflow. Which action each role may take is finer than a
  // route: server/workflow/incident-workflow.ts TRANSITIONS decides (403).
  'POST /api/incidents': ['commander', 'dispatcher', 'grid_worker'],
  // Grid workers take one action: the on-site check (核查) of a resolved incident in their grid.
  'POST /api/incidents/:code/transitions': ['commander', 'dispatcher', 'handler', 'grid_worker'],
  'POST /api/incidents/:code/photos': ['commander', 'dispatcher', 'handler', 'grid_worker'],

  // The field app (/m): reports nearby before reporting, for those who report.
  'GET /api/incidents/nearby': ['commander', 'dispatcher', 'grid_worker'],
  // The phone's task list: grid workers and handlers.
  'GET /api/me/tasks': ['grid_worker', 'handler'],
  // The grids around a grid worker's own (their community's outlines and names): their phone's map.
  'GET /api/me/community': ['grid_worker'],
  // Opt-in position sharing by grid workers; read (each view audited) by those who dispatch, within their scope.
  'PUT /api/me/position': ['grid_worker'],
  'DELETE /api/me/position': ['grid_worker'],
  'GET /api/workers/positions': ['commander', 'dispatcher'],
  // The units to dispatch to: the dispatch console's (/dispatch) own read, so
  // who may open that page (web/home/page-directory.ts) follows from it;
  // district leaders read the console without acting.
  'GET /api/units': ['commander', 'dispatcher', 'district_leader'],
  // The console's map of possible duplicates: those who file and mark them, and leaders reading along.
  'GET /api/incidents/:code/nearby': ['commander', 'dispatcher', 'district_leader'],
  // Phone numbers in clear, each view audited: those who call the workers only.
  'GET /api/incidents/:code/contacts': ['commander', 'dispatcher'],
  'POST /api/incidents/:code/contacts/:worker': ['commander', 'dispatcher'],
  // The console's bulk triage and dispatch deadline preview: those who file, reject and dispatch.
  'POST /api/incidents/transitions': ['commander', 'dispatcher'],
  'GET /api/incidents/:code/deadline-preview': ['commander', 'dispatcher'],
  'GET /api/stats/summary': EVERY_ROLE,
  'GET /api/stats/categories': EVERY_ROLE,
  'GET /api/stream': EVERY_ROLE,
  'GET /api/map/grids': EVERY_ROLE,
  'GET /api/map/grid-metrics': EVERY_ROLE,
  'GET /api/map/heatmap': EVERY_ROLE,
  'GET /api/map/outlines': EVERY_ROLE,
  // Vector tiles: the map reads above, in tiles; scoped like them.
  'GET /tiles/:layer.json': EVERY_ROLE,
  'GET /tiles/:layer/:z/:x/:y.mvt': EVERY_ROLE,
  'GET /api/wall/config': EVERY_ROLE,
  // The district explorer (/explore): aggregates of the caller's own subtree.
  'GET /api/explore/children': EVERY_ROLE,
  'GET /api/explore/series': EVERY_ROLE,
  'GET /api/explore/shapes': EVERY_ROLE,
  'GET /api/explore/grids/:code': EVERY_ROLE,
  'GET /api/explore/search': EVERY_ROLE,

  // Directives (指令): the command centre and dispatchers send them; district
  // leaders and staff answer for their own district (server/services/directive-service.ts
  // checks the district, 403), the centre may answer for any.
  'GET /api/directives': EVERY_ROLE,
  'GET /api/directives/:id': EVERY_ROLE,
  'POST /api/directives': ['commander', 'dispatcher'],
  'POST /api/directives/:id/answers': ['commander', 'dispatcher', 'district_leader', 'staff'],
  // Daily rounds (日报告): read like the directive, answered like it.
  'GET /api/directives/:id/rounds': EVERY_ROLE,
  'POST /api/directives/:id/rounds/:round/answers': ['commander', 'dispatcher', 'district_leader', 'staff'],
  // Reminding (催报) the districts that have not answered: those who send directives.
  'POST /api/directives/:id/reminders': ['commander', 'dispatcher'],

  // Grid history and export: every reader, scoped.
  'GET /api/grids/history': EVERY_ROLE,
  'GET /api/grids/lineage': EVERY_ROLE,
  'GET /api/grids/export': EVERY_ROLE,

  // Boundary plans (网格调整): planners and the commander, inside their scope
  // (a plan of a community outside it answers 404).
  'GET /api/grids/workload': PLANNERS,
  'POST /api/grids/import': PLANNERS,
  'GET /api/plans': PLANNERS,
  'POST /api/plans': PLANNERS,
  'GET /api/plans/:id': PLANNERS,
  'PATCH /api/plans/:id': PLANNERS,
  'POST /api/plans/:id/edits': PLANNERS,
  'POST /api/plans/:id/undo': PLANNERS,
  'POST /api/plans/:id/redo': PLANNERS,
  'POST /api/plans/:id/validate': PLANNERS,
  'GET /api/plans/:id/what-if': PLANNERS,
  'GET /api/plans/:id/diff': PLANNERS,
  'POST /api/plans/:id/publish': PLANNERS,

  // Identity administration and the audit log: the city commander.
  'GET /api/users': COMMANDER,
  'POST /api/users': COMMANDER,
  'PATCH /api/users/:id': COMMANDER,
  'GET /api/tokens': COMMANDER,
  'POST /api/tokens': COMMANDER,
  'DELETE /api/tokens/:id': COMMANDER,
  'GET /api/audit': COMMANDER,
};

/** The declared access of a route, by method and URL pattern as Fastify reports them (HEAD counts as GET). */
export function accessOf(method: string, url: string): Access | undefined {
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

/** Whether a principal of `role` (undefined = no credentials) may call a route with `access`. */
export function decide(access: Access, method: string, principal: { role: Role; kind: string } | undefined): Decision {
  if (access === 'public') return 'allow';
  if (!principal) return 'unauthenticated';
  if (access === 'signed-in') return 'allow';
  if (principal.kind === 'anonymous' && method !== 'GET' && method !== 'HEAD') return 'unauthenticated';
  return access.includes(principal.role) ? 'allow' : 'forbidden';
}

import type { Role } from '../../server/contract/vocabulary.js';

/**
 * Who may call each API route, written out by hand as a reviewer reads it,
 * independently of server/contract/route-access.ts: the role × endpoint test
 * (access-control.test.ts) checks the running app against this table, so a
 * grant changed in the code and not here fails it. A new route needs a row.
 *
 * 'public': anyone, without credentials. 'signed-in': any principal.
 * Otherwise one column per role, in this order: Y = allowed, - = 403.
 */
export const ROLE_COLUMNS = [
  'commander',
  'district_leader',
  'staff',
  'dispatcher',
  'handler',
  'grid_worker',
  'planner',
  'viewer',
] as const satisfies readonly Role[];

// biome-ignore format: a table, read row by row under its column heading
export const ACCESS_POLICY: Record<string, string> = {
  //                                        cmd dst stf dsp hdl gwk pln vwr
  'GET /api/health':                       'public',
  'POST /api/auth/login':                  'public',
  'GET /api/auth/me':                      'signed-in',
  'POST /api/auth/logout':                 'signed-in',
  'POST /api/auth/token-session':          'signed-in',
  'GET /api/regions':                      'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/regions/:code':                'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/grids':                        'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/grids/:code':                  'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/incidents':                    'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/incidents/:code':              'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/incidents/:code/photos/:id':   'Y   Y   Y   Y   Y   Y   Y   Y',
  'POST /api/incidents':                   'Y   -   -   Y   -   Y   -   -',
  'POST /api/incidents/:code/transitions': 'Y   -   -   Y   Y   Y   -   -',
  'POST /api/incidents/:code/photos':      'Y   -   -   Y   Y   Y   -   -',
  'GET /api/incidents/nearby':             'Y   -   -   Y   -   Y   -   -',
  'GET /api/me/tasks':                     '-   -   -   -   Y   Y   -   -',
  'GET /api/me/community':                 '-   -   -   -   -   Y   -   -',
  'PUT /api/me/position':                  '-   -   -   -   -   Y   -   -',
  'DELETE /api/me/position':               '-   -   -   -   -   Y   -   -',
  'GET /api/workers/positions':            'Y   -   -   Y   -   -   -   -',
  'GET /api/stats/summary':                'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/stats/categories':             'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/stream':                       'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/map/grids':                    'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/map/grid-metrics':             'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/map/heatmap':                  'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/map/outlines':                 'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /tiles/:layer.json':                'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /tiles/:layer/:z/:x/:y.mvt':        'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/wall/config':                  'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/explore/children':             'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/explore/series':               'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/explore/shapes':               'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/explore/grids/:code':          'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/explore/search':               'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/units':                        'Y   Y   -   Y   -   -   -   -',
  'GET /api/incidents/:code/nearby':       'Y   Y   -   Y   -   -   -   -',
  'GET /api/incidents/:code/contacts':     'Y   -   -   Y   -   -   -   -',
  'POST /api/incidents/:code/contacts/:worker': 'Y   -   -   Y   -   -   -   -',
  'POST /api/incidents/transitions':       'Y   -   -   Y   -   -   -   -',
  'GET /api/incidents/:code/deadline-preview': 'Y   -   -   Y   -   -   -   -',
  'GET /api/directives':                   'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/directives/:id':               'Y   Y   Y   Y   Y   Y   Y   Y',
  'POST /api/directives':                  'Y   -   -   Y   -   -   -   -',
  'POST /api/directives/:id/answers':      'Y   Y   Y   Y   -   -   -   -',
  'GET /api/directives/:id/rounds':        'Y   Y   Y   Y   Y   Y   Y   Y',
  'POST /api/directives/:id/rounds/:round/answers': 'Y   Y   Y   Y   -   -   -   -',
  'POST /api/directives/:id/reminders':    'Y   -   -   Y   -   -   -   -',
  'GET /api/grids/history':                'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/grids/lineage':                'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/grids/export':                 'Y   Y   Y   Y   Y   Y   Y   Y',
  'GET /api/grids/workload':               'Y   -   -   -   -   -   Y   -',
  'POST /api/grids/import':                'Y   -   -   -   -   -   Y   -',
  'GET /api/plans':                        'Y   -   -   -   -   -   Y   -',
  'POST /api/plans':                       'Y   -   -   -   -   -   Y   -',
  'GET /api/plans/:id':                    'Y   -   -   -   -   -   Y   -',
  'PATCH /api/plans/:id':                  'Y   -   -   -   -   -   Y   -',
  'POST /api/plans/:id/edits':             'Y   -   -   -   -   -   Y   -',
  'POST /api/plans/:id/undo':              'Y   -   -   -   -   -   Y   -',
  'POST /api/plans/:id/redo':              'Y   -   -   -   -   -   Y   -',
  'POST /api/plans/:id/validate':          'Y   -   -   -   -   -   Y   -',
  'GET /api/plans/:id/what-if':            'Y   -   -   -   -   -   Y   -',
  'GET /api/plans/:id/diff':               'Y   -   -   -   -   -   Y   -',
  'POST /api/plans/:id/publish':           'Y   -   -   -   -   -   Y   -',
  'GET /api/users':                        'Y   -   -   -   -   -   -   -',
  'POST /api/users':                       'Y   -   -   -   -   -   -   -',
  'PATCH /api/users/:id':                  'Y   -   -   -   -   -   -   -',
  'GET /api/tokens':                       'Y   -   -   -   -   -   -   -',
  'POST /api/tokens':                      'Y   -   -   -   -   -   -   -',
  'DELETE /api/tokens/:id':                'Y   -   -   -   -   -   -   -',
  'GET /api/audit':                        'Y   -   -   -   -   -   -   -',
};

/** Whether `role` may call `route` according to the table (null: 'public' or 'signed-in', open to every role). */
export function policyAllows(route: string, role: Role): boolean {
  const row = ACCESS_POLICY[route];
  if (row === undefined) throw new Error(`${route} has no row in tests/auth/access-policy.ts`);
  if (row === 'public' || row === 'signed-in') return true;
  const cells = row.split(/\s+/);
  if (cells.length !== ROLE_COLUMNS.length || cells.some((c) => c !== 'Y' && c !== '-'))
    throw new Error(`${route}: a row needs ${ROLE_COLUMNS.length} cells of Y or -`);
  return cells[ROLE_COLUMNS.indexOf(role as (typeof ROLE_COLUMNS)[number])] === 'Y';
}

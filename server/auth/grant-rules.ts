import type { Role } from './roles.js';

/**
 * Which scope and unit each role may carry, for users and API tokens alike.
 * Returns the field and the reason when a combination is not allowed (the
 * route answers 400 with them), or null when it is.
 */
export function grantProblem(role: Role, scope: string | null, unit: string | null): { field: string; reason: string } | null {
  if (role === 'handler') {
    if (!unit) return { field: 'unit', reason: 'a handler needs the unit whose incidents they handle' };
    if (scope) return { field: 'scope', reason: 'a handler is scoped by unit, not by region' };
    return null;
  }
  if (unit) return { field: 'unit', reason: 'only handlers belong to a unit' };
  const digits = scope?.length ?? 0;
  switch (role) {
    case 'commander':
      return scope ? { field: 'scope', reason: 'the city commander sees the whole city; leave scope null' } : null;
    case 'district_leader':
      return digits === 6 ? null : { field: 'scope', reason: 'a district leader needs a 6-digit district code' };
    case 'staff':
      return digits === 9 || digits === 12 ? null : { field: 'scope', reason: 'street/community staff need a 9-digit street or 12-digit community code' };
    case 'grid_worker':
      return digits === 15 ? null : { field: 'scope', reason: 'a grid worker needs a 15-digit grid code' };
    default:
      return digits === 15 ? { field: 'scope', reason: 'only grid workers are scoped to a single grid' } : null;
  }
}

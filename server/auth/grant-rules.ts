import type { Role } from './roles.js';

/**
 * Which scope and unit each role may carry, for users and API tokens alike.
 * Returns the field and the reason (in English and Chinese) when a combination is not allowed (the
 * route answers 400 with them), or null when it is.
 */
export function grantProblem(role: Role, scope: string | null, unit: string | null): { field: string; reason: string; zh: string } | null {
  if (role === 'handler') {
    if (!unit) return { field: 'unit', reason: 'a handler needs the unit whose incidents they handle', zh: '部门处置人员须指定所属单位' };
    if (scope) return { field: 'scope', reason: 'a handler is scoped by unit, not by region', zh: '部门处置人员按单位划定范围，不按区域' };
    return null;
  }
  if (unit) return { field: 'unit', reason: 'only handlers belong to a unit', zh: '只有部门处置人员才属于单位' };
  const digits = scope?.length ?? 0;
  switch (role) {
    case 'commander':
      return scope ? { field: 'scope', reason: 'the city commander sees the whole city; leave scope null', zh: '指挥长管辖全市，范围应留空' } : null;
    case 'district_leader':
      return digits === 6 ? null : { field: 'scope', reason: 'a district leader needs a 6-digit district code', zh: '区县领导须指定 6 位区县代码' };
    case 'staff':
      return digits === 9 || digits === 12
        ? null
        : {
            field: 'scope',
            reason: 'street/community staff need a 9-digit street or 12-digit community code',
            zh: '街道/社区工作人员须指定 9 位街道代码或 12 位社区代码',
          };
    case 'grid_worker':
      return digits === 15 ? null : { field: 'scope', reason: 'a grid worker needs a 15-digit grid code', zh: '网格员须指定 15 位网格代码' };
    default:
      return digits === 15 ? { field: 'scope', reason: 'only grid workers are scoped to a single grid', zh: '只有网格员的范围是单个网格' } : null;
  }
}

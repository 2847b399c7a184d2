/**
 * The words server and browser share: incident statuses and urgencies, roles,
 * plan statuses and the levels of region codes. Plain constants and pure
 * helpers, no imports, so a page can take them without pulling in TypeBox.
 * The database holds the same lists in its CHECKs (migrations/003, 006, 009)
 * and the open test in incident_is_open() (migrations/013).
 */

/** The incident workflow's statuses, in workflow order (server/workflow/incident-workflow.ts has the transitions). */
export const INCIDENT_STATUSES = ['reported', 'filed', 'rejected', 'duplicate', 'dispatched', 'in_progress', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Finished incidents need no more work: closed (核查结案), rejected at filing, or a duplicate of another. */
export const FINISHED_STATUSES = ['closed', 'rejected', 'duplicate'] as const satisfies readonly IncidentStatus[];
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

/** Every other status is open (README, "KPIs"): the incident still needs work. SQL: incident_is_open(status). */
export const OPEN_STATUSES: readonly IncidentStatus[] = INCIDENT_STATUSES.filter((s) => !isFinishedStatus(s));

export function isFinishedStatus(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

export function isOpenStatus(status: string): status is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(status) && !isFinishedStatus(status);
}

/** Urgencies, most urgent first. */
export const URGENCIES = ['red', 'yellow', 'blue'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Statuses and urgencies as every page names them (the wall's English ticker writes statuses in lower case). */
export const STATUS_NAMES: Record<IncidentStatus, { zh: string; en: string }> = {
  reported: { zh: '已上报', en: 'Reported' },
  filed: { zh: '已立案', en: 'Filed' },
  rejected: { zh: '不予立案', en: 'Rejected' },
  duplicate: { zh: '重复', en: 'Duplicate' },
  dispatched: { zh: '已派遣', en: 'Dispatched' },
  in_progress: { zh: '处置中', en: 'In progress' },
  resolved: { zh: '已处置', en: 'Resolved' },
  closed: { zh: '已结案', en: 'Closed' },
};

export const URGENCY_NAMES: Record<Urgency, { zh: string; en: string }> = {
  red: { zh: '红色', en: 'Red' },
  yellow: { zh: '黄色', en: 'Yellow' },
  blue: { zh: '蓝色', en: 'Blue' },
};

/** One language's words from a table of names. */
export function namesIn<K extends string>(names: Record<K, { zh: string; en: string }>, lang: 'zh' | 'en'): Record<K, string> {
  return Object.fromEntries(Object.entries<{ zh: string; en: string }>(names).map(([k, v]) => [k, v[lang]])) as Record<K, string>;
}

/** The roles (issue 3). A principal always has exactly one role and a scope. */
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

/** A boundary plan's statuses (server/plans/grid-plan-lifecycle.ts has the transitions). */
export const PLAN_STATUSES = ['draft', 'published', 'abandoned'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * Region and grid codes (migrations/002): GB/T 2260 for the city and its
 * districts (6 digits; the city's are its first four + "00"), then 3 more
 * digits per level: street (9), community (12), grid (15). A child's code
 * begins with its parent's, so a code alone tells its level and ancestry.
 */
export const CODE_LENGTH = { district: 6, street: 9, community: 12, grid: 15 } as const;
export type CodeLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

/** The length of the codes one level down (a grid has none below: its own). */
export const CHILD_CODE_LENGTH: Readonly<Record<CodeLevel, number>> = {
  city: CODE_LENGTH.district,
  district: CODE_LENGTH.street,
  street: CODE_LENGTH.community,
  community: CODE_LENGTH.grid,
  grid: CODE_LENGTH.grid,
};

const LEVEL_BY_LENGTH: Readonly<Record<number, CodeLevel>> = { 6: 'district', 9: 'street', 12: 'community', 15: 'grid' };

/** The level a code names, or null for something that is not a code. */
export function codeLevel(code: string): CodeLevel | null {
  if (!/^[0-9]+$/.test(code)) return null;
  const level = LEVEL_BY_LENGTH[code.length];
  return level === 'district' && code.endsWith('00') ? 'city' : (level ?? null);
}

export function isGridCode(code: string | null | undefined): code is string {
  return code?.length === CODE_LENGTH.grid;
}

/** The code of the district a code lies in (a city code is its own). */
export function districtCodeOf(code: string): string {
  return code.slice(0, CODE_LENGTH.district);
}

/** The code of the community a grid (or community) code lies in. */
export function communityCodeOf(code: string): string {
  return code.slice(0, CODE_LENGTH.community);
}

/** The city above any code: the district's first four digits + "00". */
export function cityCodeOf(code: string): string {
  return `${code.slice(0, 4)}00`;
}

/** The code one level up; null above the city. */
export function parentCode(code: string): string | null {
  switch (codeLevel(code)) {
    case 'grid':
      return code.slice(0, CODE_LENGTH.community);
    case 'community':
      return code.slice(0, CODE_LENGTH.street);
    case 'street':
      return code.slice(0, CODE_LENGTH.district);
    case 'district':
      return cityCodeOf(code);
    default:
      return null;
  }
}

/** The codes above a place, top first: city, district, street, community (the place itself left out). */
export function ancestorCodes(code: string): string[] {
  const chain = [
    cityCodeOf(code),
    ...[CODE_LENGTH.district, CODE_LENGTH.street, CODE_LENGTH.community].filter((n) => n < code.length).map((n) => code.slice(0, n)),
  ];
  return [...new Set(chain)].filter((c) => c !== code);
}

/**
 * The prefix every code inside `code` starts with: a city's trailing "00"
 * pairs dropped (4300 → "43"), any other code itself.
 */
export function codePrefix(code: string): string {
  return code.length === CODE_LENGTH.district ? code.replace(/(00)+$/, '') : code;
}

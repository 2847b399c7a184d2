import { ROLE_NAMES, ROLES, type Role } from '../../server/contract/vocabulary.js';
import { ROUTE_ACCESS } from '../../server/contract/route-access.js';

/**
 * The pages of Gridscope and who they are for, on the home page. Who may use
 * a page is who may call the API route it cannot work without, read from
 * server/contract/route-access.ts, the one place access is declared, so this
 * list cannot drift from what the server allows.
 */
export interface PageEntry {
  href: string;
  name: { zh: string; en: string };
  what: { zh: string; en: string };
  /** The route the page needs. */
  route: string;
}

export const PAGES: readonly PageEntry[] = [
  {
    href: '/wall',
    name: { zh: '指挥中心大屏', en: 'Wall display' },
    what: { zh: '全市实时态势、事件滚动与督办', en: 'Live city picture, incident ticker and directives' },
    route: 'GET /api/map/grid-metrics',
  },
  {
    href: '/dispatch',
    name: { zh: '事项交办调度台', en: 'Dispatch console' },
    what: { zh: '立案、派遣、核查结案，队列实时更新', en: 'File, dispatch, verify and close; live work queues' },
    route: 'GET /api/units',
  },
  {
    href: '/directives',
    name: { zh: '指令督办台', en: 'Directive desk' },
    what: { zh: '下达指令、各区回复看板、催报、日报告与零报告', en: 'Issue directives; district answers board, reminders, daily and zero reports' },
    route: 'POST /api/directives/:id/answers',
  },
  {
    href: '/explore',
    name: { zh: '区县态势分析', en: 'District explorer' },
    what: { zh: '从全市逐级下钻到网格，对比两期', en: 'Drill down from city to grid; compare periods' },
    route: 'GET /api/explore/children',
  },
  {
    href: '/plan',
    name: { zh: '网格调整', en: 'Grid boundaries' },
    what: { zh: '拆分、合并、重画网格并发布', en: 'Split, merge and redraw grids, then publish' },
    route: 'POST /api/plans/:id/edits',
  },
  {
    href: '/m',
    name: { zh: '网格通（手机）', en: 'Field app (phone)' },
    what: { zh: '网格员上报、核查；部门处置；离线可用', en: 'Report and check in the grid; resolve for a unit; works offline' },
    route: 'GET /api/me/tasks',
  },
  {
    href: '/admin',
    name: { zh: '用户、令牌与审计', en: 'Users, tokens & audit' },
    what: { zh: '管理账号、API 令牌，查看审计日志', en: 'Manage accounts and API tokens; read the audit log' },
    route: 'GET /api/users',
  },
  { href: '/docs', name: { zh: 'API 文档', en: 'API reference' }, what: { zh: '接口说明（OpenAPI）', en: 'The HTTP API (OpenAPI)' }, route: 'GET /api/health' },
];

/** The roles that may use a page (every role for public and signed-in routes). */
export function rolesOf(page: PageEntry): Role[] {
  const access = ROUTE_ACCESS[page.route];
  if (access === undefined) throw new Error(`page ${page.href} needs ${page.route}, which route-access.ts does not declare`);
  return typeof access === 'string' ? [...ROLES] : ROLES.filter((r) => access.includes(r));
}

/** Text made safe inside HTML markup and attribute values (place names come from imported boundary files). */
export const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The table of pages: what each is for, the roles it is for, and whether the
 * caller (`allowed`: their routes from /api/auth/me; null = unknown) may open it.
 */
export function directoryHtml(allowed: readonly string[] | null): string {
  const rows = PAGES.map((p) => {
    const roles = rolesOf(p);
    const everyone = roles.length === ROLES.length;
    const who = everyone ? '所有角色 Every role' : roles.map((r) => `${ROLE_NAMES[r].zh} ${ROLE_NAMES[r].en}`).join(' · ');
    const yours = allowed === null ? '' : allowed.includes(p.route) || p.href === '/docs' ? '<span class="yours">✓ 可用 Yours</span>' : '';
    return `<tr data-page="${p.href}" data-roles="${roles.join(' ')}">
      <td><a href="${p.href}">${escapeHtml(p.name.zh)}<br><small>${escapeHtml(p.name.en)}</small></a></td>
      <td>${escapeHtml(p.what.zh)}<br><small>${escapeHtml(p.what.en)}</small></td>
      <td>${escapeHtml(who)} ${yours}</td></tr>`;
  }).join('');
  return `<table><thead><tr><th>页面 Page</th><th>用途 What for</th><th>适用角色 For roles</th></tr></thead><tbody>${rows}</tbody></table>`;
}

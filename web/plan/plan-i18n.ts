import type { PlanStatus } from '../../server/contract/vocabulary.js';
import { PLAN_REASON, type PlanProblem, type PlanReason } from '../../server/contract/grid-plan-reasons.js';

import { type Lang, localeOf } from '../shared/i18n.js';
export type { Lang };

const zh = {
  title: '网格调整',
  home: '返回首页',
  otherLang: 'English',
  loading: '加载中…',
  noPermission: '无权限：只有网格规划员和指挥长可以调整网格边界。',
  community: '社区',
  pickCommunity: '选择社区…',
  plans: '草稿方案',
  newPlan: '新建方案',
  planName: '方案名称',
  open: '打开',
  create: '创建',
  defaultName: (d: string) => `调整方案 ${d}`,
  tools: {
    reshape: '拖动顶点',
    split: '沿线拆分',
    merge: '合并',
    draw: '绘制新网格',
    delete: '删除并并入',
    undo: '撤销',
    redo: '重做',
    publish: '发布',
    cancel: '取消',
    apply: '确定',
    abandon: '放弃方案',
  },
  hints: {
    viewing: '点击网格选择；选中后可拆分、合并（多选）或删除。',
    reshaping: '拖动顶点调整边界；顶点会吸附到相邻网格的顶点和边。',
    drawing_split: '在地图上点击画一条穿过选中网格的线，按 Enter 或再次点击终点结束。',
    drawing_grid: '在空隙处点击画出多边形，点击起点结束；超出空隙的部分会被裁掉。',
    picking_merge: '点击要合并的相邻网格（至少两个），然后按“确定”。',
    picking_absorbers: '点击吸收被删网格面积的相邻网格，然后按“确定”。',
    busy: '正在处理…',
    no_plan: '先选择社区并打开或新建方案。',
  },
  /** While no plan is open: what the map shows, over it and beside it. */
  publishedView: {
    pick: '点击区域逐级进入，或在上方选择社区',
    up: '返回上一级',
    readOnly: '现行网格 · 只读',
    openToEdit: '地图上是本社区的现行网格，只读。打开草稿或新建方案后才能编辑。',
  },
  problems: '问题',
  noProblems: '校验通过：没有问题，可以发布。',
  warnings: '原有问题（方案未改动的网格，不影响发布）',
  grids: '网格',
  key: '#',
  code: '编码',
  households: '户数',
  population: '人口',
  workers: '网格员',
  incidentsGroup: '事件',
  incidents: '近90天',
  newCode: '新',
  whatIf: '调整影响（近12个月事件）',
  diff: '与现行版本对比',
  incidentsDraft: '调整后',
  incidentsNow: '现行',
  removed: '撤销的网格',
  change: { new: '新增', changed: '变更', removed: '撤销', unchanged: '未变' },
  published: (v: number, n: number) => `已发布为第 ${v} 版；${n} 件在办事件已重新分配到新网格。`,
  revision: (r: number) => `修订 ${r}`,
  status: { draft: '草稿', published: '已发布', abandoned: '已放弃' } as Record<PlanStatus, string>,
  /** Words of each problem, from its reason code and params (server/repositories/sql/plan-validate.sql). */
  detail: {
    [PLAN_REASON.notPolygon]: () => '几何为空',
    [PLAN_REASON.selfIntersection]: () => '边界线自相交',
    [PLAN_REASON.invalidGeometry]: () => '边界无法构成有效多边形',
    [PLAN_REASON.notContiguous]: (p) => `分成 ${p.pieces ?? '多'} 块`,
    [PLAN_REASON.outsideCommunity]: (p) => `部分超出${p.community_name ?? '本社区'}`,
    [PLAN_REASON.overlap]: () => '两个网格重叠',
    [PLAN_REASON.gap]: () => '此处不属于任何网格',
    [PLAN_REASON.householdsBelow]: (p) => `${p.households} 户；允许 ${bounds(p, '户')}`,
    [PLAN_REASON.householdsAbove]: (p) => `${p.households} 户；允许 ${bounds(p, '户')}`,
    [PLAN_REASON.unknownCode]: (p) => `编码 ${p.code} 不是${p.community_name ?? '本社区'}的现行网格`,
  } as Record<PlanReason, (p: PlanProblem['properties']['params']) => string>,
  keys: (keys: number[]) => keys.map((k) => `#${k}`).join(' 与 '),
  outdated: '社区已被他人发布过新版本，此方案不能再发布。',
  reasons: {
    [PLAN_REASON.notPolygon]: '不是多边形',
    [PLAN_REASON.selfIntersection]: '边界自相交',
    [PLAN_REASON.invalidGeometry]: '几何无效',
    [PLAN_REASON.notContiguous]: '不连续（多块）',
    [PLAN_REASON.outsideCommunity]: '超出社区范围',
    [PLAN_REASON.overlap]: '网格重叠',
    [PLAN_REASON.gap]: '空隙（未覆盖）',
    [PLAN_REASON.householdsBelow]: '户数过少',
    [PLAN_REASON.householdsAbove]: '户数过多',
    [PLAN_REASON.unknownCode]: '编码不属于本社区',
  } as Record<PlanReason, string>,
};

type Strings = typeof zh;

const en: Strings = {
  title: 'Grid boundaries',
  home: 'Home',
  otherLang: '中文',
  loading: 'Loading…',
  noPermission: 'No permission: only planners and the commander may edit grid boundaries.',
  community: 'Community',
  pickCommunity: 'Choose a community…',
  plans: 'Draft plans',
  newPlan: 'New plan',
  planName: 'Plan name',
  open: 'Open',
  create: 'Create',
  defaultName: (d: string) => `Plan ${d}`,
  tools: {
    reshape: 'Drag vertices',
    split: 'Split along a line',
    merge: 'Merge',
    draw: 'Draw a new grid',
    delete: 'Delete into neighbours',
    undo: 'Undo',
    redo: 'Redo',
    publish: 'Publish',
    cancel: 'Cancel',
    apply: 'Apply',
    abandon: 'Abandon plan',
  },
  hints: {
    viewing: 'Click a grid to select it; then split, merge (several) or delete it.',
    reshaping: "Drag vertices to reshape; they snap to neighbouring grids' vertices and edges.",
    drawing_split: 'Click a line across the selected grid; press Enter or click the last point again to finish.',
    drawing_grid: 'Click a polygon into the gap; click the first point to finish. What lies outside the gap is cut off.',
    picking_merge: 'Click the adjacent grids to merge (two or more), then Apply.',
    picking_absorbers: "Click the neighbours that absorb the deleted grid's area, then Apply.",
    busy: 'Working…',
    no_plan: 'Choose a community, then open or start a plan.',
  },
  publishedView: {
    pick: 'Click a place to go in, or pick a community above',
    up: 'Up one level',
    readOnly: 'Published grids · read-only',
    openToEdit: "The map shows this community's published grids, read-only. Open a draft or start a plan to edit them.",
  },
  problems: 'Problems',
  noProblems: 'Valid: no problems, ready to publish.',
  warnings: 'Already there (grids the plan keeps unchanged; not blocking)',
  grids: 'Grids',
  key: '#',
  code: 'Code',
  households: 'Households',
  population: 'Population',
  workers: 'Workers',
  incidentsGroup: 'Incidents',
  incidents: 'last 90 d',
  newCode: 'new',
  whatIf: 'What if (incidents, last 12 months)',
  diff: 'Against the published grids',
  incidentsDraft: 'after plan',
  incidentsNow: 'now',
  removed: 'Removed grids',
  change: { new: 'new', changed: 'changed', removed: 'removed', unchanged: 'unchanged' },
  published: (v: number, n: number) => `Published as version ${v}; ${n} open incidents moved to the new grids.`,
  revision: (r: number) => `revision ${r}`,
  status: { draft: 'draft', published: 'published', abandoned: 'abandoned' },
  detail: {
    [PLAN_REASON.notPolygon]: () => 'empty geometry',
    [PLAN_REASON.selfIntersection]: (p) => `the boundary crosses itself${p.detail ? ` (${p.detail})` : ''}`,
    [PLAN_REASON.invalidGeometry]: (p) => `not a valid polygon${p.detail ? ` (${p.detail})` : ''}`,
    [PLAN_REASON.notContiguous]: (p) => `${p.pieces ?? 'several'} separate pieces`,
    [PLAN_REASON.outsideCommunity]: (p) => `lies outside ${p.community_name ?? 'the community'}`,
    [PLAN_REASON.overlap]: () => 'grids overlap',
    [PLAN_REASON.gap]: () => 'not covered by any grid',
    [PLAN_REASON.householdsBelow]: (p) => `${p.households} households; allowed ${bounds(p, '')}`,
    [PLAN_REASON.householdsAbove]: (p) => `${p.households} households; allowed ${bounds(p, '')}`,
    [PLAN_REASON.unknownCode]: (p) => `code ${p.code} is not a current grid of ${p.community_name ?? 'this community'}`,
  },
  keys: (keys: number[]) => keys.map((k) => `#${k}`).join(' / '),
  outdated: 'Someone has published this community since this plan began; it can no longer be published.',
  reasons: {
    [PLAN_REASON.notPolygon]: 'not a polygon',
    [PLAN_REASON.selfIntersection]: 'self-intersecting',
    [PLAN_REASON.invalidGeometry]: 'invalid geometry',
    [PLAN_REASON.notContiguous]: 'not contiguous',
    [PLAN_REASON.outsideCommunity]: 'outside the community',
    [PLAN_REASON.overlap]: 'overlap',
    [PLAN_REASON.gap]: 'gap',
    [PLAN_REASON.householdsBelow]: 'too few households',
    [PLAN_REASON.householdsAbove]: 'too many households',
    [PLAN_REASON.unknownCode]: 'code not in this community',
  } as Record<PlanReason, string>,
};

/** "200–500", "≥ 200" or "≤ 500" (null = unbounded on that side), with a unit. */
function bounds(p: PlanProblem['properties']['params'], unit: string): string {
  const min = p.min_households ?? null;
  const max = p.max_households ?? null;
  if (min !== null && max !== null) return `${min}–${max}${unit ? ` ${unit}` : ''}`;
  return `${min !== null ? `≥ ${min}` : `≤ ${max}`}${unit ? ` ${unit}` : ''}`;
}

/** A problem in the page's language: the reason, the grids involved, what is wrong, and the area. */
export function problemText(p: PlanProblem['properties'], lang: Lang): { reason: string; keys: string; detail: string; area: string } {
  const t = strings(lang);
  return {
    reason: t.reasons[p.reason] ?? p.reason,
    keys: p.keys.length ? t.keys(p.keys) : '',
    // An older server without params: its English words are all there is.
    detail: p.params ? (t.detail[p.reason]?.(p.params) ?? p.message) : p.message,
    area: p.area_m2 !== null ? `${Math.round(p.area_m2).toLocaleString(localeOf(lang))} m²` : '',
  };
}

export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : zh;
}

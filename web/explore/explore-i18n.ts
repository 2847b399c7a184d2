import { namesIn, STATUS_NAMES, URGENCY_NAMES } from '../../server/contract/vocabulary.js';
import type { CompareMode, Lang, Metric } from './explore-params.js';
import { localeOf } from '../shared/i18n.js';

const zh = {
  title: '区县态势分析',
  metricLabel: '着色指标',
  home: '首页',
  /** A department handler's figures are their unit's incidents only. */
  unitOnly: (unit: string) => `仅统计${unit}承办的事件`,
  signOut: '退出',
  metric: { reported: '事件数', per_1k: '每千人事件数', closure_rate: '结案率', overdue: '超期事件', mean_hours_to_close: '平均结案时长(小时)' } as Record<
    Metric,
    string
  >,
  level: { city: '市', district: '区县', street: '街道/乡镇', community: '社区/村', grid: '网格' } as Record<string, string>,
  from: '开始',
  to: '结束',
  slider: '时间窗口',
  filters: '筛选',
  play: '播放',
  pause: '暂停',
  byDay: '按日',
  byWeek: '按周',
  frame: '播放帧',
  category: '类别',
  urgency: '紧急程度',
  status: '状态',
  all: '全部',
  openOnly: '在办(未结)',
  urgencyName: namesIn(URGENCY_NAMES, 'zh') as Record<string, string>,
  statusName: namesIn(STATUS_NAMES, 'zh') as Record<string, string>,
  compare: { none: '不对比', side: '两期并列', diff: '两期差值' } as Record<CompareMode, string>,
  periodA: '本期',
  periodB: '对比期',
  kpi: {
    reported: '上报',
    closed: '结案',
    closure_rate: '结案率',
    open: '在办(当前)',
    overdue: '超期(当前)',
    per_1k: '每千人',
    mean_hours_to_close: '平均结案(小时)',
    within_deadline_rate: '按期结案率',
  } as Record<string, string>,
  trend: '每日趋势',
  trendWeek: '每周趋势',
  reportedSeries: '上报',
  closedSeries: '其中已结案',
  categories: '事件类别',
  topReported: '事件数前十',
  topOverdue: '超期事件前十',
  children: '下级区域',
  name: '名称',
  code: '代码',
  population: '人口',
  exportCsv: '导出CSV',
  exportPng: '导出地图PNG',
  grid: { title: '网格详情', households: '户数', population: '人口', area: '面积(km²)', workers: '网格员', recent: '最近事件', none: '无' },
  diffLegend: '差值(本期−对比期)',
  more: '增加',
  less: '减少',
  noData: '无数据',
  loading: '加载中…',
  search: { label: '查找地点', placeholder: '搜索街道、社区、网格或编码', none: '没有找到' },
  empty: '暂无数据',
  /** Shown after a link to a place outside the caller's scope (or to no place) was replaced by their own area. */
  movedToScope: (code: string, scope: string) => `链接中的区域 ${code} 不在您的管辖范围内（或不存在），已为您打开${scope}。`,
  yourArea: '您的辖区',
  dismiss: '知道了',
  errors: {
    not_found: '未找到该区域或网格。',
    out_of_scope: '超出您的管辖范围。',
    forbidden: '您的角色无权查看此内容。',
    invalid_parameter: '筛选条件无效。',
    invalid_value: '筛选条件超出范围。',
    network: '无法连接服务器，请检查网络后重试。',
    service_unavailable: '服务暂时不可用，请稍后重试。',
    internal_error: '服务器出错，请稍后重试。',
  } as Record<string, string>,
};

type Strings = typeof zh;

const en: Strings = {
  title: 'District explorer',
  metricLabel: 'Colour by',
  home: 'Home',
  unitOnly: (unit: string) => `Only incidents assigned to ${unit}`,
  signOut: 'Sign out',
  metric: {
    reported: 'Incidents',
    per_1k: 'Incidents per 1,000 residents',
    closure_rate: 'Closure rate',
    overdue: 'Overdue',
    mean_hours_to_close: 'Mean hours to close',
  },
  level: { city: 'City', district: 'District', street: 'Street/town', community: 'Community', grid: 'Grid' },
  from: 'From',
  to: 'To',
  slider: 'Window',
  filters: 'Filters',
  play: 'Play',
  pause: 'Pause',
  byDay: 'By day',
  byWeek: 'By week',
  frame: 'Frame',
  category: 'Category',
  urgency: 'Urgency',
  status: 'Status',
  all: 'All',
  openOnly: 'Open',
  urgencyName: namesIn(URGENCY_NAMES, 'en') as Record<string, string>,
  statusName: namesIn(STATUS_NAMES, 'en') as Record<string, string>,
  compare: { none: 'No comparison', side: 'Side by side', diff: 'Difference' },
  periodA: 'Period',
  periodB: 'Compared with',
  kpi: {
    reported: 'Reported',
    closed: 'Closed',
    closure_rate: 'Closure rate',
    open: 'Open (now)',
    overdue: 'Overdue (now)',
    per_1k: 'Per 1,000',
    mean_hours_to_close: 'Mean h to close',
    within_deadline_rate: 'Within deadline',
  },
  trend: 'Daily trend',
  trendWeek: 'Weekly trend',
  reportedSeries: 'Reported',
  closedSeries: 'of which closed',
  categories: 'Categories',
  topReported: 'Top 10 by incidents',
  topOverdue: 'Top 10 by overdue',
  children: 'Sub-regions',
  name: 'Name',
  code: 'Code',
  population: 'Population',
  exportCsv: 'Export CSV',
  exportPng: 'Export map PNG',
  grid: {
    title: 'Grid',
    households: 'Households',
    population: 'Population',
    area: 'Area (km²)',
    workers: 'Grid workers',
    recent: 'Recent incidents',
    none: 'None',
  },
  diffLegend: 'Difference (period − compared)',
  more: 'more',
  less: 'fewer',
  noData: 'No data',
  loading: 'Loading…',
  search: { label: 'Find a place', placeholder: 'Street, community, grid or code', none: 'Nothing found' },
  empty: 'No data',
  movedToScope: (code: string, scope: string) => `The linked area ${code} is outside your scope (or does not exist); showing ${scope} instead.`,
  yourArea: 'your area',
  dismiss: 'OK',
  errors: {
    not_found: 'No such area or grid.',
    out_of_scope: 'Outside your scope.',
    forbidden: 'Your role may not see this.',
    invalid_parameter: 'A filter is not valid.',
    invalid_value: 'A filter is out of range.',
    network: 'Cannot reach the server; check the network and try again.',
    service_unavailable: 'The service is unavailable for now; try again shortly.',
    internal_error: 'Server error; try again shortly.',
  },
};

export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : zh;
}

export function formatCount(n: number, lang: Lang): string {
  return n.toLocaleString(localeOf(lang));
}

/** A metric's value as shown in tables and tooltips. */
export function formatMetric(metric: Metric | 'within_deadline_rate', v: number | null, lang: Lang): string {
  if (v === null) return '—';
  if (metric === 'closure_rate' || metric === 'within_deadline_rate') return `${(v * 100).toFixed(1)}%`;
  if (metric === 'reported' || metric === 'overdue') return formatCount(v, lang);
  return v.toLocaleString(localeOf(lang), { maximumFractionDigits: 2 });
}

/** An API failure in the page's language: our words for known codes, else the server's (asked in this language). */
export function errorText(error: { code: string; message: string }, lang: Lang): string {
  return strings(lang).errors[error.code] ?? error.message;
}

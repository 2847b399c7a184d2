import { namesIn, STATUS_NAMES } from '../../server/contract/vocabulary.js';
import type { WallMetric, WallWindow } from '../../server/contract/wall-options.js';
import type { DirectiveStatus, Urgency } from './api-types.js';
import type { Lang } from './wall-params.js';
import { localeOf, monthOf } from '../shared/i18n.js';

const zh = {
  /** After the place's name, which the API gives (株洲市…). */
  title: '网格化治理指挥中心',
  window: { today: '今日', '7d': '近7天', '30d': '近30天' } as Record<WallWindow, string>,
  metric: { per_1k: '每千人事件数', open: '在办事件', closure_rate: '结案率', overdue: '超期事件', urgency: '最高在办紧急度' } as Record<WallMetric, string>,
  kpi: { reported: '上报', closed: '结案', closure_rate: '结案率', open: '在办', overdue: '超期', new_today: '今日新增', red_open: '红色在办' },
  /** Marks the figures that count every open incident now, not the window's. */
  kpiNow: '当前',
  ranking: { closure_rate: '结案率排名', overdue: '超期事件排名', per_1k: '每千人事件数排名' },
  /** A grid's wall: nothing below it to rank. */
  rankingNone: '网格为最小单元，无下级区域排名',
  /** A department handler's wall counts only the incidents assigned to their unit. */
  unitOnly: (unit: string): string => `仅统计${unit}承办的事件`,
  categories: '事件类别',
  ticker: '实时动态',
  directive: '督办指令',
  noDirective: '暂无在办督办指令',
  directiveStatus: { answered: '已回复', zero_report: '零报告', waiting: '待回复' } as Record<DirectiveStatus, string>,
  directiveLate: '逾期',
  roundOf: (round: number): string => `第 ${round} 轮`,
  ownAnswered: '本区已回复',
  ownWaiting: '本区待回复',
  // A street's, community's or grid's wall: the directive is its district's, named.
  districtAnswered: (district: string): string => `${district}已回复`,
  districtWaiting: (district: string): string => `${district}待回复`,
  answeredOf: (answered: number, addressed: number): string => `已回复 ${answered}/${addressed}`,
  deadline: '截止',
  legendNoData: '无数据',
  byCommunity: '（按社区）',
  urgency: { none: '无', blue: '蓝色', yellow: '黄色', red: '红色' } as Record<Urgency | 'none', string>,
  event: {
    'incident.created': '新上报',
    'incident.status_changed': '状态变更',
    'incident.escalated': '升级',
    'incident.overdue': '超期',
    'incident.urged': '督办',
    reported: '上报',
  } as Record<string, string>,
  status: namesIn(STATUS_NAMES, 'zh') as Record<string, string>,
  connection: { live: '实时', polling: '定时刷新', connecting: '连接中…', offline: '连接中断，正在重连', staleSince: '数据截至' },
  updated: '更新于',
  empty: '暂无数据',
};

type Strings = typeof zh;

const en: Strings = {
  title: 'Grid Governance Command Centre',
  window: { today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days' },
  metric: {
    per_1k: 'Incidents per 1,000 residents',
    open: 'Open incidents',
    closure_rate: 'Closure rate',
    overdue: 'Overdue incidents',
    urgency: 'Highest open urgency',
  },
  kpi: { reported: 'Reported', closed: 'Closed', closure_rate: 'Closure rate', open: 'Open', overdue: 'Overdue', new_today: 'New today', red_open: 'Red open' },
  kpiNow: 'now',
  ranking: { closure_rate: 'Closure rate', overdue: 'Overdue', per_1k: 'Per 1,000' },
  rankingNone: 'A grid is the smallest area: nothing below it to rank',
  unitOnly: (unit: string): string => `Only incidents assigned to ${unit}`,
  categories: 'Categories',
  ticker: 'Live feed',
  directive: 'Directives',
  noDirective: 'No open directive',
  directiveStatus: { answered: 'Answered', zero_report: 'Zero report', waiting: 'Waiting' },
  directiveLate: 'Late',
  roundOf: (round) => `Round ${round}`,
  ownAnswered: 'This district has answered',
  ownWaiting: 'This district has yet to answer',
  // The directive's entry names its district in Chinese only: the English wall says which by its place in the tree.
  districtAnswered: () => 'The district has answered',
  districtWaiting: () => 'The district has yet to answer',
  answeredOf: (answered, addressed) => `${answered} of ${addressed} answered`,
  deadline: 'Due',
  legendNoData: 'No data',
  byCommunity: ' by community',
  urgency: { none: 'None', blue: 'Blue', yellow: 'Yellow', red: 'Red' },
  event: {
    'incident.created': 'New',
    'incident.status_changed': 'Status',
    'incident.escalated': 'Escalated',
    'incident.overdue': 'Overdue',
    'incident.urged': 'Urged',
    reported: 'Reported',
  },
  status: {
    reported: 'reported',
    filed: 'filed',
    rejected: 'rejected',
    duplicate: 'duplicate',
    dispatched: 'dispatched',
    in_progress: 'in progress',
    resolved: 'resolved',
    closed: 'closed',
  },
  connection: { live: 'Live', polling: 'Polling', connecting: 'Connecting…', offline: 'Connection lost, reconnecting', staleSince: 'Figures as of' },
  updated: 'Updated',
  empty: 'No data',
};

export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : zh;
}

/** Whole numbers with the locale's grouping (the same as the home page). */
export function formatCount(n: number, lang: Lang): string {
  return n.toLocaleString(localeOf(lang));
}

/** A rate as a percentage to 0.1 %, or a dash when there is nothing to divide. */
export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** A time on the city's clock (UTC+8), whatever the wall computer's zone. */
export function formatTime(iso: string | Date, lang: Lang, withDate = false): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    second: withDate ? undefined : '2-digit',
    month: withDate ? monthOf(lang) : undefined,
    day: withDate ? '2-digit' : undefined,
    hour12: false,
  }).format(new Date(iso));
}

/**
 * A place's name in a list of places of one level (the ranking, the ticker
 * of a district wall). In English the level's word (Subdistrict, Town, …)
 * says nothing a reader of such a list needs, and would push the rest of the
 * line (the figure, the incident's category) out of the panel; the map's
 * labels and tooltips keep the full name. Chinese names are short and keep it.
 */
export function listedPlaceName(name: string, lang: Lang): string {
  return lang === 'en' ? name.replace(/ (Subdistrict|Town|Township|Community|Village)$/, '') : name;
}

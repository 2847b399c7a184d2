import { namesIn, STATUS_NAMES, URGENCY_NAMES } from '../../server/contract/vocabulary.js';
import { type Lang, localeOf, monthOf } from '../shared/i18n.js';
import type { QueueId } from './dispatch-queues.js';

export type { Lang };

/** Every word the dispatch console shows, in Chinese (the default) and English. */
const zh = {
  title: '事项交办调度台',
  urged: '已督办',
  map: {
    incident: '本事件',
    grid: '所在网格',
    community: '所在社区',
    workers: '网格员',
    position: '网格员位置',
    seen: (s: number) => (s < 60 ? '刚刚' : s < 3600 ? `${Math.floor(s / 60)} 分钟前` : `${Math.floor(s / 3600)} 小时前`),
    nearby: (n: number) => `50 米内 24 小时同类上报 ${n} 件${n ? '（点击标为重复）' : ''}`,
    queueHint: '点击圆点打开事件 · Esc 回到此图',
    unplaced: (n: number) => `${n} 件无位置`,
  },
  home: '首页',
  directives: '指令督办',
  signOut: '退出',
  readOnly: '只读',
  queue: { reported: '待立案', filed: '待派遣', handling: '处置中', verify: '待核查', overdue: '超期', red: '红色预警', all: '全部' } as Record<
    QueueId,
    string
  >,
  filters: {
    district: '区县',
    street: '街道',
    category: '类别',
    urgency: '紧急程度',
    any: { district: '全部区县', street: '全部街道', category: '全部类别', urgency: '全部等级' },
    search: '搜索编号/内容/网格/地名',
  },
  urgency: namesIn(URGENCY_NAMES, 'zh') as Record<string, string>,
  status: namesIn(STATUS_NAMES, 'zh') as Record<string, string>,
  live: { connecting: '连接中', live: '实时', offline: '已断开，重连中' } as Record<string, string>,
  waited: '等待',
  overdueBy: '已超期',
  left: '剩余',
  shown: (shown: number, all: number) => `已显示 ${shown} / ${all} 条`,
  showMore: (n: number) => `再显示 ${n} 条`,
  capped: (n: number) => `在办事件超过 ${n} 条，仅载入最新的 ${n} 条`,
  empty: '此队列暂无事件',
  loading: '加载中…',
  detail: {
    description: '事件描述',
    category: '类别',
    urgency: '紧急程度',
    status: '状态',
    reporter: '上报人',
    reportedAt: '上报时间',
    grid: '所在网格',
    deadline: '处置时限',
    due: '截止时间',
    timeLeft: '剩余时间',
    units: '承办单位',
    history: '办理过程',
    photos: '现场照片',
    before: '处置前',
    after: '处置后',
    check: '现场核查',
    verdict: { fixed: '已修好', not_fixed: '未修好' } as Record<string, string>,
    noPhotos: '暂无照片',
    duplicateOf: '重复于',
    none: '无',
    unitStatus: { assigned: '已派遣', in_progress: '处置中', resolved: '已完成' } as Record<string, string>,
  },
  history: {
    report: '上报',
    photo: '上传照片',
    escalate: '升级',
    overdue: '超期督办',
    red_alert: '红色预警',
    contact: '联系网格员',
    start: '开始处置',
    resolve: '处置完毕',
    mediate: '调解',
  } as Record<string, string>,
  actions: '操作',
  act: {
    file: '立案',
    reject: '不予立案',
    mark_duplicate: '重复事件',
    dispatch: '派遣',
    verify_fail: '核查不通过',
    close: '核查结案',
    reopen: '重新办理',
    urge: '督办',
  } as Record<string, string>,
  form: {
    note: '说明',
    quick: '常用语',
    confirm: '确认',
    cancel: '取消',
    duplicateOf: '与之重复的事件编号',
    units: '承办单位',
    oneUnit: '红色、蓝色事件派遣到一个单位',
    manyUnits: '黄色（复杂）事件可派遣到多个单位',
    suggested: '对口单位',
    otherUnits: '其他单位',
    open: (n: number) => `在办 ${n}`,
    deadlineDue: (due: string, h: number) => `现在派遣，截止时间为 ${due}（${h} 个工作小时，按工作日历含节假日、调休计算）`,
    deadlineUnknown: '正在按工作日历计算截止时间…',
    noteNeeded: '请填写说明',
    pickUnit: '请选择承办单位',
  },
  quick: {
    reject: ['不属于网格化管理范围', '信息不全，无法核实', '已由其他渠道处理', '现场核实无此问题'],
    verify_fail: ['现场核查问题仍存在', '处置照片与现场不符', '处置不彻底，请继续处理', '群众仍有反映'],
    reopen: ['群众再次反映，问题复发', '核查发现结案有误'],
    close: ['现场核查已处置完毕', '群众满意'],
    urge: ['已超期，请立即处置并反馈', '群众反映强烈，请加快处置', '请今日内处置完毕'],
  } as Record<string, string[]>,
  done: (action: string, code: string) => `${code}：${action}完成`,
  dispatchedDue: (code: string, due: string) => `${code} 已派遣，截止时间 ${due}`,
  help: {
    title: '键盘操作',
    close: '关闭',
    keys: [
      ['j / k', '下一条 / 上一条'],
      ['f', '立案'],
      ['d', '派遣'],
      ['r', '不予立案'],
      ['c', '核查结案'],
      ['x', '勾选/取消勾选（待立案：批量立案、不予立案；超期、处置中：批量督办；Shift+点击选一段）'],
      ['/', '搜索'],
      ['?', '显示/隐藏本帮助'],
      ['Esc', '关闭对话框；再按关闭事件，回到地图'],
    ] as [string, string][],
  },
  workingHours: (h: number) => `${h} 个工作小时（自派遣起计）`,
  duration: (mins: number) =>
    mins < 60
      ? `${mins} 分钟`
      : mins < 48 * 60
        ? `${Math.floor(mins / 60)} 小时 ${mins % 60} 分`
        : `${Math.floor(mins / 1440)} 天 ${Math.floor((mins % 1440) / 60)} 小时`,
};

type Strings = typeof zh;

const en: Strings = {
  title: 'Dispatch console',
  urged: 'Urged',
  map: {
    incident: 'This incident',
    grid: 'Grid',
    community: 'Community',
    workers: 'Grid workers',
    position: 'Grid worker here',
    seen: (s: number) => (s < 60 ? 'just now' : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ago`),
    nearby: (n: number) => `${n} same-category report${n === 1 ? '' : 's'} within 50 m / 24 h${n ? ' (click to mark as duplicate)' : ''}`,
    queueHint: 'Click a dot to open the incident · Esc comes back here',
    unplaced: (n: number) => `${n} without a place`,
  },
  home: 'Home',
  directives: 'Directives',
  signOut: 'Sign out',
  readOnly: 'Read only',
  queue: { reported: 'To file', filed: 'To dispatch', handling: 'In hand', verify: 'To verify', overdue: 'Overdue', red: 'Red alerts', all: 'All' },
  filters: {
    district: 'District',
    street: 'Street',
    category: 'Category',
    urgency: 'Urgency',
    any: { district: 'All districts', street: 'All streets', category: 'All categories', urgency: 'All urgencies' },
    search: 'Code, text, grid or place',
  },
  urgency: namesIn(URGENCY_NAMES, 'en') as Record<string, string>,
  status: namesIn(STATUS_NAMES, 'en') as Record<string, string>,
  live: { connecting: 'Connecting', live: 'Live', offline: 'Disconnected, retrying' },
  waited: 'Waiting',
  overdueBy: 'Overdue by',
  left: 'Left',
  shown: (shown: number, all: number) => `Showing ${shown} of ${all}`,
  showMore: (n: number) => `Show ${n} more`,
  capped: (n: number) => `More than ${n} open incidents; only the newest ${n} are loaded`,
  empty: 'Nothing in this queue',
  loading: 'Loading…',
  detail: {
    description: 'Description',
    category: 'Category',
    urgency: 'Urgency',
    status: 'Status',
    reporter: 'Reporter',
    reportedAt: 'Reported',
    grid: 'Grid',
    deadline: 'Time limit',
    due: 'Due',
    timeLeft: 'Time left',
    units: 'Units',
    history: 'History',
    photos: 'Photos',
    before: 'Before',
    after: 'After',
    check: 'On-site check',
    verdict: { fixed: 'Fixed', not_fixed: 'Not fixed' } as Record<string, string>,
    noPhotos: 'No photos',
    duplicateOf: 'Duplicate of',
    none: 'None',
    unitStatus: { assigned: 'Dispatched', in_progress: 'In progress', resolved: 'Done' },
  },
  history: {
    report: 'Reported',
    photo: 'Photo uploaded',
    escalate: 'Escalated',
    overdue: 'Overdue notice',
    red_alert: 'Red alert',
    contact: 'Called grid worker',
    start: 'Work started',
    resolve: 'Resolved',
    mediate: 'Mediation',
  },
  actions: 'Actions',
  act: {
    file: 'File',
    reject: 'Reject',
    mark_duplicate: 'Duplicate',
    dispatch: 'Dispatch',
    verify_fail: 'Send back',
    close: 'Verify & close',
    reopen: 'Reopen',
    urge: 'Urge',
  },
  form: {
    note: 'Note',
    quick: 'Quick replies',
    confirm: 'Confirm',
    cancel: 'Cancel',
    duplicateOf: 'Code of the incident it duplicates',
    units: 'Units',
    oneUnit: 'Red and blue incidents go to one unit',
    manyUnits: 'Yellow (complex) incidents may go to several units',
    suggested: 'Usual units',
    otherUnits: 'Other units',
    open: (n: number) => `${n} open`,
    deadlineDue: (due: string, h: number) =>
      `Dispatched now, it is due ${due} (${h} working hours on the working calendar, holidays and make-up days included)`,
    deadlineUnknown: 'Working out the due time on the working calendar…',
    noteNeeded: 'Write a note',
    pickUnit: 'Choose a unit',
  },
  quick: {
    reject: ['Outside grid management', 'Not enough information to verify', 'Already handled elsewhere', 'Not found on site'],
    verify_fail: ['Problem still there on site', 'Photos do not match the site', 'Not finished; carry on', 'Residents still complain'],
    reopen: ['Reported again: the problem is back', 'Closed in error'],
    close: ['Checked on site: done', 'Residents satisfied'],
    urge: ['Overdue: act now and report back', 'Residents are pressing: speed up', 'Finish it today'],
  },
  done: (action: string, code: string) => `${code}: ${action} done`,
  dispatchedDue: (code: string, due: string) => `${code} dispatched; due ${due}`,
  help: {
    title: 'Keyboard',
    close: 'Close',
    keys: [
      ['j / k', 'Next / previous'],
      ['f', 'File'],
      ['d', 'Dispatch'],
      ['r', 'Reject'],
      ['c', 'Verify & close'],
      ['x', 'Tick / untick (new reports: file or reject together; overdue, in hand: urge together; Shift+click ticks a range)'],
      ['/', 'Search'],
      ['?', 'Show/hide this help'],
      ['Esc', 'Close a dialog; again, close the incident (back to the map)'],
    ],
  },
  workingHours: (h: number) => `${h} working hours from dispatch`,
  duration: (mins: number) =>
    mins < 60
      ? `${mins} min`
      : mins < 48 * 60
        ? `${Math.floor(mins / 60)} h ${mins % 60} min`
        : `${Math.floor(mins / 1440)} d ${Math.floor((mins % 1440) / 60)} h`,
};

export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : zh;
}

/** A time as China's clock shows it (the centre's clock, whatever the browser's zone): 06-15 10:32. */
export function formatTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(localeOf(lang), {
    timeZone: 'Asia/Shanghai',
    month: monthOf(lang),
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** The name of a history actor ("user:wang" → "wang"; "system" stays). */
export function actorName(actor: string): string {
  return actor.replace(/^(user|token):/, '');
}

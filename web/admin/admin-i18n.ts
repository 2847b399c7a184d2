import { ROLE_NAMES, ROLES, type Role } from '../../server/contract/vocabulary.js';
import type { Lang } from './admin-types.js';

export { ROLES, type Role };

const zh = {
  title: '用户、令牌与审计',
  home: '返回首页',
  signOut: '退出',
  otherLang: 'English',
  noPermission: '无权限：只有指挥长可以管理用户、令牌和审计日志。',
  loading: '加载中…',
  tabs: { users: '用户', tokens: 'API 令牌', audit: '审计日志' },
  dismiss: '关闭',
  never: '从未',
  none: '—',
  wholeCity: '全市',
  users: {
    heading: '用户', create: '新建用户', username: '用户名', displayName: '姓名', role: '角色', scope: '管辖范围', unit: '处置单位',
    password: '初始密码', disabled: '状态', active: '正常', isDisabled: '已停用', actions: '操作', submit: '创建用户',
    disable: '停用', enable: '启用', resetPassword: '重置密码', changeRole: '改角色/范围', save: '保存', cancel: '取消',
    scopeHint: '区 6 位 / 街道 9 位 / 社区 12 位 / 网格 15 位；指挥长留空', newPassword: (u: string) => `为 ${u} 设置新密码（至少 8 位）：`,
    created: (u: string) => `已创建用户 ${u}`, passwordReset: (u: string) => `已重置 ${u} 的密码`,
  },
  tokens: {
    heading: 'API 令牌', create: '新建令牌', name: '名称', prefix: '前缀', role: '角色', scope: '范围', unit: '处置单位', created: '创建时间',
    lastUsed: '最近使用', expires: '到期', revoked: '状态', active: '有效', revokedAt: '已吊销', revoke: '吊销', submit: '创建令牌',
    confirmRevoke: (n: string) => `吊销令牌「${n}」？使用它的设备和大屏会立即失去访问权限。`,
    secretTitle: '新令牌的密钥', secretWarning: '请立即复制保存：关闭后不会再次显示。', wallUrl: '大屏地址', copy: '复制', copied: '已复制',
    copyFailed: '无法访问剪贴板，请手动选择复制', done: '我已保存', expiryHint: '到期时间按北京时间；留空表示永不过期',
  },
  audit: {
    heading: '审计日志', actor: '操作者', targetType: '对象类型', targetId: '对象编号', action: '操作', actionPrefix: '操作（前缀）', from: '起', to: '止',
    apply: '筛选', reset: '清除', at: '时间', target: '对象', change: '变更', ip: '来源 IP', older: '加载更早的记录', end: '没有更早的记录',
    empty: '没有符合条件的记录', timeHint: '北京时间',
  },
};

type Strings = typeof zh;

const en: Strings = {
  title: 'Users, tokens & audit',
  home: 'Home',
  signOut: 'Sign out',
  otherLang: '中文',
  noPermission: 'No permission: only the city commander manages users, tokens and the audit log.',
  loading: 'Loading…',
  tabs: { users: 'Users', tokens: 'API tokens', audit: 'Audit log' },
  dismiss: 'Dismiss',
  never: 'never',
  none: '—',
  wholeCity: 'whole city',
  users: {
    heading: 'Users', create: 'New user', username: 'Username', displayName: 'Name', role: 'Role', scope: 'Scope', unit: 'Unit',
    password: 'Initial password', disabled: 'Status', active: 'active', isDisabled: 'disabled', actions: 'Actions', submit: 'Create user',
    disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password', changeRole: 'Role/scope', save: 'Save', cancel: 'Cancel',
    scopeHint: 'district 6 / street 9 / community 12 / grid 15 digits; empty for the commander', newPassword: (u: string) => `New password for ${u} (8 characters or more):`,
    created: (u: string) => `Created user ${u}`, passwordReset: (u: string) => `Password of ${u} reset`,
  },
  tokens: {
    heading: 'API tokens', create: 'New token', name: 'Name', prefix: 'Prefix', role: 'Role', scope: 'Scope', unit: 'Unit', created: 'Created',
    lastUsed: 'Last used', expires: 'Expires', revoked: 'Status', active: 'active', revokedAt: 'revoked', revoke: 'Revoke', submit: 'Create token',
    confirmRevoke: (n: string) => `Revoke the token "${n}"? Devices and walls using it lose access at once.`,
    secretTitle: 'The new token’s secret', secretWarning: 'Copy it now: it will not be shown again.', wallUrl: 'Wall URL', copy: 'Copy', copied: 'Copied',
    copyFailed: 'No clipboard access: select and copy by hand', done: 'I have saved it', expiryHint: 'Expiry is in Beijing time; leave it empty for a token that never expires',
  },
  audit: {
    heading: 'Audit log', actor: 'Actor', targetType: 'Target type', targetId: 'Target id', action: 'Action', actionPrefix: 'Action (prefix)', from: 'From', to: 'To',
    apply: 'Filter', reset: 'Clear', at: 'Time', target: 'Target', change: 'Change', ip: 'Client IP', older: 'Load older', end: 'No older entries',
    empty: 'No matching entries', timeHint: 'Beijing time',
  },
};

export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : zh;
}

export function roleName(role: string, lang: Lang): string {
  return ROLE_NAMES[role as Role]?.[lang] ?? role;
}

/** A time on the city's clock (UTC+8), as the wall shows it, whatever the browser's zone. */
export function formatTime(iso: string | Date | null, lang: Lang): string {
  if (!iso) return strings(lang).none;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(iso));
}

/** A <input type="datetime-local"> value, read as Beijing time, as the ISO time the API expects; '' stays undefined. */
export function beijingIso(local: string): string | undefined {
  if (!local) return undefined;
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

/**
 * What the `gridscope` command line says to a person, in Chinese and English:
 * usage errors, start-up and shutdown lines, the demo city's progress, the
 * refusals of create-user and of the configuration. The district importer's
 * own words are in geodata/district-import-messages.ts, in the same shape.
 *
 * Library callers (tests, benches) and `Error.message` get the English; the
 * CLI prints the operator's language (`cliLang`). The server's JSON logs (pino)
 * stay English on purpose: they are read by operators' log tools, not people.
 * Machine-readable parts (URLs, codes, numbers, file names) are the same in both.
 */
import type { ImportLang, Said } from '../geodata/district-import-messages.js';

export type { Said } from '../geodata/district-import-messages.js';
export type CliLang = ImportLang;

/**
 * The operator's language: GRIDSCOPE_LANG (zh or en), else English when the
 * locale (LC_ALL, LC_MESSAGES, LANG) is, else Chinese (C.UTF-8 or unset too).
 */
export function cliLang(env: NodeJS.ProcessEnv): CliLang {
  const set = env.GRIDSCOPE_LANG?.trim().toLowerCase();
  if (set === 'zh' || set === 'en') return set;
  return /^en([_.-]|$)/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'en' : 'zh';
}

/** An expected failure that can say itself in either language; `message` is the English. */
export class SaidError extends Error {
  constructor(readonly said: Said) {
    super(said.en);
  }

  messageIn(lang: CliLang): string {
    return this.said[lang];
  }
}

/** Usage errors and the lines of `gridscope` itself (server/cli.ts). */
export const cliSays = {
  seeUsage: (): Said => ({ en: 'run "gridscope --help" for usage', zh: '用法见 "gridscope --help"' }),
  unknownCommand: (name: string): Said => ({ en: `unknown command ${JSON.stringify(name)}`, zh: `未知命令 ${JSON.stringify(name)}` }),
  unknownOption: (option: string): Said => ({ en: `unknown option ${option}`, zh: `未知选项 ${option}` }),
  /** node:util's own words for other parse errors (a missing value, a value to a switch). */
  badArguments: (nodeSays: string): Said => ({ en: nodeSays, zh: `命令行参数有误:${nodeSays}` }),
  notWholeNumber: (flag: string, value: string): Said => ({
    en: `--${flag} must be a whole number, got ${JSON.stringify(value)}`,
    zh: `--${flag} 须为非负整数,收到的是 ${JSON.stringify(value)}`,
  }),
  importNeedsFile: (): Said => ({ en: 'import-districts needs a GeoJSON file', zh: 'import-districts 需要一个 GeoJSON 文件' }),
  createUserNeeds: (): Said => ({ en: 'create-user needs a username and --role', zh: 'create-user 需要用户名和 --role' }),
  rollupNeedsRebuild: (): Said => ({ en: 'rollup needs --rebuild', zh: 'rollup 需要 --rebuild' }),
  userCreated: (username: string, role: string, scope: string | null, unit: string | null): Said => ({
    en: `created user ${username} (${role}${scope ? `, scope ${scope}` : ''}${unit ? `, unit ${unit}` : ''})`,
    zh: `已创建用户 ${username}(${role}${scope ? `,范围 ${scope}` : ''}${unit ? `,单位 ${unit}` : ''})`,
  }),
  upToDate: (): Said => ({ en: 'database is up to date', zh: '数据库已是最新' }),
  rollupRebuilt: (daily: number, heat: number): Said => ({
    en: `rollups rebuilt: daily ${daily} rows, heat ${heat} rows`,
    zh: `汇总已重建:每日汇总 ${daily} 行,热力图汇总 ${heat} 行`,
  }),
  /** An unexpected failure (server/cli-crash.ts): the error's own first line stays as it is, like the database's words. */
  crashed: (command: string, what: string, debug: boolean): Said => ({
    en: `${command} failed unexpectedly: ${what}${debug ? '' : ' (GRIDSCOPE_DEBUG=1 prints the stack trace)'}`,
    zh: `执行 ${command} 时意外失败:${what}${debug ? '' : '(设置 GRIDSCOPE_DEBUG=1 可显示调用栈)'}`,
  }),
  shutdownFailed: (): Said => ({ en: 'error during shutdown:', zh: '关闭时出错:' }),
};

/** Start-up, sign-in hints and shutdown of `serve`, and the database lines of every command (server/server.ts). */
export const serverSays = {
  postgres: (redactedUrl: string): Said => ({ en: `database: PostgreSQL ${redactedUrl}`, zh: `数据库:PostgreSQL ${redactedUrl}` }),
  pglite: (dir: string): Said => ({ en: `database: embedded PGlite in ${dir}`, zh: `数据库:内嵌 PGlite,目录 ${dir}` }),
  replica: (redactedUrl: string): Said => ({ en: `read replica: PostgreSQL ${redactedUrl}`, zh: `只读副本:PostgreSQL ${redactedUrl}` }),
  migrationsApplied: (files: string[]): Said => ({ en: `migrations applied: ${files.join(', ')}`, zh: `已应用迁移:${files.join(', ')}` }),
  building: (grids: number | undefined, incidents: number, seed: number): Said => ({
    en: `building the demo city: ${grids === undefined ? 'grids by population' : `${grids} grids`}, ${incidents} incidents (seed ${seed}) ...`,
    zh: `正在生成演示城市:${grids === undefined ? '网格数按人口' : `${grids} 个网格`},${incidents} 起事件(随机种子 ${seed})……`,
  }),
  step: (step: Said): Said => ({ en: `  ... ${step.en}`, zh: `  …… ${step.zh}` }),
  cityReady: (s: { ms: number; districts: number; streets: number; communities: number; grids: number; workers: number; incidents: number }): Said => {
    const secs = (s.ms / 1000).toFixed(1);
    return {
      en:
        `demo city ready in ${secs} s: ${s.districts} districts, ${s.streets} streets, ` +
        `${s.communities} communities, ${s.grids} grids, ${s.workers} workers, ${s.incidents} incidents`,
      zh:
        `演示城市已生成,用时 ${secs} 秒:${s.districts} 个区县、${s.streets} 个街道、` +
        `${s.communities} 个社区、${s.grids} 个网格、${s.workers} 名网格员、${s.incidents} 起事件`,
    };
  },
  demoUsers: (defaultPassword: string): Said => ({
    en: `demo users (password from GRIDSCOPE_DEMO_PASSWORD, default "${defaultPassword}"): sign in at /login.html`,
    zh: `演示用户(密码取自 GRIDSCOPE_DEMO_PASSWORD,默认 "${defaultPassword}"):在 /login.html 登录`,
  }),
  wholeCity: (): Said => ({ en: 'whole city', zh: '全市' }),
  anonymousRead: (): Said => ({ en: 'anonymous read-only access is ON (GRIDSCOPE_ANONYMOUS_READ)', zh: '匿名只读访问已开启(GRIDSCOPE_ANONYMOUS_READ)' }),
  ready: (secs: string, url: string): Said => ({
    en: `Gridscope ready in ${secs} s at ${url}  (API docs: ${url}docs)`,
    zh: `Gridscope 已就绪,用时 ${secs} 秒,地址 ${url}  (API 文档:${url}docs)`,
  }),
  signalAgain: (signal: string): Said => ({ en: `${signal} again: exiting now`, zh: `再次收到 ${signal}:立即退出` }),
  shuttingDown: (signal: string): Said => ({ en: `${signal}: shutting down ...`, zh: `收到 ${signal}:正在关闭……` }),
  stopped: (): Said => ({ en: 'stopped cleanly', zh: '已正常停止' }),
};

/** The demo city builder's progress and refusal (geodata/demo-city/seed-demo-city.ts). */
export const seedSays = {
  districts: (): Said => ({ en: 'districts', zh: '区县' }),
  populationEstimated: (codes: string[]): Said => ({
    en: `population estimated by kind and area (not in the population file): ${codes.join(', ')}`,
    zh: `人口按类型和面积估算(人口文件中没有):${codes.join('、')}`,
  }),
  slivers: (n: number, m2: number): Said => ({
    en: `${n} sliver piece(s) of districts under ${m2} m² given to the neighbouring district they share the longest border with`,
    zh: `区县中 ${n} 块小于 ${m2} m² 的碎片已并入与其共边最长的相邻区县`,
  }),
  streets: (n: number, real: boolean): Said => ({ en: `streets (${n}, ${real ? 'real' : 'synthetic'})`, zh: `街道(${n} 个,${real ? '真实' : '虚构'})` }),
  communities: (n: number): Said => ({ en: `communities (${n})`, zh: `社区(${n} 个)` }),
  grids: (n: number): Said => ({ en: `grids (${n})`, zh: `网格(${n} 个)` }),
  workers: (): Said => ({ en: 'grid workers', zh: '网格员' }),
  incidents: (done: number, total: number): Said => ({ en: `incidents ${done}/${total}`, zh: `事件 ${done}/${total}` }),
  directives: (): Said => ({ en: 'directives', zh: '指令' }),
  /** A wrong population file (--population, GRIDSCOPE_DEMO_POPULATION); `where` is populationKey or populationLine. */
  populationKey: (key: string): Said => ({ en: `key ${key}`, zh: `键 ${key}` }),
  populationLine: (n: number): Said => ({ en: `line ${n}`, zh: `第 ${n} 行` }),
  populationNotCode: (source: string, where: Said, code: string): Said => ({
    en: `${source}: ${where.en}: ${JSON.stringify(code)} is not a 6-digit district code`,
    zh: `${source}:${where.zh}:${JSON.stringify(code)} 不是 6 位区县代码`,
  }),
  populationNotCount: (source: string, where: Said, code: string, value: unknown): Said => ({
    en: `${source}: ${where.en}: the population of ${code} must be a whole number above 0, not ${JSON.stringify(value)}`,
    zh: `${source}:${where.zh}:${code} 的人口须为大于 0 的整数,而不是 ${JSON.stringify(value)}`,
  }),
  populationTwice: (source: string, where: Said, code: string): Said => ({
    en: `${source}: ${where.en}: ${code} is listed twice`,
    zh: `${source}:${where.zh}:${code} 重复出现`,
  }),
  populationNotJson: (source: string, why: string): Said => ({ en: `${source}: not valid JSON (${why})`, zh: `${source}:不是有效的 JSON(${why})` }),
  populationEmpty: (source: string): Said => ({ en: `${source}: no district populations in it`, zh: `${source}:其中没有区县人口` }),
  populationUnreadable: (source: string, why: string): Said => ({ en: `cannot read ${source}: ${why}`, zh: `无法读取 ${source}:${why}` }),
  alreadySeeded: (): Said => ({
    en: 'the database already holds a city below district level; seeding needs an empty database',
    zh: '数据库中已有区县以下的城市数据:生成演示城市需要空数据库',
  }),
};

/** Refusals of `gridscope create-user`, of the configuration and of the database (their error classes). */
export const refusalSays = {
  role: (roles: readonly string[]): Said => ({ en: `--role must be one of ${roles.join(', ')}`, zh: `--role 须为以下之一:${roles.join('、')}` }),
  grant: (field: string, en: string, zh: string): Said => ({ en: `--${field}: ${en}`, zh: `--${field}:${zh}` }),
  password: (reason: string): Said => ({ en: `password ${reason}`, zh: '密码须为 8 到 200 个字符' }),
  username: (): Said => ({
    en: 'username: 3-40 of a-z 0-9 _ . -, starting with a letter or digit',
    zh: '用户名:3 到 40 个 a-z 0-9 _ . - 字符,以字母或数字开头',
  }),
  noScope: (code: string): Said => ({
    en: `--scope: no district, street, community or grid ${code}`,
    zh: `--scope:没有代码为 ${code} 的区县、街道、社区或网格`,
  }),
  noUnit: (code: string): Said => ({ en: `--unit: no unit ${code}`, zh: `--unit:没有代码为 ${code} 的单位` }),
  usernameTaken: (name: string): Said => ({ en: `username ${name} is taken`, zh: `用户名 ${name} 已被占用` }),
  passwordSource: (): Said => ({ en: 'pipe the password on stdin or set GRIDSCOPE_NEW_PASSWORD', zh: '请通过标准输入传入密码,或设置 GRIDSCOPE_NEW_PASSWORD' }),
  /** `expected` is a Said where we word it; a parser's reason (calendar, plan rules) stays in its English. */
  config: (variable: string, value: string, expected: Said | string): Said => ({
    en: `invalid configuration: ${variable}=${JSON.stringify(value)}; expected ${typeof expected === 'string' ? expected : expected.en}`,
    zh: `配置无效:${variable}=${JSON.stringify(value)};应为 ${typeof expected === 'string' ? expected : expected.zh}`,
  }),
  integer: (min: number, max: number): Said => ({ en: `an integer from ${min} to ${max}`, zh: `${min} 到 ${max} 之间的整数` }),
  trueOrFalse: (): Said => ({ en: 'true or false', zh: 'true 或 false' }),
  postgresUrl: (): Said => ({ en: 'a postgres:// or postgresql:// URL', zh: 'postgres:// 或 postgresql:// 开头的 URL' }),
  replicaNeedsPrimary: (): Said => ({ en: 'empty unless DATABASE_URL is set (PGlite has no replicas)', zh: '留空,除非设置了 DATABASE_URL(PGlite 没有副本)' }),
  oneOf: (values: readonly string[]): Said => ({ en: values.join(', '), zh: `以下之一:${values.join(', ')}` }),
  atLeastChars: (n: number): Said => ({ en: `at least ${n} characters`, zh: `至少 ${n} 个字符` }),
  styleUrl: (): Said => ({ en: 'an http(s):// URL or a path on this server', zh: 'http(s):// 开头的 URL 或本服务器上的路径' }),
  dataDirInUse: (dir: string, pid: number): Said => ({
    en:
      `data directory ${dir} is already in use by another Gridscope process (pid ${pid}). ` +
      'The embedded database allows one process at a time: stop the other process, or point GRIDSCOPE_DATA_DIR at another directory.',
    zh: `数据目录 ${dir} 正被另一个 Gridscope 进程使用(pid ${pid})。内嵌数据库同一时间只允许一个进程:请停止另一个进程,或把 GRIDSCOPE_DATA_DIR 指向其他目录。`,
  }),
  /** The database's own reason is kept as the database words it. */
  migrationFailed: (file: string, reason: string): Said => ({ en: `migration ${file} failed: ${reason}`, zh: `迁移 ${file} 失败:${reason}` }),
};

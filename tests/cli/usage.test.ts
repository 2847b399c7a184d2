import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crashLines } from '../../server/cli-crash.js';
import { usage } from '../../server/cli-help.js';
import { CONFIG_VARIABLES } from '../../server/config.js';
import { PROJECT_ROOT, runCli } from '../helpers/cli-process.js';

const VERSION = JSON.parse(readFileSync(`${PROJECT_ROOT}/package.json`, 'utf8')).version as string;

/** What the CLI says by default: no GRIDSCOPE_LANG and a locale that is not English (C.UTF-8, as in many containers). */
const DEFAULT_LANG = { GRIDSCOPE_LANG: '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
/** English for the first cases, asked for over that locale. */
const ENGLISH = { ...DEFAULT_LANG, GRIDSCOPE_LANG: 'en' };

async function cli(args: string[], env: Record<string, string> = ENGLISH): Promise<{ code: number | null; out: string }> {
  const run = runCli(args, env);
  const code = await run.exited;
  return { code, out: run.output() };
}

/** Every case: what a person types, the exit code, and what the output must (not) say. */
const CASES: { args: string[]; code: number; says: RegExp }[] = [
  { args: ['--version'], code: 0, says: new RegExp(`^gridscope ${VERSION.replaceAll('.', '\\.')}\\n$`) },
  { args: ['-v'], code: 0, says: /^gridscope \d+\.\d+\.\d+\n$/ },
  { args: ['help'], code: 0, says: /Usage: gridscope <command>[\s\S]*create-user NAME --role ROLE/ },
  {
    args: ['help', 'seed'],
    code: 0,
    says: /^gridscope seed \[--grids N\][\s\S]*at least one\s+per district[\s\S]*--population FILE: residents by district code/,
  },
  { args: ['create-user', '--help'], code: 0, says: /^gridscope create-user NAME --role ROLE[\s\S]*grid_worker/ },
  { args: ['--bogus'], code: 1, says: /^gridscope: unknown option '--bogus'\nrun "gridscope --help" for usage\n$/ },
  { args: ['seed', '--grids', 'abc'], code: 1, says: /^gridscope: --grids must be a whole number, got "abc"\n/ },
  { args: ['frob'], code: 1, says: /^gridscope: unknown command "frob"\n/ },
  { args: ['help', 'frob'], code: 1, says: /^gridscope: unknown command "frob"\n/ },
];

describe('the command line speaks plainly', () => {
  it.each(CASES)('gridscope $args', async ({ args, code, says }) => {
    const got = await cli(args);
    expect(got.out).toMatch(says);
    expect(got.code).toBe(code);
    // Never a stack trace, never a blamed environment variable the user did not set.
    expect(got.out).not.toMatch(/\n\s+at /);
    if (code !== 0) expect(got.out).not.toMatch(/GRIDSCOPE_/);
  });
});

describe('the command line speaks Chinese unless told otherwise', () => {
  // GRIDSCOPE_LANG=en over a non-English locale is every case above; each run here costs a CLI start, so few.
  const LANGUAGES: { name: string; args: string[]; env: Record<string, string>; code: number; says: RegExp }[] = [
    { name: 'an error, by default (C.UTF-8)', args: ['frob'], env: DEFAULT_LANG, code: 1, says: /^gridscope: 未知命令 "frob"\n用法见 "gridscope --help"\n$/ },
    {
      name: 'the usage, with no locale at all',
      args: ['help'],
      env: { ...DEFAULT_LANG, LANG: '' },
      code: 0,
      says: /^用法:gridscope <命令>[\s\S]*create-user 用户名 --role 角色[\s\S]*语言:命令行默认使用中文[\s\S]*\n {2}GRIDSCOPE_DEMO_SEED +演示城市的随机种子 \(默认:20220516\)\n/,
    },
    {
      name: 'an error, in an English locale',
      args: ['frob'],
      env: { ...DEFAULT_LANG, LANG: 'en_US.UTF-8' },
      code: 1,
      says: /^gridscope: unknown command "frob"\nrun "gridscope --help" for usage\n$/,
    },
  ];

  it.each(LANGUAGES)('$name', async ({ args, env, code, says }) => {
    const got = await cli(args, env);
    expect(got.out).toMatch(says);
    expect(got.code).toBe(code);
  });
});

describe("an unexpected failure gets one line in the operator's language, naming what failed", () => {
  it('as a child process: a database that refuses, in Chinese by default, without the stack or the password', async () => {
    // Port 1 refuses at once: a failure no command expects.
    const got = await cli(['migrate', '--database-url', 'postgres://gridscope:s3cret@127.0.0.1:1/gridscope'], DEFAULT_LANG);
    expect(got.code).toBe(1);
    expect(got.out, JSON.stringify(got.out)).toMatch(
      /\ngridscope: 执行 migrate 时意外失败:connect ECONNREFUSED 127\.0\.0\.1:1\(设置 GRIDSCOPE_DEBUG=1 可显示调用栈\)\n$/,
    );
    expect(got.out).not.toMatch(/\n\s+at /);
    expect(got.out).not.toContain('s3cret');
  });

  // The same handler's lines in English and with GRIDSCOPE_DEBUG, without a process start each.
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const LINES: { name: string; err: unknown; lang: 'en' | 'zh'; env: Record<string, string>; first: string; stack: boolean }[] = [
    {
      name: 'English',
      err: refused,
      lang: 'en',
      env: {},
      first: 'gridscope: migrate failed unexpectedly: connect ECONNREFUSED 127.0.0.1:1 (GRIDSCOPE_DEBUG=1 prints the stack trace)',
      stack: false,
    },
    {
      name: 'English, debugging',
      err: refused,
      lang: 'en',
      env: { GRIDSCOPE_DEBUG: '1' },
      first: 'gridscope: migrate failed unexpectedly: connect ECONNREFUSED 127.0.0.1:1',
      stack: true,
    },
    {
      name: 'a bug: its class named, a connection string cut, one line',
      err: new TypeError('cannot read postgres://u:pw@db/x\nsecond line'),
      lang: 'zh',
      env: { GRIDSCOPE_DEBUG: '0' },
      first: 'gridscope: 执行 migrate 时意外失败:TypeError: cannot read postgres://***@db/x(设置 GRIDSCOPE_DEBUG=1 可显示调用栈)',
      stack: false,
    },
    {
      name: 'refused on every address (an AggregateError with no message of its own)',
      err: new AggregateError([refused], ''),
      lang: 'en',
      env: {},
      first: 'gridscope: migrate failed unexpectedly: connect ECONNREFUSED 127.0.0.1:1 (GRIDSCOPE_DEBUG=1 prints the stack trace)',
      stack: false,
    },
  ];
  it.each(LINES)('$name', ({ err, lang, env, first, stack }) => {
    const lines = crashLines(err, 'migrate', lang, env);
    expect(lines[0]).toBe(first);
    expect(lines.length).toBe(stack ? 2 : 1);
    if (stack) expect(lines[1]).toMatch(/^Error: connect ECONNREFUSED[^\n]*\n\s+at /);
  });
});

describe("the usage text's environment variables, in both languages", () => {
  // A few lines as a person should read them: the name and default exact, the description in the language asked for.
  const LINES: { variable: string; en: string; zh: string }[] = [
    { variable: 'PORT', en: 'port to listen on (default: 3000)', zh: '监听端口 (默认:3000)' },
    {
      variable: 'DATABASE_URL',
      en: 'PostgreSQL + PostGIS connection string; empty = embedded PGlite (default: unset)',
      zh: 'PostgreSQL + PostGIS 连接串;为空 = 内嵌 PGlite (默认:未设置)',
    },
    {
      variable: 'GRIDSCOPE_GRID_HOUSEHOLDS',
      en: 'households per grid in urban communities (社区), MIN-MAX, MIN- or -MAX; empty = unbounded (default: 200-500)',
      zh: '城市社区每个网格的户数,MIN-MAX、MIN- 或 -MAX;为空 = 不限 (默认:200-500)',
    },
    {
      variable: 'GRIDSCOPE_DEBUG',
      en: '1: a command that fails unexpectedly also prints the stack trace (default: unset)',
      zh: '1:命令意外失败时同时显示调用栈 (默认:未设置)',
    },
  ];

  it.each(LINES)('$variable', ({ variable, en, zh }) => {
    expect(usage('en').split('\n')).toContain(`  ${variable.padEnd(26)} ${en}`);
    expect(usage('zh').split('\n')).toContain(`  ${variable.padEnd(26)} ${zh}`);
  });

  it('describes every variable in Chinese by default, each with its exact default', () => {
    for (const [name, { default: value }] of Object.entries(CONFIG_VARIABLES)) {
      const line = usage('zh')
        .split('\n')
        .find((l) => l.startsWith(`  ${name} `));
      expect(line, name).toMatch(/[\u4e00-\u9fff]/);
      expect(line, name).toContain(`(默认:${value || '未设置'})`);
    }
  });
});

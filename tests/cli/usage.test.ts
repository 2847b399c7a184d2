import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/cli-process.js';

const VERSION = JSON.parse(readFileSync(`${PROJECT_ROOT}/package.json`, 'utf8')).version as string;

async function cli(...args: string[]): Promise<{ code: number | null; out: string }> {
  const run = runCli(args, {});
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
    const got = await cli(...args);
    expect(got.out).toMatch(says);
    expect(got.code).toBe(code);
    // Never a stack trace, never a blamed environment variable the user did not set.
    expect(got.out).not.toMatch(/\n\s+at /);
    if (code !== 0) expect(got.out).not.toMatch(/GRIDSCOPE_/);
  });
});

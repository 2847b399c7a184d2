import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, slowest first, as measured in CI on the 2-core
 * machine (the timing reporter's table, both backends). With two workers the
 * run ends when the later of the two finishes: a 100-second file started last
 * keeps one worker busy while the other idles. Longest first lets the many
 * short files fill in at the end, so both workers finish together.
 */
const SLOWEST_FIRST = [
  // The first two need different database templates, so that they build them side by side instead of one waiting.
  'tests/browser/wall.test.ts',
  'tests/cli/serve.test.ts',
  'tests/browser/explore.test.ts',
  'tests/browser/dispatch.test.ts',
  'tests/browser/field-app.test.ts',
  'tests/browser/plan.test.ts',
  'tests/geodata/demo-city.test.ts',
  'tests/browser/login-and-admin.test.ts',
  'tests/browser/dispatch-bulk.test.ts',
  'tests/reliability/embedded-crash.test.ts',
  'tests/cli/import-districts.test.ts',
  'tests/geodata/real-districts.test.ts',
  'tests/browser/directives.test.ts',
  'tests/db/constraints.test.ts',
  'tests/auth/access-control.test.ts',
  'tests/api/input-fuzz.test.ts',
  'tests/geodata/demo-histories.test.ts',
  'tests/reliability/database-outage.test.ts',
  'tests/geodata/zhuzhou-outline.test.ts',
  'tests/plan/geometry-input.test.ts',
  'tests/db/migrate.test.ts',
];

/**
 * Vitest's own order (failed first, then longest first) when it has timings of
 * every file from an earlier run on this checkout; otherwise (a fresh clone in
 * CI: its cache lives under node_modules) the list above first, then the rest
 * largest first as vitest does.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const known = files.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`));
    if (known) return sorted;
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.indexOf(relative(root, f.moduleId));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

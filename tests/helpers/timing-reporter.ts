import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints where the suite's time went, one line per test file, slowest first,
 * so CI logs show which file to speed up (or which one a slow machine hurt).
 * "import" is loading the file; "tests+hooks" includes beforeAll set-up.
 */
export default class TimingReporter implements Reporter {
  private started = Date.now();

  onTestRunStart(): void {
    this.started = Date.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = testModules.map((m) => {
      const d = m.diagnostic();
      const imported = d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration;
      return { file: relative(process.cwd(), m.moduleId), project: m.project.name, imported, run: d.duration, state: m.state() };
    });
    rows.sort((a, b) => b.imported + b.run - (a.imported + a.run));
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
    const lines = rows.map((r) => `${s(r.imported + r.run)} ${s(r.imported)} ${s(r.run)}  ${r.project.padEnd(8)} ${r.state.padEnd(7)} ${r.file}`);
    const busy = rows.reduce((sum, r) => sum + r.imported + r.run, 0);
    console.log(
      [
        '',
        `== test file times (wall clock of the run ${s(Date.now() - this.started).trim()}, summed over files ${s(busy).trim()})`,
        `   total   import tests+hooks  project  state   file`,
        ...lines,
        '',
      ].join('\n'),
    );
  }
}

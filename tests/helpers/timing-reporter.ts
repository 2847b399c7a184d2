import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints where the suite's time went, one line per test file, slowest first,
 * so CI logs show which file to speed up (or which one a slow machine hurt).
 * "import" is loading the file; "tests+hooks" includes beforeAll set-up.
 * On Linux it adds how busy the machine's CPUs were (all processes: the
 * browsers and child processes the tests start count too), and how much of
 * that the kernel took: a suite that keeps every core busy is sped up only by
 * doing less work, not by more workers.
 */
export default class TimingReporter implements Reporter {
  private started = Date.now();
  private cpuAtStart = cpuTicks();

  onTestRunStart(): void {
    this.started = Date.now();
    this.cpuAtStart = cpuTicks();
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
        cpuLine(this.cpuAtStart, cpuTicks()),
        `   total   import tests+hooks  project  state   file`,
        ...lines,
        '',
      ].join('\n'),
    );
  }
}

/** The machine's CPU time so far by kind, in clock ticks (/proc/stat's first line); undefined off Linux. */
function cpuTicks(): { user: number; system: number; idle: number } | undefined {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { user: user! + nice!, system: system! + irq! + softirq! + steal!, idle: idle! + iowait! };
  } catch {
    return undefined;
  }
}

function cpuLine(from: ReturnType<typeof cpuTicks>, to: ReturnType<typeof cpuTicks>): string {
  if (!from || !to) return '== CPU: not measured (no /proc/stat)';
  const [user, system, idle] = [to.user - from.user, to.system - from.system, to.idle - from.idle];
  const all = Math.max(1, user + system + idle);
  const pc = (n: number) => `${Math.round((100 * n) / all)} %`;
  return `== CPU over the run (${availableParallelism()} cores, every process): busy ${pc(user + system)} (user ${pc(user)}, kernel ${pc(system)})`;
}

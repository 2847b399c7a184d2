import { readdirSync, readFileSync } from 'node:fs';

/**
 * Chromium's processes started by this one (Linux /proc), for benchmarks: CPU
 * seconds by kind (the GPU process, where SwiftShader draws the frames;
 * renderers, the page's scripts and layout; the rest, the browser process and
 * the network service) and memory. CPU seconds hold still when other work
 * shares the machine, where wall time does not: a benchmark on a busy 2-core
 * machine reports both.
 */
export type ChromiumCpu = Record<'gpu' | 'renderer' | 'other', number>;

interface ChromiumProcess {
  pid: number;
  kind: keyof ChromiumCpu;
  /** User + system CPU seconds so far. */
  cpu: number;
}

const TICKS_PER_SECOND = 100;

/** This process's Chromium descendants (none where /proc is not there). */
export function chromiumProcesses(): ChromiumProcess[] {
  const all: { pid: number; ppid: number; cpu: number }[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state, ppid, …, utime (14th), stime (15th).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.push({ pid: Number(name), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND });
    } catch {
      // Gone meanwhile.
    }
  }
  const inTree = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (inTree.has(p.pid) || !inTree.has(p.ppid)) continue;
      inTree.add(p.pid);
      grew = true;
    }
  }
  const out: ChromiumProcess[] = [];
  for (const p of all) {
    if (p.pid === process.pid || !inTree.has(p.pid)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('chromium')) continue;
    const kind = cmdline.includes('--type=gpu-process') ? 'gpu' : cmdline.includes('--type=renderer') ? 'renderer' : 'other';
    out.push({ pid: p.pid, kind, cpu: p.cpu });
  }
  return out;
}

/** The CPU seconds of this process's Chromium processes so far, by kind. */
export function chromiumCpu(): ChromiumCpu {
  const total: ChromiumCpu = { gpu: 0, renderer: 0, other: 0 };
  for (const p of chromiumProcesses()) total[p.kind] += p.cpu;
  return total;
}

/** What was used between two readings (a process that ended meanwhile takes its seconds with it: read before closing). */
export function cpuSince(before: ChromiumCpu, after: ChromiumCpu): ChromiumCpu {
  return { gpu: after.gpu - before.gpu, renderer: after.renderer - before.renderer, other: after.other - before.other };
}

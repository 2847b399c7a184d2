import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by Chromium's processes (Linux /proc), by kind: the
 * GPU process (SwiftShader draws the frames), renderers (the page's scripts and
 * layout) and the rest (the browser process, the network service). CPU seconds
 * hold still when other work shares the machine, where wall time does not: a
 * benchmark on a busy 2-core machine reports both.
 */
export type ChromiumCpu = Record<'gpu' | 'renderer' | 'other', number>;

const TICKS_PER_SECOND = 100;

function processes(): { pid: number; ppid: number; cpu: number; cmdline: string }[] {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state, ppid, …, utime (14th), stime (15th).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({
        pid: Number(name),
        ppid: Number(f[1]),
        cpu: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND,
        cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8'),
      });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** The CPU seconds of the Chromium processes started by this process, by kind (zeros where /proc is not there). */
export function chromiumCpu(): ChromiumCpu {
  const total: ChromiumCpu = { gpu: 0, renderer: 0, other: 0 };
  let all: ReturnType<typeof processes>;
  try {
    all = processes();
  } catch {
    return total;
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
  for (const p of all) {
    if (p.pid === process.pid || !inTree.has(p.pid) || !p.cmdline.includes('chromium')) continue;
    const kind = p.cmdline.includes('--type=gpu-process') ? 'gpu' : p.cmdline.includes('--type=renderer') ? 'renderer' : 'other';
    total[kind] += p.cpu;
  }
  return total;
}

/** What was used between two readings (a process that ended meanwhile takes its seconds with it: read before closing). */
export function cpuSince(before: ChromiumCpu, after: ChromiumCpu): ChromiumCpu {
  return { gpu: after.gpu - before.gpu, renderer: after.renderer - before.renderer, other: after.other - before.other };
}

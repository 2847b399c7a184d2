/**
 * Where a page's time goes over a stretch of the wall soak (SOAK_PROFILE=1):
 * a Chromium trace of every process (self time per trace event, per thread)
 * and a V8 CPU profile of the page (self time per JavaScript function), both
 * summed over the window and printed as the few largest items.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'gpu', 'viz', 'cc', 'toplevel', 'v8.execute'];

export interface ProfileSummary {
  windowMs: number;
  /** "thread: event" → self milliseconds, largest first. */
  traceSelf: [string, number][];
  /** "function (file:line)" → self milliseconds, largest first. */
  jsSelf: [string, number][];
}

export async function startProfile(browser: Browser, page: Page, cdp: CDPSession): Promise<() => Promise<ProfileSummary>> {
  const t0 = performance.now();
  await browser.startTracing(page, { categories: CATEGORIES });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    return { windowMs: performance.now() - t0, traceSelf: traceSelfTimes(trace.traceEvents), jsSelf: jsSelfTimes(profile) };
  };
}

/** Self time of complete ('X') events: each event's duration less that of the events nested directly in it on its thread. */
function traceSelfTimes(events: TraceEvent[]): [string, number][] {
  const threadNames = new Map<string, string>();
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(key, e.args?.name ?? key);
    if (e.ph === 'X' && e.dur !== undefined) (byThread.get(key) ?? byThread.set(key, []).get(key)!).push(e);
  }
  const self = new Map<string, number>();
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const thread = threadNames.get(key) ?? key;
    const stack: { e: TraceEvent; end: number; children: number }[] = [];
    const close = (top: { e: TraceEvent; children: number }) => {
      const name = `${thread}: ${top.e.name}`;
      self.set(name, (self.get(name) ?? 0) + (top.e.dur! - top.children) / 1000);
    };
    for (const e of list) {
      while (stack.length && stack.at(-1)!.end <= e.ts) close(stack.pop()!);
      if (stack.length) stack.at(-1)!.children += e.dur!;
      stack.push({ e, end: e.ts + e.dur!, children: 0 });
    }
    while (stack.length) close(stack.pop()!);
  }
  return [...self].sort((a, b) => b[1] - a[1]);
}

function jsSelfTimes(profile: CpuProfile): [string, number][] {
  const label = new Map(
    profile.nodes.map((n) => {
      const f = n.callFrame;
      const file = f.url ? ` (${f.url.split('/').pop()}:${f.lineNumber + 1})` : '';
      return [n.id, `${f.functionName || '(anonymous)'}${file}`];
    }),
  );
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = label.get(id)!;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

export function printProfile(p: ProfileSummary, top = 18): void {
  const line = ([name, ms]: [string, number]) => `| ${name.replace(/\|/g, '/')} | ${Math.round(ms)} ms | ${((100 * ms) / p.windowMs).toFixed(1)} % |`;
  console.log(`\nWhere the time went over ${(p.windowMs / 1000).toFixed(0)} s of the load (self time; % of the window)\n`);
  console.log('| thread: trace event | self | share |\n| --- | --- | --- |');
  for (const row of p.traceSelf.slice(0, top)) console.log(line(row));
  console.log('\n| page JavaScript (V8 profile) | self | share |\n| --- | --- | --- |');
  for (const row of p.jsSelf.slice(0, top)) console.log(line(row));
}

/**
 * The window figures at 100k, 1M and 10M incidents on PostgreSQL, in one
 * command (README, "10M incidents"):
 *
 *   BENCH_PG=postgres://gridscope:gridscope@127.0.0.1:5432 npm run bench:scale
 *
 * Builds on that server what is missing: gs_scale_100k, the demo city seeded
 * by the CLI (BENCH_BASE, default 100k incidents), and gs_scale_1m and
 * gs_scale_10m (BENCH_SIZES, default 1m,10m), each a clone of it (CREATE
 * DATABASE … TEMPLATE) whose incidents, with their histories, are then
 * copied in bulk (scale-copy.ts) in BENCH_JOBS (2) sessions. Databases
 * already built are reused; BENCH_REBUILD=1 builds them again. BENCH_BUILD_ONLY=1
 * stops there. BENCH_SHAPE=history builds gs_scale_history_1m and _10m
 * instead: the same last year behind 10 and 100 years of closed history
 * (scale-copy.ts), where a figure that costs the same whatever the history
 * shows a ratio of 1; the default, dense, is the same year 10 and 100 times busier.
 *
 * Then the requests of bench-rollup.ts on every size, median / p95 of
 * BENCH_RUNS (7) after a warm-up, in one table with each size's ratio to the
 * baseline; BENCH_WINDOW=days asks the window as the wall does (whole China
 * days, no end) instead of [now − days, now); BENCH_DAYS, BENCH_REGION, BENCH_CLIENTS, BENCH_SECONDS and
 * BENCH_LOAD_SKIP as there (the load runs on the largest size).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { formatTiming, loadRun, loadUrls, measure, openBenchApp, pathOf, type Timing, windowUrls } from './rollup-bench-kit.js';
import { type CopyShape, multiplyIncidents, phase, type Say, seconds } from './scale-copy.js';

const say: Say = (line) => console.log(line);
const rebuild = process.env.BENCH_REBUILD === '1';
const jobs = Number(process.env.BENCH_JOBS ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** '100k' → 100000, '1m' → 1000000, '250000' → 250000. */
function parseSize(text: string): { label: string; n: number } {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (say 100k, 1m, 250000)`);
  const n = Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'm' ? 1e6 : m[2] ? 1e3 : 1));
  return { label: text.trim().toLowerCase(), n };
}

function databaseUrl(name: string): string {
  const url = new URL(process.env.BENCH_PG ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

const MARK = 'bench:scale complete';
const copyShape: CopyShape = process.env.BENCH_SHAPE === 'history' ? 'history' : 'dense';
const nameOf = (label: string, copied = false) => `gs_scale_${copied && copyShape === 'history' ? 'history_' : ''}${label.replace(/[^a-z0-9]/g, '_')}`;

/** Whether the database exists, and whether a build finished in it (its comment says so). */
async function state(admin: pg.Client, name: string): Promise<'missing' | 'partial' | 'complete'> {
  const { rows } = await admin.query<{ note: string | null }>("SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1", [
    name,
  ]);
  if (!rows.length) return 'missing';
  return rows[0]!.note?.startsWith(MARK) ? 'complete' : 'partial';
}

async function fresh(admin: pg.Client, name: string, template?: string) {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
}

/** The demo city seeded by the CLI (its own output shows), with no statement timeout in the way. */
function seed(url: string, incidents: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'seed', '--incidents', String(incidents)], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '3600000' },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gridscope seed exited with ${code}`))));
  });
}

/** Applies any pending migration (a reused baseline then clones with it). */
async function migrate(url: string) {
  const opened = await openBenchApp(url);
  await opened.close();
  return opened.incidents;
}

async function countIncidents(url: string): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident')).rows[0]!.n;
  } finally {
    await db.end();
  }
}

if (!process.env.BENCH_PG) throw new Error('BENCH_PG names the PostgreSQL server, e.g. postgres://gridscope:gridscope@127.0.0.1:5432');
const base = parseSize(process.env.BENCH_BASE ?? '100k');
const sizes = (process.env.BENCH_SIZES ?? '1m,10m').split(',').filter(Boolean).map(parseSize);
const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
await admin.connect();
const builds: string[] = [];
let baseIncidents: number;
try {
  const baseName = nameOf(base.label);
  const rebuildBase = rebuild || (await state(admin, baseName)) !== 'complete';
  if (rebuildBase) {
    say(`${baseName}: seeding ${base.n} incidents`);
    const t0 = performance.now();
    await fresh(admin, baseName);
    await seed(databaseUrl(baseName), base.n);
    builds.push(`| ${baseName} | seeded by the CLI | ${seconds(performance.now() - t0)} |`);
  } else say(`${baseName}: reused (BENCH_REBUILD=1 builds it again)`);
  baseIncidents = await migrate(databaseUrl(baseName));
  await admin.query(`COMMENT ON DATABASE ${baseName} IS '${MARK}: ${baseIncidents} incidents'`);
  const { rows } = await admin.query<{ bytes: string }>('SELECT pg_database_size($1)::text AS bytes', [baseName]);
  const baseBytes = Number(rows[0]!.bytes);

  for (const size of sizes) {
    const name = nameOf(size.label, true);
    const was = await state(admin, name);
    if (!rebuild && !rebuildBase && was === 'complete') {
      say(`${name}: reused`);
      continue;
    }
    const copies = Math.round(size.n / baseIncidents);
    if (copies < 2) throw new Error(`${size.label} is not larger than the baseline's ${baseIncidents} incidents`);
    say(
      `${name}: ${baseIncidents} × ${copies} incidents, about ${((baseBytes * copies) / 2 ** 30).toFixed(1)} GiB` +
        (was === 'partial' ? ' (a build that did not finish is replaced)' : ''),
    );
    const t0 = performance.now();
    await phase(say, `clone of ${baseName}`, () => fresh(admin, name, baseName));
    const times = await multiplyIncidents(databaseUrl(name), copies, jobs, say, copyShape);
    const total = performance.now() - t0;
    const made = await countIncidents(databaseUrl(name));
    await admin.query(`COMMENT ON DATABASE ${name} IS '${MARK}: ${made} incidents (${copyShape}) in ${seconds(total)}'`);
    const parts = [...times].map(([label, ms]) => `${label} ${seconds(ms)}`).join(', ');
    builds.push(`| ${name} | ${parts} | ${seconds(total)} |`);
    say(`${name}: built in ${seconds(total)}`);
  }
} finally {
  await admin.end();
}
if (builds.length) say(`\n| database | phases | total |\n| --- | --- | --- |\n${builds.join('\n')}`);
if (process.env.BENCH_BUILD_ONLY === '1') process.exit(0);

// The figures, every size for one request before the next request.
const days = Number(process.env.BENCH_DAYS ?? 365);
const region = process.env.BENCH_REGION;
const shape = process.env.BENCH_WINDOW === 'days' ? 'days' : 'instants';
const urls = windowUrls(days, region, shape);
const opened = [await openBenchApp(databaseUrl(nameOf(base.label)))];
for (const size of sizes) opened.push(await openBenchApp(databaseUrl(nameOf(size.label, true))));
const head = (o: (typeof opened)[number]) => `${o.incidents.toLocaleString('en-US')} incidents`;
say(
  `\n${region ?? 'city'}, ${copyShape} copies, ${days} days (${shape === 'days' ? 'whole China days to now, as the wall asks' : '[now − days, now)'}), median / p95 of ${RUNS} after a warm-up`,
);
// Each size against the baseline and, from the second size on, against the size before it (the scale issue's 10M / 1M).
const steps = sizes.slice(1).map((s, i) => `${s.label} / ${sizes[i]!.label}`);
say(`| request | ${opened.map(head).join(' | ')} | ${[...sizes.map((s) => `${s.label} / ${base.label}`), ...steps].join(' | ')} |`);
say(`| --- |${' --- |'.repeat(opened.length + sizes.length + steps.length)}`);
for (const url of urls) {
  const timings: Timing[] = [];
  for (const o of opened) timings.push(await measure(o.app, url, RUNS));
  const ratio = (a: Timing, b: Timing) => `${(a.median / b.median).toFixed(1)}×`;
  const ratios = [...timings.slice(1).map((t) => ratio(t, timings[0]!)), ...timings.slice(2).map((t, i) => ratio(t, timings[i + 1]!))];
  say(`| \`${pathOf(url)}\` | ${timings.map((t) => formatTiming(t, RUNS)).join(' | ')} | ${ratios.join(' | ')} |`);
}
const clients = Number(process.env.BENCH_CLIENTS ?? 0);
const largest = opened.at(-1)!;
if (clients > 0) await loadRun(largest.app, loadUrls(urls), clients, Number(process.env.BENCH_SECONDS ?? 30), largest.incidents);
for (const o of opened) await o.close();

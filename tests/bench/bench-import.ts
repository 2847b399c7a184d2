/**
 * Import benchmark: how long the embedded server takes to answer a small
 * request (GET /api/health, one query) while a large, legitimate district
 * import runs. The district's grids are exported and densified in PostGIS to
 * about BENCH_VERTICES vertices each, then imported as a dry run over real
 * HTTP while health checks run one after another. Figures go into README.
 *
 *   npm run bench:import                      (PGlite; the city is kept in BENCH_DATA_DIR between runs)
 *   BENCH_GRIDS=1200 BENCH_VERTICES=2000 npm run bench:import
 *   DATABASE_URL=... npm run bench:import     (PostgreSQL; seeded when empty)
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { createUser, login } from '../helpers/identity.js';

const grids = Number(process.env.BENCH_GRIDS ?? 1200);
const vertices = Number(process.env.BENCH_VERTICES ?? 2000);
const dataDir = process.env.BENCH_DATA_DIR ?? join(tmpdir(), `gs-bench-import-${grids}`);
if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
const config = loadConfig({
  ...process.env,
  GRIDSCOPE_DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  GRIDSCOPE_DEMO_GRIDS: String(grids),
  GRIDSCOPE_DEMO_INCIDENTS: '5000',
});
const say = (line: string) => console.error(line);

const db = await openMigratedDatabase(config, say);
await seedIfEmpty(db, config, say);
// Household bounds off: the demo city's grids are not all within 200–500, and this measures geometry work.
const app = await buildApp({ db, auth: { anonymousRead: false }, planRules: { urban: { min: null, max: null }, rural: { min: null, max: null } } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
if (!(await db.query('SELECT 1 FROM app_user WHERE username = $1', ['bench-planner'])).length)
  await createUser(db, { username: 'bench-planner', role: 'planner' });
const session = await login(app, 'bench-planner');

const [district] = await db.query<{ code: string; n: number }>(
  'SELECT district_code code, count(*)::int n FROM grid GROUP BY district_code ORDER BY n DESC LIMIT 1',
);
const exported = (await (await fetch(`${base}/api/grids/export?region=${district!.code}`, { headers: session.read })).json()) as {
  features: { geometry: unknown }[];
};
// One segment length for the whole district keeps shared edges shared (both sides get the same points).
const [{ len }] = (await db.query<{ len: number }>(
  `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Perimeter(ST_GeomFromGeoJSON(g))) / $2::float8 len FROM unnest($1::text[]) g`,
  [exported.features.map((f) => JSON.stringify(f.geometry)), vertices],
)) as [{ len: number }];
const dense = await db.query<{ g: string; n: number }>(
  'SELECT ST_AsGeoJSON(ST_Segmentize(ST_GeomFromGeoJSON(g), $2::float8), 7) g, ST_NPoints(ST_Segmentize(ST_GeomFromGeoJSON(g), $2::float8))::int n FROM unnest($1::text[]) WITH ORDINALITY u(g, i) ORDER BY i',
  [exported.features.map((f) => JSON.stringify(f.geometry)), len],
);
dense.forEach((d, i) => {
  exported.features[i]!.geometry = JSON.parse(d.g);
});
const body = JSON.stringify(exported);
const totalVertices = dense.reduce((s, d) => s + d.n, 0);

let resets = 0;
/** One health check's latency; a connection the server dropped (keep-alive timing out after a long block) is retried and counted. */
const health = async (t0 = performance.now()): Promise<number> => {
  try {
    const res = await fetch(`${base}/api/health`);
    await res.text();
  } catch {
    resets++;
    return health(t0);
  }
  return performance.now() - t0;
};
for (let i = 0; i < 5; i++) await health();
const idle: number[] = [];
for (let i = 0; i < 20; i++) idle.push(await health());

/** Runs one import over HTTP while health checks run back to back; returns status, duration and the checks' latencies. */
async function importWhileChecking(dryRun: boolean) {
  const t0 = performance.now();
  let status = 0;
  let ms = 0;
  let done = false;
  const importing = fetch(`${base}/api/grids/import?region=${district!.code}&dry_run=${dryRun}`, {
    method: 'POST',
    body,
    headers: { ...session.write, 'content-type': 'application/json' },
  }).then(async (res) => {
    status = res.status;
    const answer = await res.text();
    ms = performance.now() - t0;
    done = true;
    if (res.status !== 200) say(`import answered ${res.status}: ${answer.slice(0, 600)}`);
  });
  const during: number[] = [];
  while (!done) {
    const latency = await health();
    if (!done) during.push(latency);
  }
  await importing;
  return { status, ms, during };
}
const dry = await importWhileChecking(true);
const real = process.env.BENCH_REAL === '0' ? null : await importWhileChecking(false);
await app.close();
await db.close();

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => (xs.length ? sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`\nGridscope import benchmark — ${db.backend}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
console.log(`district ${district!.code}: ${exported.features.length} grids, ${totalVertices} vertices (${(body.length / 1e6).toFixed(1)} MB)`);
console.log(`dry run → ${dry.status} in ${(dry.ms / 1000).toFixed(1)} s${real ? `; real import → ${real.status} in ${(real.ms / 1000).toFixed(1)} s` : ''}\n`);
console.log('| GET /api/health | answers | median | 95th pct | max |\n| --- | --- | --- | --- | --- |');
console.log(`| idle | ${idle.length} | ${fmt(pct(idle, 0.5))} | ${fmt(pct(idle, 0.95))} | ${fmt(Math.max(...idle))} |`);
const row = (label: string, xs: number[]) =>
  console.log(`| ${label} | ${xs.length} | ${fmt(pct(xs, 0.5))} | ${fmt(pct(xs, 0.95))} | ${fmt(xs.length ? Math.max(...xs) : NaN)} |`);
row('during the dry run', dry.during);
if (real) row('during the real import', real.during);
if (resets) console.log(`\n(${resets} health checks found their keep-alive connection dropped and were retried)`);

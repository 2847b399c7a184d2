import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli-process.js';
import { BACKEND, createTestDatabase, type TestDatabase, unpackMigratedDataDir } from '../helpers/test-database.js';

const running: CliRun[] = [];
afterAll(() => {
  for (const r of running) r.child.kill('SIGKILL');
});

/** What the CLI says by default: no GRIDSCOPE_LANG and a locale that is not English (C.UTF-8, as in many containers). */
const DEFAULT_LANG = { GRIDSCOPE_LANG: '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const ENGLISH = { GRIDSCOPE_LANG: 'en' };

/** Serves in English unless `env` says otherwise. */
async function start(env: Record<string, string>): Promise<{ run: CliRun; url: string }> {
  const run = runCli(['serve'], { PORT: '0', GRIDSCOPE_DEMO_GRIDS: '30', GRIDSCOPE_DEMO_INCIDENTS: '300', ...ENGLISH, ...env });
  running.push(run);
  // A first start on a fresh data directory creates the cluster with every write flushed (durable commits):
  // minutes on a loaded 2-core machine. Generous: this waits for the start, it does not time it.
  const [, url] = await run.waitFor(/(?:ready in [\d.]+ s at |已就绪,用时 [\d.]+ 秒,地址 )(http:\/\/\S+\/)/, 600_000);
  return { run, url: url! };
}

describe.skipIf(BACKEND !== 'pglite')('`gridscope serve` on the embedded database', { timeout: 900_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gs-data-'));
  /**
   * The first two tests are one story on dataDir, in order: a first start builds the city and is stopped;
   * create-user adds a user to the stopped server's data; the restart the first test leaves running serves
   * that user too. Each start opens PGlite and PostGIS in a new process (about ten CPU-seconds), so the
   * restart is shared; the second test adds the user and starts its own when run alone.
   */
  let restarted: { run: CliRun; url: string } | undefined;

  /** create-user on the stopped server's data: one user added (ops-chief, signed in as by the second test), one refused. */
  async function createUsers(): Promise<void> {
    const add = runCli(['create-user', 'ops-chief', '--role', 'commander', '--name', '运维指挥长'], {
      ...ENGLISH,
      GRIDSCOPE_DATA_DIR: dataDir,
      GRIDSCOPE_NEW_PASSWORD: 'a long secret 1',
    });
    expect(await add.exited).toBe(0);
    expect(add.output()).toMatch(/created user ops-chief \(commander\)/);
    expect(add.output()).not.toContain('a long secret 1');
    // The refusal in the default language (the grant rules' Chinese reason); the success above in English.
    const bad = runCli(['create-user', 'ops-2', '--role', 'district_leader'], {
      GRIDSCOPE_DATA_DIR: dataDir,
      GRIDSCOPE_NEW_PASSWORD: 'a long secret 1',
      ...DEFAULT_LANG,
    });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/^gridscope: --scope:区县领导须指定 6 位区县代码$/m);
  }

  it('builds the demo city once with progress, serves HTTP, refuses a second process on the same data; create-user adds users', async () => {
    // In Chinese by default: the progress, the refusal of a second process and the shutdown line.
    const { run, url } = await start({ GRIDSCOPE_DATA_DIR: dataDir, ...DEFAULT_LANG });
    expect(run.output()).toMatch(/正在生成演示城市:30 个网格,300 起事件/);
    expect(run.output()).toMatch(/…… 网格\(30 个\)/);
    expect(run.output()).not.toMatch(/building the demo city/);
    const health = await fetch(`${url}api/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', database: { backend: 'pglite' } });

    const second = runCli(['serve'], { PORT: '0', GRIDSCOPE_DATA_DIR: dataDir, ...DEFAULT_LANG });
    running.push(second);
    expect(await second.exited).toBe(1);
    // It refused while the first still held the data, rather than waiting for the lock (a wall-clock
    // bound here, 15 s, failed at 15.7 s and 17.1 s on a loaded 2-core machine: node and tsx start slowly).
    expect(run.child.exitCode).toBeNull();
    expect(second.output()).toMatch(/^gridscope: 数据目录 \S+ 正被另一个 Gridscope 进程使用\(pid \d+\)/m);
    // The first process is unharmed.
    expect((await fetch(`${url}api/health`)).status).toBe(200);

    const before = await fetch(`${url}api/stats/summary`).then((r) => r.json());
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/已正常停止/);
    expect(existsSync(join(dataDir, 'gridscope.lock'))).toBe(false);

    // While no server holds the data, create-user adds a user to it (the restart below lets it sign in).
    await createUsers();

    // A restart keeps the data and does not rebuild the city; in English when asked.
    const again = await start({ GRIDSCOPE_DATA_DIR: dataDir });
    expect(again.run.output()).toMatch(/^database: embedded PGlite in /m);
    expect(again.run.output()).not.toMatch(/building the demo city/);
    const after = await fetch(`${again.url}api/stats/summary`).then((r) => r.json());
    expect(after.reported).toBe(before.reported);
    expect(after.reported).toBe(300);
    restarted = again;
  });

  it('creates a demo user per role and says how to sign in; the user create-user added signs in too', async () => {
    if (!restarted) await createUsers();
    const { run, url } = restarted ?? (await start({ GRIDSCOPE_DATA_DIR: dataDir }));
    restarted = undefined;
    expect(run.output()).toMatch(/demo users .*sign in at \/login/);
    for (const name of ['commander', 'leader', 'staff', 'dispatcher', 'handler', 'worker', 'planner', 'viewer']) expect(run.output()).toContain(`  ${name}`);
    expect(run.output()).toMatch(/anonymous read-only access is ON/);
    const login = (username: string, password: string) =>
      fetch(`${url}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    const res = await login('leader', 'gridscope-demo');
    expect(res.status).toBe(200);
    expect((await res.json()).principal).toMatchObject({ role: 'district_leader', scope: { level: 'district' } });
    expect((await login('ops-chief', 'a long secret 1')).status).toBe(200);
    // Ctrl-C stops it as cleanly as SIGTERM (the first test's).
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('refuses to start on a bad configuration value, naming it', async () => {
    const run = runCli(['serve'], { PORT: 'eighty', GRIDSCOPE_DATA_DIR: dataDir, ...DEFAULT_LANG });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/^gridscope: 配置无效:PORT="eighty";应为 0 到 65535 之间的整数$/m);
  });

  it('imports district boundaries, refusing an invalid file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-import-'));
    const square = (x: number) => [
      [
        [x, 27],
        [x + 0.1, 27],
        [x + 0.1, 27.1],
        [x, 27.1],
        [x, 27],
      ],
    ];
    const bowtie = [
      [
        [113.5, 27],
        [113.6, 27.1],
        [113.6, 27],
        [113.5, 27.1],
        [113.5, 27],
      ],
    ];
    const fc = (features: [string, string, unknown][]) =>
      JSON.stringify({
        type: 'FeatureCollection',
        features: features.map(([adcode, name, coordinates]) => ({
          type: 'Feature',
          properties: { adcode, name },
          geometry: { type: 'Polygon', coordinates },
        })),
      });
    writeFileSync(
      join(dir, 'bad.geojson'),
      fc([
        ['430202', '荷塘区', square(113)],
        ['430203', '芦淞区', bowtie],
      ]),
    );
    writeFileSync(
      join(dir, 'good.geojson'),
      fc([
        ['430202', '荷塘区', square(113)],
        ['430203', '芦淞区', square(113.1)],
      ]),
    );
    const env = { GRIDSCOPE_DATA_DIR: join(dir, 'data') };
    await unpackMigratedDataDir(env.GRIDSCOPE_DATA_DIR);

    // In Chinese unless told otherwise (tests/cli/import-districts.test.ts has the English).
    const bad = runCli(['import-districts', join(dir, 'bad.geojson')], { ...env, GRIDSCOPE_LANG: '', LANG: 'zh_CN.UTF-8', LC_ALL: '' });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/要素 1\(430203\):几何无效:Self-intersection/);
    expect(bad.output()).toMatch(/加 --make-valid 重新运行可修复无效几何/);

    const good = runCli(['import-districts', join(dir, 'good.geojson')], { ...env, GRIDSCOPE_LANG: 'zh' });
    expect(await good.exited, good.output()).toBe(0);
    expect(good.output()).toMatch(/已导入 2 个区县:430202 荷塘区、430203 芦淞区/);

    const seed = runCli(['seed', '--grids', '20', '--incidents', '50'], { ...env, ...ENGLISH });
    expect(await seed.exited, seed.output()).toBe(0);
    expect(seed.output()).toMatch(/demo city ready in [\d.]+ s: 2 districts, .* 20 grids/);
  });
});

describe.skipIf(BACKEND !== 'postgres')('`gridscope serve` on PostgreSQL', () => {
  let t: TestDatabase;
  afterAll(async () => t?.dispose());

  it('migrates, seeds and serves from DATABASE_URL', async () => {
    t = await createTestDatabase({ migrated: false });
    const { run, url } = await start({ DATABASE_URL: t.url! });
    expect(run.output()).toMatch(/database: PostgreSQL postgres:\/\/\*\*\*@/);
    const health = await fetch(`${url}api/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', database: { backend: 'postgres' } });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});

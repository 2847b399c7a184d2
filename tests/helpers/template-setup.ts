import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresTemplatePrefix, RUN_START_ENV, TEMPLATE_RUN_ENV } from './database-templates.js';

/**
 * vitest globalSetup: a folder for this run's test database templates (see
 * database-templates.ts), named in the environment that the worker processes
 * inherit. Both projects list it; the first one to run owns the folder and
 * removes it, and this run's PostgreSQL templates, at the end.
 *
 * It also starts building the migrated template at once, in a child process
 * (prebuild-templates.ts), so that it overlaps the web build of the browser
 * tests' global setup; test files that need it wait for it under the
 * templates' lock as they would for each other.
 */
export default function setup(): (() => Promise<void>) | undefined {
  if (process.env[TEMPLATE_RUN_ENV]) return undefined;
  const runDir = mkdtempSync(join(tmpdir(), 'gridscope-templates-'));
  process.env[TEMPLATE_RUN_ENV] = runDir;
  process.env[RUN_START_ENV] = new Date().toISOString();
  const prebuild = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./prebuild-templates.ts', import.meta.url))], { stdio: 'inherit' });
  const prebuilt = new Promise<void>((resolve) => prebuild.on('exit', () => resolve()));
  return async () => {
    // A run that needed no database may end first.
    prebuild.kill('SIGKILL');
    await prebuilt;
    rmSync(runDir, { recursive: true, force: true });
    delete process.env[TEMPLATE_RUN_ENV];
    delete process.env[RUN_START_ENV];
    if (!process.env.TEST_DATABASE_URL) return;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
        postgresTemplatePrefix(runDir),
      ]);
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
}

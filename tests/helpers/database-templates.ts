import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';

/**
 * Test databases built once per run. Opening PGlite and creating PostGIS take
 * most of a minute on a loaded 2-core machine, and migrating and seeding a
 * city about as long again: paid once per test file, that was ~90 % of the
 * suite. tests/helpers/template-setup.ts (vitest globalSetup) makes a folder
 * for the run and names it in this variable; the first test file that needs a
 * database state builds it, under a lock that the other worker processes
 * wait on, and every file then opens its own copy: a PGlite data-directory
 * tarball, or a PostgreSQL `CREATE DATABASE … TEMPLATE`.
 */
export const TEMPLATE_RUN_ENV = 'GRIDSCOPE_TEST_TEMPLATES';
/** When this run started (ISO), set beside TEMPLATE_RUN_ENV: see runStart() in seeded-app.ts. */
export const RUN_START_ENV = 'GRIDSCOPE_TEST_RUN_START';

/** A short stable name for a JSON-able value (seed options). */
export function templateKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Name prefix of this run's PostgreSQL template databases. */
export function postgresTemplatePrefix(runDir: string): string {
  return `gstmpl_${basename(runDir)
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()}_`;
}

const inProcess = new Map<string, Promise<Blob | string>>();

/**
 * The template for `key`: a PGlite tarball, or the name of a PostgreSQL
 * template database. `build` makes it when no process has yet (for
 * PostgreSQL it is given the name to create).
 */
export function withTemplate(key: string, backend: 'pglite' | 'postgres', build: (name: string) => Promise<Blob | string>): Promise<Blob | string> {
  const runDir = process.env[TEMPLATE_RUN_ENV]!;
  const id = `${backend}:${key}`;
  let found = inProcess.get(id);
  if (!found) {
    found = backend === 'pglite' ? pgliteTemplate(join(runDir, `${key}.tar`), build) : postgresTemplate(`${postgresTemplatePrefix(runDir)}${key}`, build);
    inProcess.set(id, found);
    found.catch(() => inProcess.delete(id));
  }
  return found;
}

async function pgliteTemplate(file: string, build: (name: string) => Promise<Blob | string>): Promise<Blob> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // Another worker is building it: wait for the file (or for its lock to go, if it failed).
      if (Date.now() > deadline) throw new Error(`timed out waiting for the test database template ${file}`);
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (existsSync(file)) continue;
      const tarball = (await build(file)) as Blob;
      writeFileSync(`${file}.part`, Buffer.from(await tarball.arrayBuffer()));
      renameSync(`${file}.part`, file);
      return tarball;
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
}

async function postgresTemplate(name: string, build: (name: string) => Promise<Blob | string>): Promise<string> {
  // A session-level advisory lock on its own connection serialises builders across worker processes.
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await build(name);
    return name;
  } finally {
    await admin.end();
  }
}

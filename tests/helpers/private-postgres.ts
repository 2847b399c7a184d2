import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A PostgreSQL server of the test's own, in a temporary directory on a free
 * loopback port, for tests that stop and restart the database: the shared
 * cluster of TEST_DATABASE_URL must never be restarted, since other test
 * files run against it in parallel. PostgreSQL refuses to run as root, so as
 * root (CI) every command runs as the `postgres` user through runuser.
 */
export const PG_BINDIR = process.env.GRIDSCOPE_PG_BINDIR ?? '/usr/lib/postgresql/15/bin';

const run = promisify(execFile);

/** Why a private server cannot be started here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!existsSync(join(PG_BINDIR, 'initdb')) || !existsSync(join(PG_BINDIR, 'pg_ctl'))) {
    return `no PostgreSQL server binaries in ${PG_BINDIR} (set GRIDSCOPE_PG_BINDIR)`;
  }
  if (process.getuid?.() === 0) return postgresUid() === undefined ? 'running as root, and there is no postgres user to run PostgreSQL as' : undefined;
  return undefined;
}

function postgresUid(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type StopMode = 'smart' | 'fast' | 'immediate';

export interface PrivatePostgres {
  port: number;
  /** Connection string of `database` as the superuser (trust authentication, loopback only). */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(mode: StopMode): Promise<void>;
  /** Starts the server and resolves once it accepts connections. */
  start(): Promise<void>;
  restart(mode: StopMode): Promise<void>;
  /** The server's log so far. */
  log(): string;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = mkdtempSync(join(tmpdir(), 'gs-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const owner = postgresUid()!;
    chownSync(root, owner.uid, owner.gid);
  }
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const port = await freePort();
  // cwd '/': the postgres user may not be allowed into the project directory.
  const pgCommand = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(PG_BINDIR, tool), ...args], { cwd: '/' }) : run(join(PG_BINDIR, tool), args, { cwd: '/' });
  // Loopback TCP only; the socket goes into our directory, not /var/run/postgresql.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=60`;
  const pgCtl = (...args: string[]) => pgCommand('pg_ctl', ['-D', dataDir, '-l', logFile, ...args]);

  await pgCommand('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  await pgCtl('start', '-w', '-t', '120', '-o', serverOptions);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let running = true;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
    },
    async stop(mode) {
      await pgCtl('stop', '-w', '-t', '120', '-m', mode);
      running = false;
    },
    async start() {
      await pgCtl('start', '-w', '-t', '120', '-o', serverOptions);
      running = true;
    },
    async restart(mode) {
      await pgCtl('restart', '-w', '-t', '120', '-m', mode, '-o', serverOptions);
      running = true;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async dispose() {
      if (running) await pgCtl('stop', '-w', '-m', 'immediate').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

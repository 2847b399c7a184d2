/**
 * The bulk path of npm run bench:scale: makes a database of N × the
 * baseline's incidents by copying every incident WITH its history,
 * assignments, photos and mediations (every table with a foreign key to
 * incident, found in the catalog) copies − 1 more times, in SQL, on the server.
 *
 * Copy k (1 … copies) shifts every id by k × the baseline's largest (so
 * duplicate_of and every incident_id point inside the same copy) and every
 * code's daily serial by k × a power of ten above the baseline's largest, so
 * codes stay unique and keep the routes' shape (SJ + China date + 7 digits)
 * and the copies' days and places are the baseline's: the same city, denser.
 *
 * Fast because the copy is what pg_restore does: row triggers and foreign
 * key checks off (session_replication_role = replica), secondary indexes and
 * UNIQUE constraints dropped and rebuilt after, autovacuum off on the copied
 * tables until the end; then the rollups are rebuilt (they are kept by the
 * triggers that were off) and the tables vacuumed and analysed. No statement
 * timeout of its own. A run that dies half way leaves the database without
 * its "complete" mark, and the next run builds it again.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const sql = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
const TABLES_SQL = sql('./scale-copy-tables.sql');
const COLUMNS_SQL = sql('./scale-copy-columns.sql');
const INDEXES_SQL = sql('./scale-copy-indexes.sql');

/** The routes' incident code: SJ + yyyymmdd + a 7-digit serial (below 9000000 for the seeder's, from 9000000 for the API's). */
const CODE_SERIAL_DIGITS = 7;
const API_SERIALS_FROM = 9_000_000;

export type Say = (line: string) => void;

interface CopiedTable {
  name: string;
  /** Columns that hold an incident id (incident_id; duplicate_of in incident). */
  refs: string[];
  columns: { name: string; identity: boolean }[];
  /** Per identity column, the shift of one copy (the baseline's largest value). */
  strides: Map<string, number>;
  rows: number;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const snapshot = (table: string) => ident(`bench_scale_src_${table}`);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => (ms < 90_000 ? seconds(ms) : `${(ms / 60_000).toFixed(1)} min`);
const count = (n: number) => n.toLocaleString('en-US');

/** One session as the load wants it: no timeout, triggers and FK checks off, commits not waited for (a crash loses the build, which is rebuilt). */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    "SET statement_timeout = 0; SET lock_timeout = 0; SET session_replication_role = replica; SET synchronous_commit = off; SET maintenance_work_mem = '512MB'",
  );
  return client;
}

/** Times a phase and says how long it took. */
export async function phase<T>(say: Say, label: string, run: () => Promise<T>, times?: Map<string, number>): Promise<T> {
  const t0 = performance.now();
  const result = await run();
  const ms = performance.now() - t0;
  times?.set(label, ms);
  say(`  ${label}: ${seconds(ms)}`);
  return result;
}

async function plan(db: pg.Client): Promise<CopiedTable[]> {
  const refs = (await db.query<{ table_name: string; column_name: string }>(TABLES_SQL)).rows;
  const names = ['incident', ...new Set(refs.map((r) => r.table_name).filter((t) => t !== 'incident'))];
  const tables: CopiedTable[] = [];
  for (const name of names) {
    const columns = (await db.query<{ name: string; identity: boolean }>(COLUMNS_SQL, [name])).rows;
    const strides = new Map<string, number>();
    for (const c of columns.filter((c) => c.identity)) {
      const { rows } = await db.query<{ n: string | null }>(`SELECT max(${ident(c.name)})::text AS n FROM ${ident(name)}`);
      strides.set(c.name, Number(rows[0]!.n ?? 0));
    }
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(name)}`);
    tables.push({ name, refs: refs.filter((r) => r.table_name === name).map((r) => r.column_name), columns, strides, rows: rows[0]!.n });
  }
  return tables;
}

/** The INSERT of copy $1 of one table from its snapshot. */
function copyStatement(table: CopiedTable, incidentStride: number, serialStride: number): string {
  const values = table.columns.map(({ name }) => {
    const col = ident(name);
    if (table.strides.has(name)) return `${col} + $1::bigint * ${table.strides.get(name)}`;
    if (table.refs.includes(name)) return `${col} + $1::bigint * ${incidentStride}`;
    if (table.name === 'incident' && name === 'code')
      return `left(code, 10) || lpad((substr(code, 11)::bigint + $1::bigint * ${serialStride})::text, ${CODE_SERIAL_DIGITS}, '0')`;
    return col;
  });
  return `INSERT INTO ${ident(table.name)} (${table.columns.map((c) => ident(c.name)).join(', ')}) OVERRIDING SYSTEM VALUE
          SELECT ${values.join(', ')} FROM ${snapshot(table.name)}`;
}

/** The power of ten above every baseline serial; fails if the copies' serials would not fit below the API's. */
async function serialStrideFor(db: pg.Client, copies: number): Promise<number> {
  const { rows } = await db.query<{ odd: number; max: number }>(
    `SELECT count(*) FILTER (WHERE code !~ '^SJ[0-9]{15}$')::int AS odd, coalesce(max(substr(code, 11)::int), 0) AS max FROM incident`,
  );
  const stride = 10 ** String(rows[0]!.max).length;
  if (rows[0]!.odd > 0 || (copies + 1) * stride > API_SERIALS_FROM)
    throw new Error(
      `the baseline's codes leave no room for ${copies} copies (largest daily serial ${rows[0]!.max}, ${rows[0]!.odd} codes of another shape): seed a fresh baseline`,
    );
  return stride;
}

/**
 * Copies the incidents of the database at url (the baseline, just cloned) so
 * it holds `copies + 1` times as many, in `jobs` sessions. Returns the phase times.
 */
export async function multiplyIncidents(url: string, copies: number, jobs: number, say: Say): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const db = await connect(url);
  try {
    const tables = await plan(db);
    const incident = tables[0]!;
    const incidentStride = incident.strides.get('id')!;
    const serialStride = await serialStrideFor(db, copies);
    const perCopy = tables.reduce((n, t) => n + t.rows, 0);
    say(`  copying ${tables.map((t) => `${t.name} (${count(t.rows)})`).join(', ')} ${copies} times: ${count(perCopy * copies)} rows`);

    const indexes: { table: string; index_name: string; constraint_name: string | null; index_def: string }[] = [];
    await phase(
      say,
      'snapshots, indexes dropped',
      async () => {
        for (const t of tables) {
          const order = t.name === 'incident' ? 'id' : ident(t.refs[0]!);
          await db.query(
            `DROP TABLE IF EXISTS ${snapshot(t.name)}; CREATE UNLOGGED TABLE ${snapshot(t.name)} AS SELECT * FROM ${ident(t.name)} ORDER BY ${order}`,
          );
          await db.query(`ALTER TABLE ${ident(t.name)} SET (autovacuum_enabled = false)`);
          const { rows } = await db.query(INDEXES_SQL, [t.name]);
          for (const ix of rows) {
            indexes.push({ table: t.name, ...ix });
            await db.query(ix.constraint_name ? `ALTER TABLE ${ident(t.name)} DROP CONSTRAINT ${ident(ix.constraint_name)}` : `DROP INDEX ${ix.index_name}`);
          }
        }
      },
      times,
    );

    await phase(say, 'copies', () => copyAll(url, tables, copies, jobs, incidentStride, serialStride, say), times);

    await phase(
      say,
      'indexes rebuilt',
      async () => {
        // Indexes on all tables across the sessions, then the UNIQUE constraints on them (an
        // ALTER TABLE would wait for every index build on its table).
        const gin = (ix: (typeof indexes)[number]) => ix.index_def.includes(' USING gin ');
        const ordered = [...indexes.filter(gin), ...indexes.filter((ix) => !gin(ix))];
        await inParallel(jobs, url, ordered, async (client, ix) => {
          const t0 = performance.now();
          await client.query(ix.index_def);
          say(`    ${ix.index_name}: ${seconds(performance.now() - t0)}`);
        });
        for (const ix of indexes.filter((ix) => ix.constraint_name))
          await db.query(`ALTER TABLE ${ident(ix.table)} ADD CONSTRAINT ${ident(ix.constraint_name!)} UNIQUE USING INDEX ${ix.index_name}`);
      },
      times,
    );

    await phase(
      say,
      'rollups rebuilt',
      async () => {
        for (const t of tables) {
          for (const [column] of t.strides)
            await db.query(`SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(${ident(column)}) FROM ${ident(t.name)}))`, [t.name, column]);
          await db.query(`DROP TABLE ${snapshot(t.name)}`);
        }
        // The heat-cell rollup comes with migration 022: rebuilt where it exists.
        for (const fn of ['incident_daily_rebuild', 'incident_heat_rebuild']) {
          const { rows } = await db.query<{ present: boolean }>('SELECT to_regproc($1) IS NOT NULL AS present', [fn]);
          if (rows[0]!.present) say(`    ${fn}(): ${(await db.query(`SELECT ${fn}()::text AS n`)).rows[0].n} rows`);
        }
      },
      times,
    );

    await phase(
      say,
      'vacuum analyze',
      () =>
        inParallel(jobs, url, tables, async (client, t) => {
          await client.query(`ALTER TABLE ${ident(t.name)} RESET (autovacuum_enabled)`);
          await client.query(`VACUUM (ANALYZE) ${ident(t.name)}`);
        }),
      times,
    );
  } finally {
    await db.end();
  }
  return times;
}

/** Copies 1 … copies, each taken by the next free session; says rows, elapsed and ETA every few seconds. */
async function copyAll(url: string, tables: CopiedTable[], copies: number, jobs: number, incidentStride: number, serialStride: number, say: Say) {
  const statements = tables.map((t) => ({ table: t, text: copyStatement(t, incidentStride, serialStride) }));
  const perCopy = tables.reduce((n, t) => n + t.rows, 0);
  const t0 = performance.now();
  let done = 0;
  let lastSaid = 0;
  const ks = Array.from({ length: copies }, (_, i) => i + 1);
  await inParallel(jobs, url, ks, async (client, k) => {
    for (const { text } of statements) await client.query(text, [k]);
    done++;
    const now = performance.now();
    if (now - lastSaid > 10_000 || done === copies) {
      lastSaid = now;
      const elapsed = now - t0;
      say(
        `    ${done}/${copies} copies: ${count(done * tables[0]!.rows)} incidents, ${count(done * perCopy)} rows, ${minutes(elapsed)}` +
          (done < copies ? `, ETA ${minutes((elapsed / done) * (copies - done))}` : ''),
      );
    }
  });
}

/** Runs work over items in `jobs` sessions of their own, each taking the next item. */
async function inParallel<T>(jobs: number, url: string, items: T[], work: (client: pg.Client, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, async () => {
      const client = await connect(url);
      try {
        while (next < items.length) await work(client, items[next++]!);
      } catch (err) {
        next = items.length; // the other sessions stop after their current item
        throw err;
      } finally {
        await client.end();
      }
    }),
  );
}

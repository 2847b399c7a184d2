/**
 * The bulk path of npm run bench:scale: makes a database of N × the
 * baseline's incidents, each WITH its history, assignments, photos and
 * mediations (every table with a foreign key to incident, found in the
 * catalog), in SQL on the server.
 *
 * The clone's incident tables are emptied and filled again with N copies
 * (k = 0 … N−1) of the baseline's rows, in id order, batch by batch: copy k
 * of a row with id x gets id (x−1)·N + k + 1, and so does every incident_id
 * and duplicate_of (each copy points inside itself), so ids keep rising with
 * report time and a day's reports lie together on disk as in a live table
 * (rows appended copy after copy spread a day over thousands of pages and
 * made the edge-day reads 10× slower: README, "10M incidents"). Codes keep
 * the routes' shape (SJ + China date + 7 digits): daily serial s becomes
 * (s−1)·N + k + 1. The same days, grids, categories and statuses: the city, denser.
 *
 * Fast because the copy is what pg_restore does: row triggers and foreign
 * key checks off (session_replication_role = replica), secondary indexes and
 * UNIQUE constraints dropped and rebuilt after, autovacuum off on the copied
 * tables until the end; then the rollups are rebuilt (they are kept by the
 * triggers that were off) and the tables vacuumed and analysed. No statement
 * timeout of its own. A run that dies half way leaves the database without
 * its "complete" mark, and the next run builds it again.
 *
 * Two shapes. `dense` (above): the same year N times over, a city N times
 * busier. `history`: copy k is the baseline moved k × its span (whole weeks)
 * into the past, so N copies are N years of history behind the same last
 * year, as a city that has run Gridscope for decades; an older copy holds
 * only finished incidents (history is closed: the open set stays the
 * baseline's), its codes carry its own dates, and ids rise with report time
 * (copy k's ids below copy k − 1's).
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
  columns: { name: string; identity: boolean; type: string }[];
  rows: number;
}

export type CopyShape = 'dense' | 'history';

/** How copy k differs from the baseline in the history shape: days back per copy, and each id column's largest value. */
interface History {
  spanDays: number;
  /** `table.column` → the snapshot's largest value (ids of copy k are k′ × it + id, k′ counting from the oldest copy). */
  strides: Map<string, number>;
}

const TIME_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date']);

/** Incidents written per statement: big enough that per-statement costs vanish, small enough for progress every few seconds. */
const INCIDENTS_PER_BATCH = 200_000;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const snapshot = (table: string) => ident(`bench_scale_src_${table}`);
/** The snapshot's incidents an older copy keeps: the finished ones, whose original (if a duplicate) is finished too. */
const KEPT = ident('bench_scale_kept');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => (ms < 90_000 ? seconds(ms) : `${(ms / 60_000).toFixed(1)} min`);
const count = (n: number) => n.toLocaleString('en-US');

/** One session as the load wants it: no timeout, no JIT (it compiles each big INSERT for nothing), triggers and FK checks off, commits not waited for (a crash loses the build, which is rebuilt). */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    "SET statement_timeout = 0; SET lock_timeout = 0; SET jit = off; SET session_replication_role = replica; SET synchronous_commit = off; SET maintenance_work_mem = '512MB'",
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
    const columns = (await db.query<{ name: string; identity: boolean; type: string }>(COLUMNS_SQL, [name])).rows;
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(name)}`);
    tables.push({ name, refs: refs.filter((r) => r.table_name === name).map((r) => r.column_name), columns, rows: rows[0]!.n });
  }
  return tables;
}

/** The column a table's batches are cut by: the incident's id. */
const batchKey = (t: CopiedTable) => (t.name === 'incident' ? 'id' : t.refs[0]!);

/**
 * The INSERT of all n copies of the snapshot's rows whose incident id is in
 * [$1, $2], in the order of their new ids (an incremental sort over the
 * snapshot's index: the copies of one row are neighbours).
 */
function copyStatement(t: CopiedTable, n: number, history?: History): string {
  const key = ident(batchKey(t));
  const renumber = (col: string) =>
    history ? `(${n - 1} - bench_k)::bigint * ${history.strides.get(`${t.name}.${col}`)} + s.${ident(col)}` : `(s.${ident(col)} - 1) * ${n} + bench_k + 1`;
  const back = (days: string) => `bench_k * ${history?.spanDays ?? 0} * ${days}`;
  const values = t.columns.map(({ name, identity, type }) => {
    const col = ident(name);
    if (identity || t.refs.includes(name)) return renumber(name);
    if (t.name === 'incident' && name === 'code')
      return history
        ? `'SJ' || to_char(to_date(substr(s.code, 3, 8), 'YYYYMMDD') - ${back('1')}, 'YYYYMMDD') || substr(s.code, 11)`
        : `left(s.code, 10) || lpad(((substr(s.code, 11)::bigint - 1) * ${n} + bench_k + 1)::text, ${CODE_SERIAL_DIGITS}, '0')`;
    if (history && TIME_TYPES.has(type)) return type === 'date' ? `s.${col} - ${back('1')}` : `s.${col} - ${back("interval '1 day'")}`;
    return `s.${col}`;
  });
  const identity = t.columns.find((c) => c.identity && c.name !== batchKey(t));
  const kept = history ? ` AND (bench_k = 0 OR EXISTS (SELECT 1 FROM ${KEPT} kept WHERE kept.id = s.${key}))` : '';
  // Dense: the copies of one row side by side (ids rise with report time). History: the oldest copy first.
  const order = history ? `bench_k DESC, s.${key}` : `s.${key}, bench_k`;
  return `INSERT INTO ${ident(t.name)} (${t.columns.map((c) => ident(c.name)).join(', ')}) OVERRIDING SYSTEM VALUE
          SELECT ${values.join(', ')} FROM ${snapshot(t.name)} s CROSS JOIN generate_series(0, ${n - 1}) AS bench_k
           WHERE s.${key} BETWEEN $1 AND $2${kept}
           ORDER BY ${order}${identity ? `, s.${ident(identity.name)}` : ''}`;
}

/** The history shape's span (the baseline's report days, in whole weeks so weekdays stay), strides and kept incidents. */
async function prepareHistory(db: pg.Client, tables: CopiedTable[]): Promise<History> {
  const inc = snapshot('incident');
  const { rows } = await db.query<{ days: number }>(`SELECT (max(reported_at)::date - min(reported_at)::date + 1)::int AS days FROM ${inc}`);
  const spanDays = Math.ceil(rows[0]!.days / 7) * 7;
  const strides = new Map<string, number>();
  const largest = async (table: string, col: string) =>
    Number((await db.query<{ m: string }>(`SELECT coalesce(max(${ident(col)}), 0)::text AS m FROM ${snapshot(table)}`)).rows[0]!.m);
  const incidentIds = await largest('incident', 'id');
  for (const t of tables)
    for (const c of t.columns)
      if (c.identity || t.refs.includes(c.name))
        strides.set(`${t.name}.${c.name}`, t.refs.includes(c.name) || t.name === 'incident' ? incidentIds : await largest(t.name, c.name));
  await db.query(`DROP TABLE IF EXISTS ${KEPT}; CREATE UNLOGGED TABLE ${KEPT} AS
    SELECT s.id FROM ${inc} s WHERE NOT incident_is_open(s.status)
       AND (s.duplicate_of IS NULL OR EXISTS (SELECT 1 FROM ${inc} o WHERE o.id = s.duplicate_of AND NOT incident_is_open(o.status)));
    ALTER TABLE ${KEPT} ADD PRIMARY KEY (id); ANALYZE ${KEPT}`);
  return { spanDays, strides };
}

/** Fails unless every code has the routes' shape and n copies' serials stay below the API's. */
async function checkCodes(db: pg.Client, n: number): Promise<void> {
  const { rows } = await db.query<{ odd: number; max: number }>(
    `SELECT count(*) FILTER (WHERE code !~ '^SJ[0-9]{15}$' OR substr(code, 11)::bigint = 0)::int AS odd, coalesce(max(substr(code, 11)::bigint), 0)::float8 AS max FROM incident`,
  );
  if (rows[0]!.odd > 0 || rows[0]!.max * n >= API_SERIALS_FROM)
    throw new Error(
      `the baseline's codes leave no room for ${n} copies (largest daily serial ${rows[0]!.max}, ${rows[0]!.odd} codes of another shape): seed a fresh baseline`,
    );
}

/**
 * Fills the database at url (the baseline, just cloned) with n copies of its
 * incidents, in `jobs` sessions. Returns the phase times.
 */
export async function multiplyIncidents(url: string, n: number, jobs: number, say: Say, shape: CopyShape = 'dense'): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const db = await connect(url);
  try {
    const tables = await plan(db);
    if (shape === 'dense') await checkCodes(db, n);
    const perCopy = tables.reduce((sum, t) => sum + t.rows, 0);
    say(`  ${n} copies of ${tables.map((t) => `${t.name} (${count(t.rows)})`).join(', ')}: ${count(perCopy * n)} rows`);

    const indexes: { table: string; index_name: string; constraint_name: string | null; index_def: string }[] = [];
    await phase(
      say,
      'snapshots, indexes dropped',
      async () => {
        for (const t of tables) {
          await db.query(`DROP TABLE IF EXISTS ${snapshot(t.name)}; CREATE UNLOGGED TABLE ${snapshot(t.name)} AS SELECT * FROM ${ident(t.name)}`);
          await db.query(`CREATE INDEX ON ${snapshot(t.name)} (${ident(batchKey(t))}); ANALYZE ${snapshot(t.name)}`);
          await db.query(`ALTER TABLE ${ident(t.name)} SET (autovacuum_enabled = false)`);
          const { rows } = await db.query(INDEXES_SQL, [t.name]);
          for (const ix of rows) {
            indexes.push({ table: t.name, ...ix });
            await db.query(ix.constraint_name ? `ALTER TABLE ${ident(t.name)} DROP CONSTRAINT ${ident(ix.constraint_name)}` : `DROP INDEX ${ix.index_name}`);
          }
        }
        await db.query(`TRUNCATE ${tables.map((t) => ident(t.name)).join(', ')}`);
      },
      times,
    );
    const history = shape === 'history' ? await prepareHistory(db, tables) : undefined;
    if (history) say(`  history: copy k is ${history.spanDays} × k days older; older copies keep finished incidents only`);

    const { rows } = await db.query<{ lo: string; hi: string }>(`SELECT min(id)::text AS lo, max(id)::text AS hi FROM ${snapshot('incident')}`);
    const step = Math.max(1, Math.ceil(INCIDENTS_PER_BATCH / n));
    const batches: [number, number][] = [];
    for (let from = Number(rows[0]!.lo); from <= Number(rows[0]!.hi); from += step) batches.push([from, Math.min(Number(rows[0]!.hi), from + step - 1)]);
    const [incident, ...children] = tables;
    const build = async (client: pg.Client, ix: (typeof indexes)[number]) => {
      const t0 = performance.now();
      await client.query(ix.index_def);
      say(`    ${ix.index_name}: ${seconds(performance.now() - t0)}`);
    };
    const gin = indexes.filter((ix) => ix.index_def.includes(' USING gin '));
    const others = Math.max(1, jobs - 1);

    await phase(say, 'incidents copied', () => copyBatches(url, [incident!], batches, n, jobs, say, history), times);
    // The search index (GIN over every incident's character pairs) takes longer than
    // everything else after the incidents together (3.5 min a million on 2 loaded cores):
    // it is built in a session of its own while the others copy the histories, build
    // the other indexes and rebuild the rollups.
    await phase(
      say,
      'histories copied, indexes and rollups rebuilt',
      () =>
        Promise.all([
          inParallel(1, url, gin, build),
          (async () => {
            await phase(say, 'histories copied', () => copyBatches(url, children, batches, n, others, say, history), times);
            await phase(
              say,
              'other indexes',
              () =>
                inParallel(
                  others,
                  url,
                  indexes.filter((ix) => !gin.includes(ix)),
                  build,
                ),
              times,
            );
            await phase(say, 'rollups rebuilt', () => rebuildRollups(db, say), times);
            await phase(say, 'histories analysed', () => inParallel(others, url, children, vacuumAnalyze), times);
          })(),
        ]),
      times,
    );
    await phase(
      say,
      'constraints, incident analysed',
      async () => {
        for (const t of tables) {
          for (const c of t.columns.filter((c) => c.identity))
            await db.query(`SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(${ident(c.name)}) FROM ${ident(t.name)}))`, [t.name, c.name]);
          await db.query(`DROP TABLE ${snapshot(t.name)}`);
        }
        await db.query(`DROP TABLE IF EXISTS ${KEPT}`);
        // UNIQUE constraints on their rebuilt indexes last: ALTER TABLE waits for every index build on its table.
        for (const ix of indexes.filter((ix) => ix.constraint_name))
          await db.query(`ALTER TABLE ${ident(ix.table)} ADD CONSTRAINT ${ident(ix.constraint_name!)} UNIQUE USING INDEX ${ix.index_name}`);
        await vacuumAnalyze(db, incident!);
      },
      times,
    );
  } finally {
    await db.end();
  }
  return times;
}

/** Rebuilds the rollups the triggers keep (they were off); the heat-cell one comes with migration 022, where it exists. */
async function rebuildRollups(db: pg.Client, say: Say) {
  for (const fn of ['incident_daily_rebuild', 'incident_heat_rebuild']) {
    const { rows } = await db.query<{ present: boolean }>('SELECT to_regproc($1) IS NOT NULL AS present', [fn]);
    if (rows[0]!.present) say(`    ${fn}(): ${(await db.query(`SELECT ${fn}()::text AS n`)).rows[0].n} rows`);
  }
}

async function vacuumAnalyze(client: pg.Client, t: CopiedTable) {
  await client.query(`ALTER TABLE ${ident(t.name)} RESET (autovacuum_enabled)`);
  await client.query(`VACUUM (ANALYZE) ${ident(t.name)}`);
}

/** The tables' copies, batch by batch, each batch taken by the next free session; says rows, elapsed and ETA every ten seconds. */
async function copyBatches(url: string, tables: CopiedTable[], batches: [number, number][], n: number, jobs: number, say: Say, history?: History) {
  const statements = tables.map((t) => copyStatement(t, n, history));
  const rows = n * tables.reduce((sum, t) => sum + t.rows, 0);
  const what = tables.map((t) => t.name).join(', ');
  const t0 = performance.now();
  let done = 0;
  let lastSaid = 0;
  await inParallel(jobs, url, batches, async (client, range) => {
    for (const text of statements) await client.query(text, range);
    done++;
    const now = performance.now();
    if (now - lastSaid > 10_000 || done === batches.length) {
      lastSaid = now;
      const share = done / batches.length;
      const elapsed = now - t0;
      say(
        `    ${what}: ${done}/${batches.length} batches, ~${count(Math.round(share * rows))} of ${count(rows)} rows, ${minutes(elapsed)}` +
          (done < batches.length ? `, ETA ${minutes((elapsed / share) * (1 - share))}` : ''),
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

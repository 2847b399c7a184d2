import { readFileSync } from 'node:fs';
import type { Queryable } from '../../server/db/database.js';
import { rebuildRollups } from '../../server/repositories/daily-rollup.js';

const CHECK_REFERENCES_SQL = readFileSync(new URL('./incident-references.sql', import.meta.url), 'utf8');
const LOAD_INDEXES_SQL = readFileSync(new URL('./load-indexes.sql', import.meta.url), 'utf8');

/**
 * Runs the demo incident load with row-by-row triggers off where the role
 * may (superuser, as in the embedded PGlite), the way pg_restore
 * --disable-triggers loads data: checking foreign keys row by row (eight
 * per incident, two per history row) and placing each incident by a
 * trigger took about half the load's time on PGlite. The foreign keys are
 * then checked once, set-based, over everything loaded. Elsewhere (a
 * PostgreSQL role without the privilege) the triggers run as usual and the
 * result is the same.
 *
 * With triggers off, the incident trigger that places an incident in its
 * grid does not run either: the load writes the grid and its ancestry
 * itself (the grid it drew the point in), and the CHECK constraints, which
 * always run, keep the ancestry consistent. Nor does the one that keeps the
 * daily rollup (migrations/020) and the heat rollup (migrations/022): they are
 * recomputed once, set-based, after.
 *
 * The plain indexes (not the keys) of the incident tables and of both
 * rollups are dropped for the load and built again at the end from their
 * own definitions, as pg_restore builds indexes after the data. The demo
 * city is only built where there are no streets yet, so no incidents: the
 * load fills empty tables. DROP INDEX holds those tables until the seed's
 * one transaction commits: a reader of incidents meanwhile (there is none
 * before `serve` listens) waits for the city instead of seeing none of it.
 */
export async function withTriggersOff(tx: Queryable, wanted: boolean, load: () => Promise<void>): Promise<void> {
  const [may] = wanted ? await tx.query<{ ok: boolean }>("SELECT has_parameter_privilege('session_replication_role', 'SET') AS ok") : [];
  if (!may?.ok) return load();
  // SET LOCAL: a failed load rolls back the transaction, and the setting with it.
  await tx.exec('SET LOCAL session_replication_role = replica');
  const indexes = await tx.query<{ name: string; definition: string }>(LOAD_INDEXES_SQL);
  for (const { name } of indexes) await tx.exec(`DROP INDEX ${name}`);
  await load();
  await tx.exec('SET LOCAL session_replication_role = origin');
  const [orphans] = await tx.query<Record<string, number>>(CHECK_REFERENCES_SQL);
  const broken = Object.entries(orphans ?? {}).filter(([, n]) => n > 0);
  if (broken.length) throw new Error(`demo incidents refer to missing rows: ${broken.map(([what, n]) => `${n} ${what}`).join(', ')}`);
  await rebuildRollups(tx);
  for (const { definition } of indexes) await tx.exec(definition);
}

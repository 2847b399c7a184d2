import { readFileSync } from 'node:fs';
import type { Queryable } from '../../server/db/database.js';
import { rebuildRollups } from '../../server/repositories/daily-rollup.js';

const CHECK_REFERENCES_SQL = readFileSync(new URL('./incident-references.sql', import.meta.url), 'utf8');

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
 */
export async function withTriggersOff(tx: Queryable, wanted: boolean, load: () => Promise<void>): Promise<void> {
  const [may] = wanted ? await tx.query<{ ok: boolean }>("SELECT has_parameter_privilege('session_replication_role', 'SET') AS ok") : [];
  if (!may?.ok) return load();
  // SET LOCAL: a failed load rolls back the transaction, and the setting with it.
  await tx.exec('SET LOCAL session_replication_role = replica');
  await load();
  await tx.exec('SET LOCAL session_replication_role = origin');
  const [orphans] = await tx.query<Record<string, number>>(CHECK_REFERENCES_SQL);
  const broken = Object.entries(orphans ?? {}).filter(([, n]) => n > 0);
  if (broken.length) throw new Error(`demo incidents refer to missing rows: ${broken.map(([what, n]) => `${n} ${what}`).join(', ')}`);
  await rebuildRollups(tx);
}

import { pathToFileURL } from 'node:url';
import { type Extension, PGlite, types } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { SESSION_SETTINGS } from './database.js';
import { DURABLE_START_PARAMS, durableNodeFs } from './pglite-durability.js';
import { postgisBundlePath } from './pglite-postgis-bundle.js';

/** PostGIS as pglite-postgis sets it up, loaded from the bundle without the extensions never used (pglite-postgis-bundle.ts). */
const trimmedPostgis: Extension = {
  name: 'postgis',
  async setup(pg, emscriptenOpts) {
    const setup = await postgis.setup(pg, emscriptenOpts);
    return { ...setup, bundlePath: pathToFileURL(postgisBundlePath()) };
  },
};

// Same conversions as the pg backend (see pg-database.ts): numeric as JS number.
export const PGLITE_PARSERS = { [types.NUMERIC]: (v: string) => Number(v) };

export interface PGliteEngineOptions {
  dataDir?: string;
  /** Start from this tarball (from dumpDataDir) instead of a fresh initdb. */
  loadDataDir?: Blob;
  /** Flush each commit to disk (see pglite-durability.ts). Ignored in memory. */
  fsync: boolean;
  /** PGlite's engine already compiled (pglite.wasm), instead of compiling it again. */
  engine?: WebAssembly.Module;
}

/**
 * PGlite with PostGIS and Gridscope's session settings: what runs inside the
 * database worker thread (pglite-worker.ts). The data directory is locked
 * by the caller, in the main thread (data-dir-lock.ts).
 */
export async function startPGlite({ dataDir, loadDataDir, fsync, engine }: PGliteEngineOptions): Promise<PGlite> {
  const load = { ...(loadDataDir ? { loadDataDir } : {}), ...(engine ? { pgliteWasmModule: engine } : {}) };
  const pg = await PGlite.create(
    dataDir && fsync
      ? // Commits flushed to disk as PostgreSQL does it (see pglite-durability.ts).
        { dataDir, extensions: { postgis: trimmedPostgis, durable: durableNodeFs }, startParams: DURABLE_START_PARAMS, ...load }
      : { dataDir, extensions: { postgis: trimmedPostgis }, ...load },
  );
  // As on PostgreSQL (database.ts): search_path never "$user" first, whatever schemas exist; jit off.
  await pg.exec(
    Object.entries(SESSION_SETTINGS)
      .map(([name, value]) => `SET ${name} = ${value};`)
      .join(' '),
  );
  return pg;
}

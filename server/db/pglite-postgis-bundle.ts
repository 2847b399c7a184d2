import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { keepTarMembers } from './tar-members.js';

/**
 * The PostGIS bundle the embedded database loads, without the extensions
 * Gridscope never creates. pglite-postgis ships postgis, postgis_raster,
 * postgis_topology and postgis_tiger_geocoder in one tarball, and PGlite
 * compiles and instantiates every `.so` in a bundle each time it opens a
 * database: raster and topology are 31 MB of WebAssembly of the 48, about a
 * second of CPU on every start, restart of the database's thread, CLI
 * command and test file. Only migration 001's `CREATE EXTENSION postgis`
 * (and postgis-3.so behind it) is ever used. The SQL scripts it does not run
 * go too: contrib/ (installing PostGIS without CREATE EXTENSION) and the
 * upgrade scripts (postgis--ANY--…, postgis--unpackaged--…; CREATE EXTENSION
 * runs postgis--<default_version>.sql, and nothing runs ALTER EXTENSION
 * UPDATE): 23 MB of the 58 left, which every open unpacked into PGlite's
 * memory file system (about 0.2 s of CPU each).
 *
 * The trimmed tarball is written once per PostGIS build beside the installed
 * packages (node_modules/.cache/gridscope, as trusted as the packages
 * themselves; never a shared temporary folder, since the bundle is code the
 * server runs); if it cannot be written there, the full bundle is used.
 */
const UNUSED = /raster|topology|tiger|rtpostgis|\/contrib\/|postgis--(ANY|unpackaged)/;
/** Names what UNUSED leaves out, in the cached file's name: a new filter makes a new file. */
const TRIM = 'trim2';

const require = createRequire(import.meta.url);
const DIST = dirname(require.resolve('@electric-sql/pglite-postgis'));
const SOURCE = join(DIST, 'postgis.tar.gz');
const VERSION = (JSON.parse(readFileSync(join(DIST, '..', 'package.json'), 'utf8')) as { version: string }).version;

let chosen: string | undefined;

/** The path of the bundle to load: the trimmed one, made now if this PostGIS build has none yet. */
export function postgisBundlePath(): string {
  chosen ??= trimmedBundle();
  return chosen;
}

function trimmedBundle(): string {
  const { size, mtimeMs } = statSync(SOURCE);
  const cache = join(DIST, '..', '..', '..', '.cache', 'gridscope');
  const target = join(cache, `postgis-${VERSION}-${size}-${Math.round(mtimeMs)}-${TRIM}.tar.gz`);
  if (existsSync(target)) return target;
  const part = `${target}.${process.pid}.part`;
  try {
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      part,
      gzipSync(
        keepTarMembers(gunzipSync(readFileSync(SOURCE)), (path) => !UNUSED.test(path)),
        { level: 1 },
      ),
    );
    renameSync(part, target);
    return target;
  } catch {
    rmSync(part, { force: true });
    return SOURCE;
  }
}

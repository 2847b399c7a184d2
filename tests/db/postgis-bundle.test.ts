import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgisBundlePath } from '../../server/db/pglite-postgis-bundle.js';

/**
 * The embedded database loads PostGIS from a bundle without the extensions it never creates
 * (server/db/pglite-postgis-bundle.ts). Listed with the system's tar, it holds every member of
 * pglite-postgis's bundle but those of raster, topology and the tiger geocoder, and the SQL scripts
 * CREATE EXTENSION postgis does not run: contrib/ (installing without an extension) and the upgrade scripts.
 */
const SOURCE = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite-postgis')), 'postgis.tar.gz');
const list = (file: string) =>
  execFileSync('tar', ['-tzf', file], { encoding: 'utf8', maxBuffer: 1 << 24 })
    .split('\n')
    .filter(Boolean)
    .sort();

describe('the PostGIS bundle the embedded database loads', () => {
  it('keeps postgis-3.so and its files, and drops raster, topology, the tiger geocoder and the scripts never run', () => {
    const full = list(SOURCE);
    const trimmed = list(postgisBundlePath());
    expect(trimmed).toContain('lib/postgresql/postgis-3.so');
    expect(trimmed).toContain('share/postgresql/extension/postgis.control');
    expect(trimmed).toContain('share/postgresql/extension/postgis--3.6.2.sql');
    expect(trimmed).toContain('share/proj/proj.db');
    for (const gone of [
      'lib/postgresql/postgis_raster-3.so',
      'lib/postgresql/postgis_topology-3.so',
      'share/postgresql/extension/postgis_tiger_geocoder.control',
      'share/postgresql/extension/postgis--ANY--3.6.2.sql',
      'share/postgresql/extension/postgis--unpackaged--3.6.2.sql',
      'share/postgresql/contrib/postgis-3.6/spatial_ref_sys.sql',
    ]) {
      expect(full).toContain(gone);
      expect(trimmed).not.toContain(gone);
    }
    // rtpostgis*.sql are raster's install scripts.
    const other = (path: string) =>
      ['raster', 'rtpostgis', 'topology', 'tiger', '/contrib/', 'postgis--ANY--', 'postgis--unpackaged'].some((word) => path.includes(word));
    expect(trimmed).toEqual(full.filter((path) => !other(path)));
  });
});

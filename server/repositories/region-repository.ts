import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const REGION_BY_CODE = sqlFile('region-by-code.sql');
const COMMUNITIES_CONTAINING = sqlFile('region-communities-containing.sql');

export type RegionLevel = 'city' | 'district' | 'street' | 'community';
/** A scope may also be a single grid (a grid worker's). */
export type ScopeLevel = RegionLevel | 'grid';

export interface RegionRow {
  code: string;
  level: RegionLevel;
  name: string;
  name_en: string | null;
  parent_code: string | null;
  population: number | null;
}

export interface RegionNode extends Omit<RegionRow, 'parent_code'> {
  children: RegionNode[];
}

export interface ScopeRoot {
  code: string;
  level: ScopeLevel;
  name: string;
  /** The English name where the region table has one; a grid's is its community's and its number (grid_name_en, migrations/023). */
  name_en?: string | null;
}

export function createRegionRepository(db: Queryable) {
  return {
    /** A region by code, if it lies inside `scope` (null = anywhere); the city lies only in the null scope. */
    async find(code: string, scope: string | null, tx: Queryable = db): Promise<RegionRow | null> {
      const rows = await tx.query<RegionRow>(
        `SELECT code, level, name, name_en, parent_code, population FROM region
          WHERE code = $1 AND ($2::text IS NULL OR code LIKE $2 || '%')`,
        [code, scope],
      );
      return rows[0] ?? null;
    },

    /** The region (or grid) a scope names: what "everything I may see" is called. */
    async scopeRoot(scope: string, tx: Queryable = db): Promise<ScopeRoot | null> {
      const rows = await tx.query<ScopeRoot>(
        `SELECT code, level, name, name_en FROM region WHERE code = $1
         UNION ALL SELECT g.code, 'grid', g.name, (SELECT grid_name_en(c.name_en, g.code) FROM region c WHERE c.code = g.community_code)
           FROM grid g WHERE g.code = $1`,
        [scope],
      );
      return rows[0] ?? null;
    },

    /** The hierarchy without geometry, as nested nodes: the whole city, or the subtree of `scope`. */
    async tree(scope: string | null, tx: Queryable = db): Promise<RegionNode[]> {
      const rows = await tx.query<RegionRow>(
        `SELECT code, level, name, name_en, parent_code, population FROM region
          WHERE $1::text IS NULL OR code LIKE $1 || '%' ORDER BY code`,
        [scope],
      );
      const nodes = new Map<string, RegionNode>();
      const roots: RegionNode[] = [];
      for (const { parent_code, ...row } of rows) {
        const node = { ...row, children: [] };
        nodes.set(row.code, node);
        const parent = parent_code ? nodes.get(parent_code) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      return roots;
    },

    /** One region as GeoJSON text, or null. */
    async featureText(code: string, scope: string | null, simplify: number, tx: Queryable = db): Promise<string | null> {
      const rows = await tx.query<{ body: string }>(REGION_BY_CODE, [code, simplify, scope]);
      return rows[0]?.body ?? null;
    },

    /** Children (regions, or grids under a community, retired ones with incidents included) with names, in code order. */
    async children(
      region: { code: string; level: ScopeLevel },
      tx: Queryable = db,
    ): Promise<{ code: string; name: string; name_en: string | null; population: number | null }[]> {
      if (region.level === 'grid') return [];
      if (region.level === 'community') {
        // Grids retired by a boundary plan stay children while incidents name
        // them (closed incidents keep their grid), so per-grid figures still
        // add up to the community's across a publish. A grid's English name is
        // its community's and its number (migrations/023).
        return tx.query(
          `SELECT g.code, g.name, grid_name_en(c.name_en, g.code) AS name_en, g.population
             FROM grid_all g LEFT JOIN region c ON c.code = g.community_code
            WHERE g.community_code = $1 AND (g.retired_at IS NULL OR EXISTS (SELECT 1 FROM incident i WHERE i.grid_code = g.code))
            ORDER BY g.code`,
          [region.code],
        );
      }
      return tx.query('SELECT code, name, name_en, population FROM region WHERE parent_code = $1 ORDER BY code', [region.code]);
    },

    /** The root of the hierarchy, or null before a city is loaded. */
    async city(tx: Queryable = db): Promise<RegionRow | null> {
      const rows = await tx.query<RegionRow>(
        "SELECT code, level, name, name_en, parent_code, population FROM region WHERE level = 'city' ORDER BY code LIMIT 1",
      );
      return rows[0] ?? null;
    },

    /** Which of `codes` are communities. */
    async communities(codes: readonly string[], tx: Queryable = db): Promise<Set<string>> {
      const rows = await tx.query<{ code: string }>("SELECT code FROM region WHERE level = 'community' AND code = ANY ($1::text[])", [codes]);
      return new Set(rows.map((r) => r.code));
    },

    /** For each geometry (GeoJSON), the community its interior lies in, or null: one statement, read-only. */
    async communitiesContaining(geometries: readonly unknown[], tx: Queryable = db): Promise<(string | null)[]> {
      const rows = await tx.query<{ i: number; code: string | null }>(COMMUNITIES_CONTAINING, [
        geometries.map((_, i) => i),
        geometries.map((g) => JSON.stringify(g)),
      ]);
      const found: (string | null)[] = geometries.map(() => null);
      for (const r of rows) found[r.i] = r.code;
      return found;
    },
  };
}

export type RegionRepository = ReturnType<typeof createRegionRepository>;

/**
 * The filter value for SQL that narrows by district/street/community code:
 * NULL for the city (everything), the code itself otherwise.
 */
export function regionFilter(region: { code: string; level: ScopeLevel } | null): string | null {
  return region && region.level !== 'city' ? region.code : null;
}

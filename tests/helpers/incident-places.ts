import type { Database } from '../../server/db/database.js';

/**
 * Where each incident is, as a person would say it, written out here from the region and grid tables: district ·
 * street · grid in Chinese, and in English with each place's English name (a grid's is its community's and its
 * number; a place without one keeps its Chinese name).
 */
export async function incidentPlaces(db: Database, codes: string[]): Promise<Map<string, { zh: string; en: string }>> {
  const rows = await db.query<{ code: string; grid: string; d: string; d_en: string | null; s: string; s_en: string | null; g: string; c_en: string | null }>(
    `SELECT i.code, g.code grid, d.name d, d.name_en d_en, s.name s, s.name_en s_en, g.name g, c.name_en c_en
       FROM incident i JOIN grid g ON g.code = i.grid_code JOIN region c ON c.code = g.community_code
       JOIN region s ON s.code = c.parent_code JOIN region d ON d.code = s.parent_code
      WHERE i.code = ANY($1)`,
    [codes],
  );
  const gridEn = (r: (typeof rows)[number]) => (r.c_en ? `${r.c_en} Grid ${Number(r.grid.slice(12))}` : r.g);
  return new Map(rows.map((r) => [r.code, { zh: `${r.d} · ${r.s} · ${r.g}`, en: `${r.d_en ?? r.d} · ${r.s_en ?? r.s} · ${gridEn(r)}` }]));
}

import type { Queryable } from '../../server/db/database.js';

/**
 * The units incidents are dispatched to: one city department per unit type
 * the categories name, and a street office (街道办事处) per street, which
 * handles the street_office categories (disputes, public services) locally.
 */
const CITY_DEPARTMENTS: [code: string, name: string, nameEn: string][] = [
  ['urban_management', '市城市管理综合执法局', 'Urban Management Bureau'],
  ['water_utility', '市自来水公司', 'Water Supply Company'],
  ['sanitation', '市环境卫生服务中心', 'Sanitation Centre'],
  ['ecology_environment', '市生态环境局', 'Ecology and Environment Bureau'],
  ['health_commission', '市卫生健康委员会', 'Health Commission'],
  ['public_security', '市公安局', 'Public Security Bureau'],
  ['traffic_police', '市公安局交通警察支队', 'Traffic Police'],
  ['emergency_management', '市应急管理局', 'Emergency Management Bureau'],
];

export async function insertDemoUnits(tx: Queryable): Promise<number> {
  for (const [type, name, nameEn] of CITY_DEPARTMENTS) {
    await tx.query('INSERT INTO unit (code, name, name_en, unit_type) VALUES ($1, $2, $3, $1)', [type, name, nameEn]);
  }
  const rows = await tx.query<{ n: number }>(`
    WITH added AS (
      INSERT INTO unit (code, name, name_en, unit_type, region_code)
      SELECT 'street_office.' || code, name || '办事处', coalesce(name_en || ' office', NULL), 'street_office', code
        FROM region WHERE level = 'street'
      RETURNING 1)
    SELECT count(*)::int n FROM added`);
  return CITY_DEPARTMENTS.length + (rows[0]?.n ?? 0);
}

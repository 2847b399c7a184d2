/**
 * The 13 incident categories (migrations/004_incident_categories.sql, in its
 * sort order) (their icons: field-icons.ts). The contract has no
 * category list (the database is its source: GET /api/stats/categories), but
 * the phone must offer them with no network, so they are written here;
 * tests/browser/field-app.test.ts checks this list against the table.
 */
export interface FieldCategory {
  code: string;
  name: { zh: string; en: string };
}

export const FIELD_CATEGORIES: readonly FieldCategory[] = [
  { code: 'road_damage', name: { zh: '道路破损', en: 'Road damage' } },
  { code: 'water_leak', name: { zh: '供水管网漏水', en: 'Water leak' } },
  { code: 'uncollected_garbage', name: { zh: '垃圾未清运', en: 'Uncollected garbage' } },
  { code: 'neighbour_dispute', name: { zh: '邻里纠纷', en: 'Neighbour dispute' } },
  { code: 'cooking_fume', name: { zh: '油烟扰民', en: 'Cooking fumes' } },
  { code: 'epidemic_check', name: { zh: '疫情排查', en: 'Epidemic check' } },
  { code: 'public_service', name: { zh: '公共服务诉求', en: 'Public service' } },
  { code: 'illegal_construction', name: { zh: '违章搭建', en: 'Illegal building' } },
  { code: 'noise', name: { zh: '噪声扰民', en: 'Noise' } },
  { code: 'streetlight_fault', name: { zh: '路灯故障', en: 'Streetlight fault' } },
  { code: 'illegal_parking', name: { zh: '违规停车', en: 'Illegal parking' } },
  { code: 'safety_hazard', name: { zh: '安全隐患', en: 'Safety hazard' } },
  { code: 'drainage_blockage', name: { zh: '排水不畅', en: 'Drainage blockage' } },
];

export function categoryName(code: string, lang: 'zh' | 'en'): string {
  return FIELD_CATEGORIES.find((c) => c.code === code)?.name[lang] ?? code;
}

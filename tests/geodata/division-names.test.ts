import { describe, expect, it } from 'vitest';
import { chineseNumeral, gridName } from '../../server/contract/grid-names.js';
import { communityDisplayName, englishName, isVirtualUnit } from '../../geodata/scripts/division-names.js';

/** A stand-in for pinyin-pro over the few characters used here, so this test needs no dev dependency at run time. */
const PINYIN: Record<string, string> = {
  李: 'li',
  家: 'jia',
  冲: 'chong',
  响: 'xiang',
  石: 'shi',
  岭: 'ling',
  天: 'tian',
  鹅: 'e',
  新: 'xin',
  塘: 'tang',
  管: 'guan',
  理: 'li',
  处: 'chu',
  中: 'zhong',
  村: 'cun',
};
const syllables = (text: string) => [...text].map((ch) => PINYIN[ch] ?? ch);

describe('names of real streets and communities', () => {
  it('drops the committee from a coded name', () => {
    expect(communityDisplayName('李家冲社区居委会')).toBe('李家冲社区');
    expect(communityDisplayName('八叠社区居民委员会')).toBe('八叠社区');
    expect(communityDisplayName('新塘居委会')).toBe('新塘社区');
    expect(communityDisplayName('华兴村委会')).toBe('华兴村');
    expect(communityDisplayName('东园村村委会')).toBe('东园村');
    expect(communityDisplayName('学院社区')).toBe('学院社区');
  });

  it('knows placeholder units', () => {
    expect(isVirtualUnit('攸县工业园虚拟社区')).toBe(true);
    expect(isVirtualUnit('红色农场虚拟生活区')).toBe(true);
    expect(isVirtualUnit('枫树坪社区居委会')).toBe(false);
  });

  it('writes English names as pinyin with the kind of unit in English', () => {
    expect(englishName('李家冲社区', syllables)).toBe('Lijiachong Community');
    expect(englishName('响石岭街道', syllables)).toBe('Xiangshiling Subdistrict');
    expect(englishName('天鹅社区', syllables)).toBe("Tian'e Community");
    expect(englishName('新塘管理处社区', syllables)).toBe('Xintang Management Office Community');
    expect(englishName('中村瑶族乡', syllables)).toBe('Zhongcun Yao Ethnic Township');
    // A village called 新村 is 新村 Village, not "Xin Village Village".
    expect(englishName('新村村', syllables)).toBe('Xincun Village');
  });

  it('numbers grids in Chinese numerals', () => {
    expect([1, 5, 10, 11, 20, 21, 100, 105, 110, 999].map(chineseNumeral)).toEqual([
      '一',
      '五',
      '十',
      '十一',
      '二十',
      '二十一',
      '一百',
      '一百零五',
      '一百一十',
      '九百九十九',
    ]);
    expect(gridName('李家冲社区', 5)).toBe('李家冲社区第五网格');
    expect(() => chineseNumeral(0)).toThrow(RangeError);
    expect(() => chineseNumeral(1000)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { planDistricts } from '../../geodata/demo-city/city-plan.js';
import { workerPhone } from '../../geodata/demo-city/names.js';
import { readingOrder } from '../../geodata/demo-city/partition.js';
import { apportion, Random } from '../../geodata/demo-city/random.js';
import { parseDistrictFeatures } from '../../geodata/district-import.js';
import { ZHUZHOU_DISTRICTS } from '../../geodata/zhuzhou-facts.js';

describe('apportion', () => {
  it('always sums to the total and respects the minimum', () => {
    const random = new Random(1);
    for (let k = 0; k < 200; k++) {
      const weights = Array.from({ length: 1 + random.int(0, 30) }, () => random.next() * 10);
      const total = weights.length + random.int(0, 1000);
      const parts = apportion(total, weights, 1);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
    }
  });

  it('is proportional and refuses the impossible', () => {
    expect(apportion(10, [1, 1, 3])).toEqual([2, 2, 6]);
    expect(() => apportion(2, [1, 1, 1], 1)).toThrow(RangeError);
  });
});

describe('Random', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(new Random(7)));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(new Random(7)));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(new Random(8)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('readingOrder', () => {
  it('numbers west to east within rows, rows from north to south', () => {
    const cells = [
      { id: 'SE', cx: 2, cy: 0 }, { id: 'NW', cx: 0, cy: 2 }, { id: 'SW', cx: 0, cy: 0.1 }, { id: 'NE', cx: 2, cy: 1.9 },
    ];
    expect(readingOrder(cells).map((c) => c.id)).toEqual(['NW', 'NE', 'SW', 'SE']);
  });
});

describe('planDistricts', () => {
  it('splits any total between the 9 districts, You County keeping its share', () => {
    for (const total of [9, 100, 3261, 100_000]) {
      const plans = planDistricts(ZHUZHOU_DISTRICTS, total, new Random(1));
      expect(plans.reduce((a, p) => a + p.grids, 0)).toBe(total);
      for (const p of plans) {
        expect(p.grids).toBeGreaterThanOrEqual(p.communities);
        expect(p.communities).toBeGreaterThanOrEqual(p.streets);
        expect(p.streets).toBeGreaterThanOrEqual(1);
      }
    }
    const you = planDistricts(ZHUZHOU_DISTRICTS, 3261, new Random(1)).find((p) => p.fact.code === '430223')!;
    expect(you).toMatchObject({ grids: 520, streets: 17, communities: 297 });
  });
});

describe('workerPhone', () => {
  it('gives distinct valid mobile numbers', () => {
    const phones = Array.from({ length: 20_000 }, (_, i) => workerPhone(i));
    expect(new Set(phones).size).toBe(phones.length);
    for (const p of phones.slice(0, 100)) expect(p).toMatch(/^1[3-9]\d{9}$/);
  });
});

describe('parseDistrictFeatures', () => {
  const feature = (adcode: unknown, name: unknown, type = 'Polygon') => ({ type: 'Feature', properties: { adcode, name }, geometry: { type, coordinates: [] } });
  it('returns every problem as data, with reasons', () => {
    const { features, problems } = parseDistrictFeatures({
      type: 'FeatureCollection',
      features: [feature(430202, '荷塘区'), feature('4302', 'x'), feature(430202, 'dup'), feature(430203, ''), feature(430204, '石峰区', 'LineString')],
    });
    expect(features.map((f) => f.code)).toEqual(['430202']);
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/not a six-digit county-level code/),
      'duplicate adcode',
      'missing name',
      expect.stringMatching(/Polygon or MultiPolygon, not LineString/),
    ]);
    expect(parseDistrictFeatures({ type: 'Feature' }).problems[0]!.reason).toMatch(/FeatureCollection/);
  });
});

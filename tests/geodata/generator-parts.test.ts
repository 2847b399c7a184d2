import { describe, expect, it } from 'vitest';
import { planDistricts } from '../../geodata/demo-city/city-plan.js';
import { CATEGORY_MIX, dailyCounts, demoIncident, reportTimeOn } from '../../geodata/demo-city/incident-mix.js';
import { drawBatches, WAITING_RED } from '../../geodata/demo-city/demo-incidents.js';
import { drawTimeline } from '../../geodata/demo-city/incident-timeline.js';
import { PlaceNamer, placeNameEn, workerPhone } from '../../geodata/demo-city/names.js';
import { estimatePopulation, gridsForPopulation, kindOfDistrict, parsePopulation } from '../../geodata/demo-city/district-sizing.js';
import { fitHouseholds } from '../../geodata/demo-city/household-fit.js';
import { readingOrder } from '../../geodata/demo-city/partition.js';
import { apportion, Random } from '../../geodata/demo-city/random.js';
import { parseDistrictFeatures } from '../../geodata/district-import.js';
import { ZHUZHOU_DISTRICTS } from '../../geodata/zhuzhou-facts.js';
import { DEFAULT_CALENDAR } from '../../server/plugins/workflow-plugin.js';
import { createWorkingCalendar } from '../../server/workflow/working-calendar.js';

describe("the demo city's last hours", () => {
  it('follow the same night-time rhythm as every other day (seeded at 03:07 China time)', () => {
    const now = new Date('2026-11-30T03:07:00+08:00');
    const days = dailyCounts(now, 365, 100_000);
    expect(days.reduce((a, d) => a + d.count, 0)).toBe(100_000);
    const today = days.at(-1)!;
    expect(new Date(today.dayStart).toISOString()).toBe('2026-11-29T16:00:00.000Z');
    // Reports between midnight and 03:07 on each of the previous 28 days, drawn as the seed draws them.
    const random = new Random(7);
    const nightly = days
      .slice(-29, -1)
      .map(
        (d) =>
          Array.from({ length: d.count }, () => reportTimeOn(d.dayStart, now, random)).filter((t) => t.getTime() - d.dayStart < 3 * 3_600_000 + 7 * 60_000)
            .length,
      );
    const usual = nightly.reduce((a, b) => a + b, 0) / nightly.length;
    // Today's count up to now is about a usual night's, not an eighth of a day's (48 against 2 before).
    expect(today.count).toBeLessThanOrEqual(Math.max(3, usual * 2.5));
    expect(today.count).toBeGreaterThanOrEqual(Math.floor(usual / 2.5));
  });
});

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
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Random(7)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Random(7)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Random(8)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('readingOrder', () => {
  it('numbers west to east within rows, rows from north to south', () => {
    const cells = [
      { id: 'SE', cx: 2, cy: 0 },
      { id: 'NW', cx: 0, cy: 2 },
      { id: 'SW', cx: 0, cy: 0.1 },
      { id: 'NE', cx: 2, cy: 1.9 },
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

describe('sizing a city the facts do not cover', () => {
  it('tells districts by their names: 区 urban (suburban when large), 县 county, 市 county-level city', () => {
    const cases: [string, number, string][] = [
      ['芙蓉区', 42, 'urban district'],
      ['望城区', 951, 'suburban district'],
      ['宁乡县', 2900, 'county'],
      ['浏阳市', 5007, 'county-level city'],
      ['城步苗族自治县', 2600, 'county'],
    ];
    for (const [name, km2, kind] of cases) expect(kindOfDistrict(name, km2), name).toBe(kind);
  });

  it('estimates people by kind and area (README), and grids from people', () => {
    // Dense core of up to 100 km² at 4,000/km², the rest at 300/km²; rural kinds at 300, 250 and 350/km².
    expect(estimatePopulation('urban district', 42)).toBe(168_000);
    expect(estimatePopulation('urban district', 300)).toBe(460_000);
    expect(estimatePopulation('suburban district', 1000)).toBe(300_000);
    expect(estimatePopulation('county', 2000)).toBe(500_000);
    expect(estimatePopulation('county-level city', 5000)).toBe(1_750_000);
    // 1,000 residents per urban grid, 1,300 suburban, 1,600 county, 1,500 county-level city; at least one each.
    expect(
      gridsForPopulation([
        { kind: 'urban district', population: 168_000 },
        { kind: 'county-level city', population: 1_500_000 },
        { kind: 'county', population: 100 },
      ]),
    ).toBe(168 + 1000 + 1);
    // A downtown district now gets more grids per km² than a county-level city, not fewer.
    const downtown = {
      code: '430102',
      name: '芙蓉区',
      nameEn: 'Furong',
      kind: 'urban district' as const,
      seat: [113, 28] as [number, number],
      centroid: [113, 28] as [number, number],
      areaKm2: 42,
      population: 168_000,
    };
    const city = { ...downtown, code: '430181', name: '浏阳市', kind: 'county-level city' as const, areaKm2: 5007, population: 1_750_000 };
    const [a, b] = planDistricts([downtown, city], gridsForPopulation([downtown, city]), new Random(2));
    expect(a!.grids / a!.fact.areaKm2).toBeGreaterThan((10 * b!.grids) / b!.fact.areaKm2);
    expect(a!.grids / a!.communities).toBeGreaterThan(b!.grids / b!.communities);
  });

  it('reads a population file as JSON or CSV, and names what is wrong in it', () => {
    expect([...parsePopulation('{"430102": 520000, "430181": "1400000"}')]).toEqual([
      ['430102', 520000],
      ['430181', 1400000],
    ]);
    expect([...parsePopulation('code,population\r\n430102,520000\n\n430181\t1400000\n')]).toEqual([
      ['430102', 520000],
      ['430181', 1400000],
    ]);
    expect(() => parsePopulation('430102,many', 'p.csv')).toThrow('p.csv: line 1: the population of 430102 must be a whole number above 0, not "many"');
    expect(() => parsePopulation('{"4301": 5}')).toThrow('"4301" is not a 6-digit district code');
    expect(() => parsePopulation('430102,5\n430102,6')).toThrow('430102 is listed twice');
    expect(() => parsePopulation('{"a":')).toThrow(/not valid JSON/);
    expect(() => parsePopulation('code,population\n')).toThrow(/no district populations/);
  });
});

describe('fitHouseholds', () => {
  const urban = { min: 200, max: 500 };
  const open = { min: null, max: null };
  it('moves households into the bounds and keeps the total where the bounds allow', () => {
    const fitted = fitHouseholds([150, 180, 400, 620, 450], [urban, urban, urban, urban, urban]);
    expect(fitted.every((h) => h >= 200 && h <= 500)).toBe(true);
    expect(Math.abs(fitted.reduce((a, b) => a + b, 0) - 1800)).toBeLessThanOrEqual(2);
    // An unbounded (rural) grid takes what the bounded ones cannot hold.
    expect(fitHouseholds([900, 100], [urban, open])).toEqual([500, 500]);
    // Already inside: unchanged.
    expect(fitHouseholds([250, 300, 480], [urban, urban, urban])).toEqual([250, 300, 480]);
  });

  it('ends every grid at a bound when the bounds cannot hold the total', () => {
    expect(fitHouseholds([5000, 3000], [urban, urban])).toEqual([500, 500]);
    expect(fitHouseholds([10, 20], [urban, urban])).toEqual([200, 200]);
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
  const feature = (adcode: unknown, name: unknown, type = 'Polygon') => ({
    type: 'Feature',
    properties: { adcode, name },
    geometry: { type, coordinates: [] },
  });
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

describe('the demo incidents', () => {
  const calendar = createWorkingCalendar(DEFAULT_CALENDAR);
  const rules = new Map(
    CATEGORY_MIX.map((c) => [c.code, { unitType: 'sanitation', deadlineHours: c.code === 'neighbour_dispute' ? 72 : 4, partnerType: c.partner }]),
  );
  const grids = Array.from({ length: 20 }, (_, k) => ({ code: `43020200100${String(k).padStart(4, '0')}`, population: 100 + k }) as never);

  // Seeded ten minutes after midnight (China time) today holds no report yet: the waiting reds are yesterday's last ones.
  for (const [when, at] of [
    ['ten minutes after midnight', '2026-12-02T00:10:00+08:00'],
    ['at noon', '2026-12-02T12:00:00+08:00'],
  ] as const) {
    it(`end with ${WAITING_RED} red reports nobody has dispatched yet, the run's last, when seeded ${when} China time`, () => {
      const now = new Date(at);
      const drawn = [...drawBatches({ grids, count: 3000, now, calendar, random: new Random(11), workers: new Map(), rules })].flat();
      expect(drawn).toHaveLength(3000);
      const order = [...drawn].sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
      const waiting = order.filter((d) => d.fate.kind === 'waiting_red');
      expect(waiting).toEqual(order.slice(-WAITING_RED));
      for (const w of waiting) {
        expect(w.urgency).toBe('red');
        expect(['reported', 'filed']).toContain(w.status);
        expect(w.reportedAt.getTime()).toBeLessThanOrEqual(now.getTime());
      }
    });
  }
});

describe('drawTimeline', () => {
  const calendar = createWorkingCalendar(DEFAULT_CALENDAR);
  const now = new Date('2026-06-15T04:00:00Z');
  const rule = (category: string) => ({
    unitType: category === 'neighbour_dispute' ? 'street_office' : 'sanitation',
    deadlineHours: category === 'neighbour_dispute' ? 72 : 4,
    partnerType: CATEGORY_MIX.find((c) => c.code === category)!.partner,
  });

  it('plans moments in workflow order, cut at now, with the status they add up to', () => {
    const random = new Random(3);
    for (let k = 0; k < 5000; k++) {
      const reportedAt = new Date(now.getTime() - random.next() * 20 * 86_400_000);
      const incident = demoIncident(now, reportedAt, random, k % 500 === 0);
      const t = drawTimeline(incident, rule(incident.category), now, calendar, random);
      const [first, second] = t.units;
      const chain = [reportedAt.getTime(), t.filedAt, t.dispatchedAt, first?.startedAt, ...t.mediations, first?.resolvedAt].filter((x) => x != null);
      expect(chain).toEqual([...chain].sort((a, b) => a - b));
      if (second?.startedAt != null) expect(second.startedAt).toBeGreaterThan(first!.startedAt!);
      for (const m of [t.filedAt, t.dispatchedAt, t.resolvedAt, t.closedAt, t.redAlertedAt, t.overdueNotifiedAt]) {
        if (m !== null) expect(m).toBeLessThanOrEqual(now.getTime());
      }
      if (t.dispatchedAt !== null) expect(t.dueAt).toBe(calendar.addWorkingHours(new Date(t.dispatchedAt), rule(incident.category).deadlineHours).getTime());
      if (t.closedAt !== null) expect(t.closedAt).toBeGreaterThan(t.resolvedAt!);
      if (t.overdueNotifiedAt !== null) expect(t.overdueNotifiedAt).toBeGreaterThan(t.dueAt!);
      if (t.redAlertedAt !== null) expect(t.urgency).toBe('red');
      if (incident.fate.kind === 'closes') expect(t.status).toBe('closed');
      if (incident.fate.kind === 'waiting_red') expect(['reported', 'filed']).toContain(t.status);
      expect(t.urgency).toBe(t.mediations.length === 3 ? 'yellow' : incident.urgency);
      const expected = t.closedAt
        ? 'closed'
        : t.resolvedAt
          ? 'resolved'
          : t.units.some((u) => u.startedAt)
            ? 'in_progress'
            : t.dispatchedAt
              ? 'dispatched'
              : t.filedAt
                ? 'filed'
                : 'reported';
      expect(t.status).toBe(expected);
    }
  });
});

describe('English names of made-up places', () => {
  it.each([
    ['西安', '街道', "Xi'an Subdistrict"],
    ['东湖', '社区', 'Donghu Community'],
    ['和平', '村', 'Heping Village'],
    ['河岭', '乡', 'Heling Township'],
    ['金桥', '镇', 'Jinqiao Town'],
    ['龙12', '镇', 'Long12 Town'],
  ])('%s%s is %s', (name, suffix, english) => {
    expect(placeNameEn(name, suffix)).toBe(english);
  });

  it('has a pinyin for every character the namer draws', () => {
    const namer = new PlaceNamer(new Random(7));
    const names = Array.from({ length: 400 }, () => namer.next());
    const missing = names.filter((n) => !/^[ -~]*$/.test(placeNameEn(n, '社区')));
    expect(missing).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { applyFigureChange, figureChange, inRegion, laterChanges, reconcileFigures, sameMetrics } from '../../web/wall/live-figures.js';
import { addTickerEntries, pruneRecent, RECENT_MS, redMarkersFrom, TICKER_MAX, updateRedMarkers, type TickerEntry } from '../../web/wall/live-lists.js';
import { colourFor, gridValues, legendFor, metricValue, niceBreak } from '../../web/wall/metric-scale.js';
import { ringSegments } from '../../web/shared/map/ring-segments.js';
import { cityMidnight, windowStart } from '../../web/wall/time-window.js';
import { parseWallParams } from '../../web/wall/wall-params.js';
import { applyDirectiveEvent } from '../../web/wall/live-directives.js';
import { rankChildren } from '../../web/wall/district-ranking.js';
import type { Directive } from '../../web/wall/api-types.js';
import type { StreamIncident } from '../../server/contract/stream-events.js';
import type { IncidentStatus } from '../../server/contract/vocabulary.js';

const entry = (i: number): TickerEntry => ({
  key: `created:SJ${i}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  kind: 'incident.created',
  code: `SJ${i}`,
  category: 'noise',
  urgency: 'blue',
  status: 'reported',
  gridCode: '430202001001001',
});
const incident = (code: string, urgency: 'red' | 'blue', status: IncidentStatus): StreamIncident => ({
  code,
  urgency,
  status,
  category: 'noise',
  location: [113, 27] as [number, number],
  grid_code: '',
  district_code: '',
  reported_at: '',
});

describe('wall URL parameters', () => {
  it('reads what it understands and ignores the rest', () => {
    expect(parseWallParams('?metric=overdue&window=7d&lang=en&tour=20&token=abc&region=430202')).toEqual({
      metric: 'overdue',
      window: '7d',
      lang: 'en',
      heat: true,
      tourSeconds: 20,
      refreshSeconds: undefined,
      region: '430202',
      token: 'abc',
    });
    expect(parseWallParams('?heat=off').heat).toBe(false);
    expect(parseWallParams('?metric=bogus&window=1y&lang=fr&tour=-3&region=43;drop')).toMatchObject({
      metric: undefined,
      window: undefined,
      lang: 'zh',
      tourSeconds: 0,
      region: undefined,
    });
    expect(parseWallParams('?tour=1').tourSeconds).toBe(5);
  });
});

describe('time windows on the city clock (UTC+8)', () => {
  it('starts today at local midnight and 7d six days before, whatever the browser zone', () => {
    const now = new Date('2026-06-15T17:30:00Z'); // 01:30 on the 16th in the city
    expect(cityMidnight(now).toISOString()).toBe('2026-06-15T16:00:00.000Z');
    expect(windowStart('today', now).toISOString()).toBe('2026-06-15T16:00:00.000Z');
    expect(windowStart('7d', now).toISOString()).toBe('2026-06-09T16:00:00.000Z');
    expect(windowStart('30d', now).toISOString()).toBe('2026-05-17T16:00:00.000Z');
  });
});

describe('grid colouring', () => {
  it('computes each metric from the grid-metrics tuple, null meaning no data', () => {
    const t: [number, number, number, number, number, number] = [10, 8, 2, 1, 3, 2000];
    expect(metricValue('per_1k', t)).toBe(5);
    expect(metricValue('closure_rate', t)).toBe(0.8);
    expect(metricValue('open', t)).toBe(2);
    expect(metricValue('overdue', t)).toBe(1);
    expect(metricValue('urgency', t)).toBe(3);
    expect(metricValue('per_1k', [1, 0, 0, 0, 0, 0])).toBeNull();
    expect(metricValue('closure_rate', [0, 0, 0, 0, 0, 50])).toBeNull();
  });

  it('reads the columnar grid-metrics answer grid by grid, and tells a moved figure from the same answer', () => {
    const answer = {
      from: '2026-06-01T00:00:00.000Z',
      to: null,
      fields: ['reported', 'closed', 'open', 'overdue', 'max_open_urgency', 'population'],
      codes: ['430202001001001', '430202001001002'],
      columns: { reported: [10, 1], closed: [8, 0], open: [2, 0], overdue: [1, 0], max_open_urgency: [3, 0], population: [2000, 0] },
    };
    expect([...gridValues('per_1k', answer)]).toEqual([
      [430202001001001, 5],
      [430202001001002, null],
    ]);
    expect([...gridValues('urgency', answer).values()]).toEqual([3, 0]);
    const copy = structuredClone(answer);
    expect(sameMetrics(answer, copy)).toBe(true);
    copy.columns.open[1] = 1;
    expect(sameMetrics(answer, copy)).toBe(false);
    expect(sameMetrics(answer, { ...answer, codes: [...answer.codes].reverse() })).toBe(false);
  });

  it('keeps legend breaks short and classes ascending; zero is a class of its own for counts', () => {
    expect(niceBreak(0.07200000001)).toBe(0.072);
    const counts = legendFor('open', [0, 0, 1, 2, 3, 5, 8, 13, 40, null]);
    expect(counts.classes[0]).toMatchObject({ min: 0, max: 1 });
    const mins = counts.classes.map((c) => c.min);
    expect(mins).toEqual([...mins].sort((a, b) => a - b));
    expect(new Set(mins).size).toBe(mins.length);
    expect(colourFor(counts, 0)).toBe(counts.classes[0]!.colour);
    expect(colourFor(counts, 1000)).toBe(counts.classes.at(-1)!.colour);
    expect(colourFor(counts, null)).toBe(counts.noData);
  });

  it('gives a legend even when nothing was reported', () => {
    const l = legendFor('per_1k', [0, 0, null]);
    expect(l.classes.length).toBeGreaterThan(0);
    expect(colourFor(l, 0)).toBe(l.classes[0]!.colour);
    expect(colourFor(l, null)).toBe(l.noData);
  });
});

describe('live lists stay bounded and idempotent', () => {
  it('keeps the ticker newest first, capped, one line per key', () => {
    let list: TickerEntry[] = [];
    for (let i = 0; i < 100; i++) list = addTickerEntries(list, [entry(i), entry(i)]);
    expect(list).toHaveLength(TICKER_MAX);
    expect(list[0]!.code).toBe('SJ99');
  });

  it('adds open red incidents and removes them when they close or are downgraded', () => {
    let m = updateRedMarkers(new Map(), incident('A', 'red', 'reported'));
    m = updateRedMarkers(m, incident('B', 'red', 'dispatched'));
    expect([...m.keys()]).toEqual(['A', 'B']);
    m = updateRedMarkers(m, incident('A', 'red', 'closed'));
    m = updateRedMarkers(m, incident('B', 'blue', 'dispatched'));
    expect(m.size).toBe(0);
  });

  it('takes the red markers of a page of open red incidents, leaving out one finished since', () => {
    const feature = (code: string, status: string, position: [number, number]) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: position },
      properties: { code, status },
    });
    const page = { type: 'FeatureCollection', features: [feature('A', 'dispatched', [113.1, 27.8]), feature('B', 'closed', [113.2, 27.9])] };
    const m = redMarkersFrom(page as unknown as Parameters<typeof redMarkersFrom>[0]);
    expect([...m.values()]).toEqual([{ code: 'A', position: [113.1, 27.8] }]);
  });

  it('forgets recent incidents after two minutes', () => {
    const now = 1_000_000;
    const kept = pruneRecent(
      [
        { code: 'old', position: [0, 0], seenAt: now - RECENT_MS - 1 },
        { code: 'new', position: [0, 0], seenAt: now - 1 },
      ],
      now,
    );
    expect(kept.map((r) => r.code)).toEqual(['new']);
  });
});

describe('ring segments for the wall lines', () => {
  it('turns every ring of polygons and multipolygons into straight segments, once per source and part', () => {
    const square = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    const source = {};
    let calls = 0;
    const features = () => {
      calls++;
      return [
        { geometry: { type: 'Polygon' as const, coordinates: [square] } },
        { geometry: { type: 'MultiPolygon' as const, coordinates: [[square.map(([x, y]) => [x! + 5, y!])]] } },
      ];
    };
    const a = ringSegments(source, 'grids', features);
    expect(a.length).toBe(8);
    const v = a.attributes.getSourcePosition!.value;
    expect([...v.slice(0, 4)]).toEqual([0, 0, 1, 0]);
    expect([...v.slice(28, 32)]).toEqual([5, 1, 5, 0]);
    expect(ringSegments(source, 'grids', features)).toBe(a);
    expect(calls).toBe(1);
    expect(ringSegments(source, 'other', () => []).length).toBe(0);
  });
});

describe('KPIs patched from stream events', () => {
  const ctx = { from: '2026-06-01T16:00:00.000Z', today: '2026-06-15T16:00:00.000Z' };
  const ev = (over: Record<string, unknown>): StreamIncident =>
    ({
      code: 'SJ1',
      category: 'noise',
      urgency: 'red' as const,
      status: 'reported',
      location: [113, 27] as [number, number],
      grid_code: '430202001001001',
      district_code: '430202',
      reported_at: '2026-06-15T17:00:00.000Z',
      ...over,
    }) as StreamIncident;
  // Expected changes by the definitions of explore-counts.sql (README, "KPIs"), written out by hand.
  const cases: [string, string, Record<string, unknown>, object | null][] = [
    ['a red report today', 'incident.created', {}, { reported: 1, closed: 0, open: 1, red_open: 1, today: 1 }],
    [
      'a blue report in the window, before today',
      'incident.created',
      { urgency: 'blue', reported_at: '2026-06-10T00:00:00.000Z' },
      { reported: 1, closed: 0, open: 1, red_open: 0, today: 0 },
    ],
    [
      'a report dated before the window',
      'incident.created',
      { reported_at: '2026-05-01T00:00:00.000Z' },
      { reported: 0, closed: 0, open: 1, red_open: 1, today: 0 },
    ],
    [
      'a red incident rejected',
      'incident.status_changed',
      { status: 'rejected', previous_status: 'reported', previous_urgency: 'red' },
      { reported: 0, closed: 0, open: -1, red_open: -1, today: 0 },
    ],
    [
      'closed inside the window',
      'incident.status_changed',
      { urgency: 'blue', status: 'closed', previous_status: 'resolved', previous_urgency: 'blue' },
      { reported: 0, closed: 1, open: -1, red_open: 0, today: 0 },
    ],
    [
      'closed, reported before the window',
      'incident.status_changed',
      { urgency: 'blue', status: 'closed', previous_status: 'resolved', previous_urgency: 'blue', reported_at: '2026-05-01T00:00:00.000Z' },
      { reported: 0, closed: 0, open: -1, red_open: 0, today: 0 },
    ],
    [
      'reopened',
      'incident.status_changed',
      { status: 'in_progress', previous_status: 'closed', previous_urgency: 'red' },
      { reported: 0, closed: -1, open: 1, red_open: 1, today: 0 },
    ],
    [
      'raised to red while filed',
      'incident.status_changed',
      { status: 'dispatched', previous_status: 'filed', previous_urgency: 'yellow' },
      { reported: 0, closed: 0, open: 0, red_open: 1, today: 0 },
    ],
    ['a status change without the previous urgency', 'incident.status_changed', { status: 'dispatched', previous_status: 'filed' }, null],
    ['an escalation', 'incident.escalated', {}, null],
    ['an overdue alert', 'incident.overdue', { status: 'dispatched' }, null],
  ];
  it.each(cases)('%s', (_name, type, over, expected) => {
    expect(figureChange(type, ev(over), ctx)).toEqual(expected);
  });

  it("ignores events outside the wall's region, the city code matching all its districts", () => {
    expect(inRegion('430202001001001', '430200')).toBe(true);
    expect(inRegion('430202001001001', '430203')).toBe(false);
    expect(inRegion('430202001001001', '430202001')).toBe(true);
    expect(figureChange('incident.created', ev({}), { ...ctx, region: '430203' })).toEqual({ reported: 0, closed: 0, open: 0, red_open: 0, today: 0 });
  });

  it("moves the place's figures and its child's, with the closure rate rounded as the API does", () => {
    const figures = {
      reported: 3,
      closed: 1,
      closure_rate: 0.3333,
      open: 2,
      overdue: 1,
      red_open: 1,
      closed_within_deadline: 0,
      within_deadline_rate: null,
      mean_hours_to_close: null,
    };
    const summary = {
      ...figures,
      region: { code: '430200', name: '株洲市', name_en: 'Zhuzhou', level: 'city' },
      unit: null,
      from: null,
      to: null,
      children: [
        { ...figures, code: '430202', name: '荷塘区', name_en: 'Hetang', population: 1000 },
        { ...figures, code: '430203', name: '芦淞区', name_en: 'Lusong', population: null },
      ],
    };
    const next = applyFigureChange(summary, '430202001001001', { reported: 1, closed: 1, open: 0, red_open: -1, today: 1 });
    expect(next).toMatchObject({ reported: 4, closed: 2, closure_rate: 0.5, open: 2, overdue: 1, red_open: 0 });
    expect(next.children[0]).toMatchObject({ reported: 4, closed: 2, closure_rate: 0.5, red_open: 0 });
    expect(next.children[1]).toBe(summary.children[1]);
    expect(applyFigureChange(summary, '430202001001001', { reported: 0, closed: 0, open: 0, red_open: 0, today: 0 })).toBe(summary);
  });

  it('adds to an answer only the changes of events after its Event-Position', () => {
    const one = { reported: 1, closed: 0, open: 1, red_open: 0, today: 1 };
    const log = [4, 6, 7].map((id) => ({ id, gridCode: '430202001001001', change: one }));
    expect(laterChanges(log, 5).map((c) => c.id)).toEqual([6, 7]);
    expect(laterChanges(log, 7)).toEqual([]);
    // A server that does not say: the answer is taken as it is.
    expect(laterChanges(log, null)).toEqual([]);
  });

  it('reconciles: each answer gains the changes after its own position, and the log keeps those after the older one', () => {
    const one = { reported: 1, closed: 0, open: 1, red_open: 0, today: 1 };
    const log = [4, 6, 7].map((id) => ({ id, gridCode: '430202001001001', change: one }));
    const figures = {
      reported: 10,
      closed: 5,
      closure_rate: 0.5,
      open: 5,
      overdue: 0,
      red_open: 0,
      closed_within_deadline: 5,
      within_deadline_rate: 1,
      mean_hours_to_close: 2,
    };
    const answer = {
      ...figures,
      region: { code: '430200', name: '株洲市', name_en: 'Zhuzhou', level: 'city' },
      unit: null,
      from: null,
      to: null,
      children: [],
    };
    // The summary counts up to event 6 (10 + event 7 = 11); today's figure up to event 4 (3 + events 6 and 7 = 5).
    const r = reconcileFigures(log, { answer, position: 6 }, { reported: 3, position: 4 });
    expect(r.summary).toMatchObject({ reported: 11, open: 6 });
    expect(r.newToday).toBe(5);
    expect(r.log.map((c) => c.id)).toEqual([6, 7]);
    // A position not known: nothing added to that answer, and the whole log kept.
    const unknown = reconcileFigures(log, { answer, position: null }, { reported: 3, position: 7 });
    expect(unknown.summary).toBe(answer);
    expect(unknown.newToday).toBe(3);
    expect(unknown.log.map((c) => c.id)).toEqual([4, 6, 7]);
  });
});

describe('a directive event on the wall (live-directives.ts)', () => {
  const district = (code: string, status: 'waiting' | 'answered', answer = ''): Directive['districts'][number] => ({
    code,
    name: `区${code}`,
    status,
    answer,
    answered_at: status === 'answered' ? '2026-12-01T02:00:00.000Z' : null,
    answered_by: status === 'answered' ? 'user:leader' : null,
    minutes_to_answer: status === 'answered' ? 12 : null,
    late: false,
  });
  const directive = (id: number, districts: Directive['districts'], round?: number): Directive => ({
    id,
    title: `指令${id}`,
    body: '',
    deadline: '2026-12-01T10:00:00.000Z',
    created_at: '2026-12-01T01:00:00.000Z',
    created_by: 'user:chief',
    created_by_name: '指挥长',
    overdue: false,
    districts,
    ...(round === undefined ? {} : { round }),
  });
  const city = { level: 'city', code: '430200' };
  const shown = [directive(1, [district('430202', 'waiting'), district('430203', 'waiting')])];

  it('answers a district on the city wall, keeps the others, and puts a new directive first', () => {
    const answered = directive(1, [district('430202', 'answered', '无'), district('430203', 'waiting')]);
    expect(applyDirectiveEvent(shown, answered, city)[0]!.districts.map((d) => [d.code, d.status, d.answer])).toEqual([
      ['430202', 'answered', '无'],
      ['430203', 'waiting', ''],
    ]);
    const fresh = directive(2, [district('430204', 'waiting')]);
    expect(applyDirectiveEvent(shown, fresh, city).map((d) => d.id)).toEqual([2, 1]);
  });

  it("keeps a district wall to its own district's row", () => {
    const answered = directive(1, [district('430202', 'answered', '无'), district('430203', 'answered', '有')]);
    expect(applyDirectiveEvent(shown, answered, { level: 'district', code: '430203' })[0]!.districts.map((d) => [d.code, d.answer])).toEqual([
      ['430203', '有'],
    ]);
  });

  it('leaves the row alone for an answer in another round of a daily directive than it shows', () => {
    const daily = [directive(3, [district('430202', 'waiting')], 2)];
    expect(applyDirectiveEvent(daily, directive(3, [district('430202', 'answered', '无')], 3), city)).toBe(daily);
    expect(applyDirectiveEvent(daily, directive(3, [district('430202', 'answered', '无')], 2), city)[0]!.districts[0]!.status).toBe('answered');
  });
});

describe('rankings', () => {
  it("ranks a place's parts per 1,000 of the summary's own residents, those without residents last, named in the page's language", () => {
    const zero = { closed: 0, closure_rate: null, open: 0, red_open: 0, closed_within_deadline: 0, within_deadline_rate: null, mean_hours_to_close: null };
    const child = (code: string, name: string, name_en: string | null, reported: number, overdue: number, population: number | null) => ({
      ...zero,
      code,
      name,
      name_en,
      reported,
      overdue,
      population,
    });
    const summary = {
      ...zero,
      reported: 60,
      overdue: 5,
      region: { code: '430202001', name: '月塘街道', name_en: 'Yuetang Subdistrict', level: 'street' },
      unit: null,
      from: null,
      to: null,
      children: [
        child('430202001001', '文化路社区', 'Wenhualu', 10, 1, 5000),
        child('430202001002', '东环社区', null, 30, 4, 10000),
        child('430202001003', '荷塘铺村', 'Hetangpu', 20, 0, null),
      ],
    };
    // 30 / 10,000 = 3.0 and 10 / 5,000 = 2.0 per 1,000; no residents, no value.
    expect(rankChildren(summary, 'per_1k', 'zh')).toEqual([
      { code: '430202001002', name: '东环社区', value: 3 },
      { code: '430202001001', name: '文化路社区', value: 2 },
      { code: '430202001003', name: '荷塘铺村', value: null },
    ]);
    expect(rankChildren(summary, 'overdue', 'en').map((r) => [r.name, r.value])).toEqual([
      ['东环社区', 4],
      ['Wenhualu', 1],
      ['Hetangpu', 0],
    ]);

    // A community's grids, where the wall's title names the community: its name is dropped where a grid's starts with it.
    const grids = {
      ...summary,
      region: { code: '430202001001', name: '文化路社区', name_en: 'Wenhualu Community', level: 'community' },
      children: [
        child('430202001001003', '文化路社区第三网格', 'Wenhualu Community Grid 3', 9, 2, 1000),
        child('430202001001012', '文化路社区第十二网格', null, 1, 1, 1000),
        child('430202001001020', '新村网格', 'Xincun Grid', 0, 0, 1000),
      ],
    };
    expect(rankChildren(grids, 'overdue', 'zh').map((r) => r.name)).toEqual(['第三网格', '第十二网格', '新村网格']);
    expect(rankChildren(grids, 'overdue', 'en').map((r) => r.name)).toEqual(['Grid 3', '文化路社区第十二网格', 'Xincun Grid']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEvent } from '../../server/events/event-hub.js';
import { scopeFilter, scopeMatches, scopePrefix } from '../../server/events/event-scope.js';
import { payloadOf, type SseStream } from '../helpers/sse-client.js';
import { startStreamApp, writeEvent, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const CITY = '430200';
const DISTRICT_A = '430202';
const DISTRICT_B = '430203';
const STREET_A = '430202001';
const GRID_A = '430202001001001';
const GRID_A_OTHER_STREET = '430202002001001';
const GRID_B = '430203001001001';

describe('scope rules', () => {
  it('strips the 00 pairs of city and province codes only', () => {
    expect(scopePrefix('430200')).toBe('4302');
    expect(scopePrefix('430000')).toBe('43');
    expect(scopePrefix('430202')).toBe('430202');
    expect(scopePrefix('430202001')).toBe('430202001');
    expect(scopePrefix('430202001001001')).toBe('430202001001001');
    expect(() => scopePrefix('4302')).toThrow(TypeError);
    expect(() => scopePrefix("430202' OR 1=1")).toThrow(TypeError);
    expect(() => scopeFilter('')).toThrow(TypeError);
    expect(scopeFilter(undefined)).toBeNull();
  });

  it.each([
    [null, GRID_B, true],
    [CITY, GRID_B, true],
    [DISTRICT_A, GRID_A, true],
    [DISTRICT_A, GRID_B, false],
    [DISTRICT_A, CITY, true],
    [DISTRICT_A, DISTRICT_B, false],
    [STREET_A, GRID_A, true],
    [STREET_A, GRID_A_OTHER_STREET, false],
    [STREET_A, DISTRICT_A, true],
    [GRID_A, STREET_A, true],
    [GRID_A, GRID_A_OTHER_STREET, false],
  ])('subscriber %s, event %s → %s', (subscriber, event, delivered) => {
    expect(scopeMatches(scopeFilter(subscriber), event)).toBe(delivered);
  });

  it('keeps id, type and at out of the payload’s reach', () => {
    const e = formatEvent({
      id: 7,
      type: 'incident.created',
      at: new Date('2026-06-15T02:00:00Z'),
      scope: GRID_A,
      payload: { id: 99, type: 'x', at: 'never', incident: { code: 'SJ1' } },
    });
    expect(e.frame).toBe(
      'id: 7\nevent: incident.created\ndata: {"id":7,"type":"incident.created","at":"2026-06-15T02:00:00.000Z","incident":{"code":"SJ1"}}\n\n',
    );
  });
});

describe(`scoped delivery on ${BACKEND}`, () => {
  let t: TestDatabase;
  let s: StreamApp;
  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startStreamApp(t.db);
  });
  afterAll(async () => {
    await s?.close();
    await t?.dispose();
  });

  /** Messages until the marker event, which every subscriber receives. */
  async function typesUntilMarker(stream: SseStream, markerId: number): Promise<string[]> {
    const seen: string[] = [];
    for (;;) {
      const data = payloadOf(await stream.next());
      if (data.id === markerId) return seen;
      seen.push(`${data.type}@${(data as { scope_label?: string }).scope_label}`);
    }
  }

  it('gives each region its own events, live and on replay alike', async () => {
    const subscribers = {
      everyone: await s.connect(),
      city: await s.connect({ scope: CITY }),
      districtA: await s.connect({ scope: DISTRICT_A }),
      districtB: await s.connect({ scope: DISTRICT_B }),
      streetA: await s.connect({ scope: STREET_A }),
    };
    await Promise.all(Object.values(subscribers).map((x) => x.waitFor((y) => y.lastEventId !== '')));
    const start = Number(subscribers.everyone.lastEventId);
    const label = (scope_label: string) => ({ scope_label });
    await writeEvent(t.db, 'incident.created', GRID_A, label('gridA'));
    await writeEvent(t.db, 'incident.created', GRID_B, label('gridB'));
    await writeEvent(t.db, 'incident.created', GRID_A_OTHER_STREET, label('gridA2'));
    await writeEvent(t.db, 'directive.created', CITY, label('city'));
    await writeEvent(t.db, 'directive.answered', DISTRICT_B, label('districtB'));
    const { id: marker } = await writeEvent(t.db, 'directive.created', CITY, label('marker'));

    const all = ['incident.created@gridA', 'incident.created@gridB', 'incident.created@gridA2', 'directive.created@city', 'directive.answered@districtB'];
    const expected = {
      everyone: all,
      city: all,
      districtA: ['incident.created@gridA', 'incident.created@gridA2', 'directive.created@city'],
      districtB: ['incident.created@gridB', 'directive.created@city', 'directive.answered@districtB'],
      streetA: ['incident.created@gridA', 'directive.created@city'],
    };
    for (const [name, stream] of Object.entries(subscribers)) {
      expect([name, await typesUntilMarker(stream, marker)]).toEqual([name, expected[name as keyof typeof expected]]);
    }
    // The replay query filters in SQL: it must agree with the live filter.
    for (const [name, scope] of [
      ['districtA', DISTRICT_A],
      ['districtB', DISTRICT_B],
      ['streetA', STREET_A],
      ['city', CITY],
    ] as const) {
      const replay = await s.connect({ scope, lastEventId: String(start) });
      expect([name, await typesUntilMarker(replay, marker)]).toEqual([name, expected[name]]);
    }
  });
});

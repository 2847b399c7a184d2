import { describe, expect, it } from 'vitest';
import { type AreaOutline, namedOutlines } from '../../web/m/area-outlines.js';

/** An outline with only what the naming reads (geometry and label do not matter to it). */
function outline(code: string, level: AreaOutline['properties']['level'], population: number | null): AreaOutline {
  return {
    type: 'Feature',
    id: code,
    bbox: [0, 0, 1, 1],
    geometry: { type: 'Polygon', coordinates: [] },
    properties: { code, level, name: code, name_en: null, population, label: [0, 0] },
  } as AreaOutline;
}

const streets = (district: string, n: number) =>
  Array.from({ length: n }, (_, i) => outline(`${district}${String(i + 1).padStart(3, '0')}`, 'street', 1000 + i));

describe("which of a handler's area outlines are named on the phone's map", () => {
  it("names a city's districts, not its hundred streets, the most populous first", () => {
    const districts = [outline('430202', 'district', 380_000), outline('430281', 'district', 900_000), outline('430223', 'district', null)];
    const named = namedOutlines([...districts, ...streets('430202', 40), ...streets('430281', 66)]);
    expect(named.map((o) => o.properties.code)).toEqual(['430281', '430202', '430223']);
  });

  it("names a district's streets when they are few", () => {
    const named = namedOutlines([outline('430202', 'district', 380_000), ...streets('430202', 5)]);
    expect(named.map((o) => o.properties.code)).toEqual(['430202005', '430202004', '430202003', '430202002', '430202001']);
  });

  it("names a district's streets even when they are many: the one district's name alone would say little", () => {
    const named = namedOutlines([outline('430202', 'district', 380_000), ...streets('430202', 30)]);
    expect(named).toHaveLength(30);
    expect(new Set(named.map((o) => o.properties.level))).toEqual(new Set(['street']));
  });

  it('names the one level there is, and nothing when there are no outlines', () => {
    expect(namedOutlines(streets('430202', 3)).map((o) => o.properties.code)).toEqual(['430202003', '430202002', '430202001']);
    expect(namedOutlines([])).toEqual([]);
  });
});

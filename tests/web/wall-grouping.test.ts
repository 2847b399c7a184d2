import { describe, expect, it } from 'vitest';
import { WALL_MIN_GRID_PIXELS } from '../../server/contract/wall-options.js';
import { communityValues, groupingFor, meanGridPixels, tileSourceFor } from '../../web/wall/wall-grouping.js';
import { parseWallParams } from '../../web/wall/wall-params.js';
import type { GridTileSource } from '../../web/shared/map/grid-tiles.js';
import type { GridMetrics } from '../../web/wall/api-types.js';

/** The lon/lat box of XYZ tile (z, x, y): at zoom z it is exactly one 512-px tile on screen (MapLibre's tile size). */
function tileBox(z: number, x: number, y: number): [number, number, number, number] {
  const lon = (i: number) => (i / 2 ** z) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / 2 ** z))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

const source = (grids: number, bbox: number[] | null): GridTileSource => ({
  threshold: 20_000,
  grids,
  bbox: bbox as GridTileSource['bbox'],
  tiles: '/tiles/grids/{z}/{x}/{y}.mvt?region=430200',
  minzoom: 6,
  maxzoom: 16,
  revision: '7',
  communities: { tiles: '/tiles/communities/{z}/{x}/{y}.mvt?region=430200', minzoom: 6, maxzoom: 16 },
});

describe('what the wall colours: grids, or communities where grids are specks', () => {
  it('measures the mean grid on screen: a 512-px tile shared by 4 grids is 256 px a side, by 4 096 grids 8 px', () => {
    const box = tileBox(8, 208, 107);
    expect(meanGridPixels(box, 4, 8)).toBeCloseTo(256, 6);
    expect(meanGridPixels(box, 4096, 8)).toBeCloseTo(8, 6);
    // One zoom in, twice the side.
    expect(meanGridPixels(box, 4096, 9)).toBeCloseTo(16, 6);
  });

  it('colours polygons by grid always, tiles as the URL asks, else by what fits the screen', () => {
    const box = tileBox(8, 208, 107);
    expect(groupingFor(undefined, 'community', 8)).toBe('grid');
    expect(groupingFor(source(100_000, box), 'grid', 8)).toBe('grid');
    expect(groupingFor(source(240, box), 'community', 8)).toBe('community');
    // 100k grids in one zoom-8 tile: ~1.6 px each. 4,096 grids: 8 px, over the limit.
    expect(WALL_MIN_GRID_PIXELS).toBeLessThan(8);
    expect(groupingFor(source(100_000, box), undefined, 8)).toBe('community');
    expect(groupingFor(source(4096, box), undefined, 8)).toBe('grid');
    // Nothing to measure: grids.
    expect(groupingFor(source(100_000, null), undefined, 8)).toBe('grid');
    expect(groupingFor(source(100_000, box), undefined, undefined)).toBe('grid');
  });

  it("follows the zoom shown and the server's limit: a tour's district one zoom in doubles the side; 0 = grids always", () => {
    const box = tileBox(8, 208, 107);
    // 4,096 grids: 8 px at zoom 8, 16 px at zoom 9.
    expect(groupingFor(source(4096, box), undefined, 8, 10)).toBe('community');
    expect(groupingFor(source(4096, box), undefined, 9, 10)).toBe('grid');
    expect(groupingFor(source(4096, box), undefined, 9, 17)).toBe('community');
    expect(groupingFor(source(100_000, box), undefined, 8, 0)).toBe('grid');
  });

  it('draws the communities of the same region from their own tiles', () => {
    const s = source(100_000, tileBox(8, 208, 107));
    expect(tileSourceFor(s, 'grid')).toBe(s);
    expect(tileSourceFor(s, 'community')).toMatchObject({ tiles: '/tiles/communities/{z}/{x}/{y}.mvt?region=430200', bbox: s.bbox });
  });

  it("gives each community its grids' figures added up, then the metric of the sums", () => {
    // Two communities: 430202001001 with grids 001 and 002, 430202001002 with grid 001.
    const metrics = {
      codes: ['430202001001001', '430202001001002', '430202001002001'],
      columns: {
        reported: [3, 5, 0],
        closed: [3, 1, 0],
        open: [0, 4, 2],
        overdue: [0, 1, 2],
        max_open_urgency: [0, 3, 1],
        population: [1000, 3000, 0],
      },
    } as GridMetrics;
    // Written out by hand: reported 8, closed 4, open 4, overdue 1, urgency 3, population 4,000; and 0/0/2/2/1/0.
    const expected = {
      per_1k: [2, null],
      closure_rate: [0.5, null],
      open: [4, 2],
      overdue: [1, 2],
      urgency: [3, 1],
    } as const;
    for (const [metric, [a, b]] of Object.entries(expected)) {
      const values = communityValues(metric as keyof typeof expected, metrics);
      expect([...values.entries()], metric).toEqual([
        [430202001001, a],
        [430202001002, b],
      ]);
    }
  });

  it('reads by=grid and by=community from the URL and ignores anything else', () => {
    expect(parseWallParams('?by=community').by).toBe('community');
    expect(parseWallParams('?by=grid').by).toBe('grid');
    expect(parseWallParams('?by=street').by).toBeUndefined();
    expect(parseWallParams('').by).toBeUndefined();
  });
});

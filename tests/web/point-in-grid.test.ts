import { describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from 'geojson';
import { gridAt, pointInPolygonal, type GridFeature } from '../../web/m/point-in-grid.js';

/** The phone's "you are in 第5网格" test, against shapes whose answers are plain by construction. */
describe('point in grid (web/m/point-in-grid.ts)', () => {
  const square: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
        [0, 0],
      ],
    ],
  };
  const withHole: Polygon = {
    type: 'Polygon',
    coordinates: [
      ...square.coordinates,
      [
        [4, 4],
        [6, 4],
        [6, 6],
        [4, 6],
        [4, 4],
      ],
    ],
  };
  const two: MultiPolygon = {
    type: 'MultiPolygon',
    coordinates: [
      square.coordinates,
      [
        [
          [20, 0],
          [30, 0],
          [30, 10],
          [20, 10],
          [20, 0],
        ],
      ],
    ],
  };
  // A concave "U": the notch (x 4..6, y 3..10) is outside.
  const u: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [6, 10],
        [6, 3],
        [4, 3],
        [4, 10],
        [0, 10],
        [0, 0],
      ],
    ],
  };

  it.each([
    ['inside a square', square, [5, 5], true],
    ['outside a square', square, [15, 5], false],
    ['in a hole', withHole, [5, 5], false],
    ['around a hole', withHole, [2, 2], true],
    ['in the second part of a multipolygon', two, [25, 5], true],
    ['between the parts', two, [15, 5], false],
    ['in the notch of a U', u, [5, 8], false],
    ['in an arm of a U', u, [2, 8], true],
  ] as const)('%s', (_what, geometry, point, expected) => {
    expect(pointInPolygonal([...point], geometry)).toBe(expected);
  });

  it('names the grid that holds the point, or none', () => {
    const grids: GridFeature[] = [
      { type: 'Feature', geometry: square, properties: { name: '第1网格' } },
      { type: 'Feature', geometry: two.coordinates[1] ? { type: 'Polygon', coordinates: two.coordinates[1] } : square, properties: { name: '第5网格' } },
    ];
    expect(gridAt([25, 5], grids)?.properties.name).toBe('第5网格');
    expect(gridAt([15, 5], grids)).toBeNull();
  });
});

// The pure shared-edge simplification, on shapes small enough to reason about:
// expected results are written out here, not computed by the code under test.
import { describe, expect, it } from 'vitest';
import { simplifySharedEdges } from '../../server/geometry/shared-edge-simplify.js';

/** A wiggly edge from (0,0) to (0,1): both neighbours hold the same points. */
const WIGGLE = [
  [0, 0],
  [0.001, 0.25],
  [-0.001, 0.5],
  [0.001, 0.75],
  [0, 1],
];
const west = { id: 'west', coordinates: [[[[-1, 0], ...WIGGLE, [-1, 1], [-1, 0]]]] };
// Counter-clockwise: along the wiggle backwards, then round the east side.
const east = { id: 'east', coordinates: [[[[0, 1], ...[...WIGGLE].reverse().slice(1), [1, 0], [1, 1], [0, 1]]]] };
const ring = (shape: Map<string, number[][][][]>, id: string) => shape.get(id)![0]![0]!;
/** A closed ring started at its smallest point, so rings compare whatever corner they start at. */
function canonical(r: number[][]): number[][] {
  const open = r.slice(0, -1);
  const start = open.reduce((best, p, i) => (p[0]! < open[best]![0]! || (p[0] === open[best]![0] && p[1]! < open[best]![1]!) ? i : best), 0);
  const rotated = [...open.slice(start), ...open.slice(0, start)].map(([x, y]) => [x! + 0, y! + 0]);
  return [...rotated, rotated[0]!];
}

describe('simplifySharedEdges', () => {
  it('simplifies a shared edge once, so both sides keep the same points', () => {
    const out = simplifySharedEdges([west, east], 0.01, 6);
    // The wiggle is 0.001 off its chord: gone at 0.01°, on both sides alike.
    expect(canonical(ring(out, 'west'))).toEqual([
      [-1, 0],
      [0, 0],
      [0, 1],
      [-1, 1],
      [-1, 0],
    ]);
    expect(canonical(ring(out, 'east'))).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
  });

  it('keeps detail below the tolerance', () => {
    const out = simplifySharedEdges([west, east], 0.0001, 6);
    expect(canonical(ring(out, 'west'))).toEqual(west.coordinates[0]![0]);
    expect(canonical(ring(out, 'east'))).toEqual(canonical(east.coordinates[0]![0]!));
  });

  it('adds a corner lying on a neighbour side to that side (a T-junction)', () => {
    // Two cells on top of a long one: (0.5, 1) is a corner of both cells, and on the long one's top side.
    const long = {
      id: 'long',
      coordinates: [
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
        ],
      ],
    };
    const left = {
      id: 'left',
      coordinates: [
        [
          [
            [0, 1],
            [0.5, 1],
            [0.5, 2],
            [0, 2],
            [0, 1],
          ],
        ],
      ],
    };
    const right = {
      id: 'right',
      coordinates: [
        [
          [
            [0.5, 1],
            [1, 1],
            [1, 2],
            [0.5, 2],
            [0.5, 1],
          ],
        ],
      ],
    };
    const out = simplifySharedEdges([long, left, right], 0.001, 6);
    expect(canonical(ring(out, 'long'))).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [0.5, 1],
      [0, 1],
      [0, 0],
    ]);
  });

  it('never lets a shape vanish: a ring with no neighbour corner keeps a triangle or more', () => {
    // An island inside a hole of its neighbour: one closed arc, shared, with no junction on it.
    const island = [
      [0.4, 0.4],
      [0.6, 0.4],
      [0.6, 0.6],
      [0.4, 0.6],
      [0.4, 0.4],
    ];
    const outer = {
      id: 'outer',
      coordinates: [
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
          [...island].reverse(),
        ],
      ],
    };
    const inner = { id: 'inner', coordinates: [[island]] };
    const out = simplifySharedEdges([outer, inner], 0.1, 6);
    const innerRing = ring(out, 'inner');
    expect(new Set(innerRing.slice(0, -1).map(String)).size).toBeGreaterThanOrEqual(3);
    // The hole is the island's ring, backwards: still shared.
    expect(out.get('outer')![0]![1]).toEqual([...innerRing].reverse());
  });
});

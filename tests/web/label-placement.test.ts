import { describe, expect, it } from 'vitest';
import { insideRings, intersects, largestPiece, placeLabels } from '../../web/shared/map/label-placement.js';

const view = { width: 400, height: 300 };
const label = (item: string, x: number, y: number, width = 60, height = 20) => ({ item, x, y, width, height });

describe('map label placement', () => {
  it('keeps a label that collides with none at its point', () => {
    expect(placeLabels([label('石峰区', 100, 100)], view)).toEqual([{ item: '石峰区', offset: [0, 0], box: { x: 70, y: 90, width: 60, height: 20 } }]);
  });

  it('nudges the less important of two colliding labels beside the first, and none overlaps', () => {
    const placed = placeLabels([label('Shifeng', 100, 100), label('Hetang', 130, 105)], view);
    expect(placed.map((p) => p.item)).toEqual(['Shifeng', 'Hetang']);
    expect(placed[0]!.offset).toEqual([0, 0]);
    expect(placed[1]!.offset).not.toEqual([0, 0]);
    expect(intersects(placed[0]!.box, placed[1]!.box)).toBe(false);
  });

  it('leaves out a label with no free spot, and moves one that would stick out of the view inside it', () => {
    const crowd = [label('a', 100, 100), label('b', 100, 80), label('c', 100, 120), label('d', 136, 100), label('e', 64, 100), label('f', 100, 100)];
    const placed = placeLabels([...crowd, label('edge', 395, 150)], view);
    // e's every spot overlaps a, b or c, or leaves the view; f sits on a.
    expect(placed.map((p) => p.item)).toEqual(['a', 'b', 'c', 'd', 'edge']);
    expect(placed[4]!.box.x + placed[4]!.box.width).toBeLessThanOrEqual(view.width);
    for (const [i, a] of placed.entries()) for (const b of placed.slice(i + 1)) expect(intersects(a.box, b.box)).toBe(false);
  });

  it('keeps names off a legend over the map: moved beside it where they can be, else left out; above it, as they were', () => {
    // A legend 100 × 150 px in the bottom left corner. 'near' (box 70–130 × 190–210) overlaps it at its anchor, above
    // and below, and fits nudged right by 0.6 of its width; 'under' (box 0–60) has no spot; 'above' (y 90–110) is clear.
    const legend = { x: 0, y: 150, width: 100, height: 150 };
    const candidates = [label('near', 100, 200), label('under', 30, 200), label('above', 30, 100), label('clear', 300, 100)];
    const placed = placeLabels(candidates, view, { avoid: legend });
    expect(Object.fromEntries(placed.map((p) => [p.item, [p.box.x, p.box.y]]))).toEqual({ near: [106, 190], above: [0, 90], clear: [270, 90] });
    expect(
      placeLabels([label('under', 30, 200)], view).map((p) => p.item),
      'placed with no legend',
    ).toEqual(['under']);
  });

  it("keeps a nudged name over its district's largest piece: a district in two pieces is named on its main part, or not at all", () => {
    // Screen pixels: the main part 80 × 55 px, an exclave of 30 × 20 px up to the right.
    const main: [number, number][] = [
      [100, 125],
      [180, 125],
      [180, 180],
      [100, 180],
      [100, 125],
    ];
    const exclave: [number, number][] = [
      [300, 20],
      [330, 20],
      [330, 40],
      [300, 40],
      [300, 20],
    ];
    const district = [[exclave], [main]];
    expect(largestPiece(district)).toBe(district[1]);
    expect(insideRings([140, 150], [main])).toBe(true);
    expect(insideRings([140, 124], [main])).toBe(false);
    expect(insideRings([310, 30], [main])).toBe(false);
    expect(
      insideRings(
        [140, 150],
        [
          main,
          [
            [130, 140],
            [150, 140],
            [150, 160],
            [130, 160],
            [130, 140],
          ],
        ],
      ),
    ).toBe(false);

    // 石峰区 holds the anchor they share; above it (centre y 124) is off the main part, below it (176) is on it.
    const spots: [number, number][] = [
      [0, -1.3],
      [0, 1.3],
      [0.6, 0],
    ];
    const named = placeLabels([label('石峰区', 140, 150), { ...label('荷塘区', 140, 150), within: largestPiece(district)! }], view, { spots });
    expect(named[1]).toEqual({ item: '荷塘区', offset: [0, 26], box: { x: 110, y: 166, width: 60, height: 20 } });
    // Free to go anywhere, it would take the first spot, above.
    expect(placeLabels([label('石峰区', 140, 150), label('荷塘区', 140, 150)], view, { spots })[1]!.offset).toEqual([0, -26]);
    // No spot over the main part: left out, never drawn over the exclave or a neighbour.
    const tiny = [
      [
        [135, 145],
        [145, 145],
        [145, 155],
        [135, 155],
        [135, 145],
      ] as [number, number][],
    ];
    const hemmedIn = [label('石峰区', 140, 150), { ...label('荷塘区', 140, 150), within: tiny }];
    expect(placeLabels(hemmedIn, view, { spots }).map((p) => p.item)).toEqual(['石峰区']);
    // With a second round it has first pick of its one spot, and the free name moves aside: both are named.
    expect(placeLabels(hemmedIn, view, { spots, secondRound: true })).toEqual([
      { item: '荷塘区', offset: [0, 0], box: { x: 110, y: 140, width: 60, height: 20 } },
      { item: '石峰区', offset: [0, -26], box: { x: 110, y: 114, width: 60, height: 20 } },
    ]);
  });
});

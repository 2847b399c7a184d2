import { describe, expect, it } from 'vitest';
import { intersects, placeLabels } from '../../web/shared/map/label-placement.js';

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
});

import { describe, expect, it } from 'vitest';
import { partColours, type Shape } from '../../web/home/city-preview.js';

/**
 * Ten parts in a ring, like a street's communities round a park: part k is the piece of the ring between angles k and
 * k + 1 (tenths of a turn), so it touches the one before and the one after it, and part 9 touches part 0. Pieces share
 * their corner vertices exactly, as a coverage's do.
 */
const at = (k: number, r: number): [number, number] => {
  const a = (2 * Math.PI * (k % 10)) / 10;
  return [Number((113 + r * Math.cos(a)).toFixed(6)), Number((27 + r * Math.sin(a)).toFixed(6))];
};
const piece = (k: number): Shape => ({ kind: 'grid', code: `p${k}`, polygons: [[[at(k, 1), at(k + 1, 1), at(k + 1, 0.5), at(k, 0.5), at(k, 1)]]] });

describe("the home page preview's colours", () => {
  it('gives up to nine parts nine colours, and never a neighbour the same colour once they come back', () => {
    const parts = Array.from({ length: 10 }, (_, k) => ({ code: `p${k}` }));
    const colours = partColours(
      parts,
      parts.map((_, k) => piece(k)),
      (code) => code,
    );
    expect(new Set(parts.slice(0, 9).map((p) => colours.get(p.code))).size).toBe(9);
    // The tenth piece touches the first and the ninth: its colour is neither (colouring by position gave it the first's).
    expect(colours.get('p9')).not.toBe(colours.get('p0'));
    expect(colours.get('p9')).not.toBe(colours.get('p8'));
    for (let k = 0; k < 10; k++) expect(colours.get(`p${k}`), `p${k} beside p${(k + 1) % 10}`).not.toBe(colours.get(`p${(k + 1) % 10}`));
  });

  it('colours a part with no shapes too (a street whose grids are not drawn)', () => {
    const colours = partColours([{ code: 'a' }, { code: 'b' }], [piece(0)], () => 'a');
    expect(colours.get('a')).toBeDefined();
    expect(colours.get('b')).toBeDefined();
    expect(colours.get('b')).not.toBe(colours.get('a'));
  });
});

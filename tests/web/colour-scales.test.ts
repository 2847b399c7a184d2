import { describe, expect, it } from 'vitest';
import { PALETTES } from '../../web/shared/map/colour-scales.js';
import { legendFor, WALL_PALETTES } from '../../web/wall/metric-scale.js';
import { EXPLORE_PALETTES, levelLegend } from '../../web/explore/choropleth.js';

/**
 * Colour-vision deficiency simulation, written out here from the literature
 * (not from the code under test): Machado, Oliveira & Fernandes (2009),
 * severity 1.0, applied to linear sRGB; differences as CIE76 ΔE in CIELAB (D65).
 */
const SIMULATIONS: Record<string, number[][] | null> = {
  normal: null,
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};
/** Smallest difference allowed between two classes a reader must tell apart. */
const MIN_DELTA_E = 9;

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const rgb = (hex: string) => [1, 3, 5].map((i) => linear(parseInt(hex.slice(i, i + 2), 16) / 255)) as [number, number, number];
function lab([r, g, b]: number[]): [number, number, number] {
  const x = (0.4124 * r! + 0.3576 * g! + 0.1805 * b!) / 0.95047;
  const y = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  const z = (0.0193 * r! + 0.1192 * g! + 0.9505 * b!) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
const simulate = (c: number[], m: number[][] | null) => (m ? m.map((row) => Math.min(1, Math.max(0, row[0]! * c[0]! + row[1]! * c[1]! + row[2]! * c[2]!))) : c);
const deltaE = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

/** The smallest ΔE between classes that must be told apart: neighbours of an ordered scale, every pair of categories. */
function smallestDifference(palette: string[], m: number[][] | null, categorical: boolean): number {
  const colours = palette.map((hex) => lab(simulate(rgb(hex), m)));
  let min = Infinity;
  for (let i = 0; i < colours.length; i++) {
    for (let j = i + 1; j < colours.length; j++) if (categorical || j === i + 1) min = Math.min(min, deltaE(colours[i]!, colours[j]!));
  }
  return min;
}

/** Every palette of the map kit (web/shared/map/colour-scales.ts), and the ones each page uses. */
const CATEGORICAL = new Set(['urgency']);
const SCALES: [string, string[], boolean][] = [
  ...Object.entries(PALETTES)
    .filter(([name]) => name !== 'heat')
    .map(([name, palette]) => [`map kit: ${name}`, palette as string[], CATEGORICAL.has(name)] as [string, string[], boolean]),
  ['wall: sequential', WALL_PALETTES.sequential, false],
  ['wall: closure rate', WALL_PALETTES.closureRate, false],
  ['wall: urgency', WALL_PALETTES.urgency, true],
  ['explorer: sequential', EXPLORE_PALETTES.sequential, false],
  ['explorer: differences', EXPLORE_PALETTES.difference, false],
  ['explorer: closure rate', EXPLORE_PALETTES.closureRate, false],
];

describe('colour scales readable with a colour-vision deficiency', () => {
  it('the simulation reproduces the failure it guards against: red–yellow–green collapses under deuteranopia', () => {
    const redYellowGreen = ['#d73027', '#fc8d59', '#fee08b', '#d9ef8b', '#91cf60', '#1a9850'];
    expect(smallestDifference(redYellowGreen, SIMULATIONS.deuteranopia!, false)).toBeLessThan(2);
  });

  for (const [name, palette, categorical] of SCALES) {
    it(`${name}: every class told apart, with normal vision and each simulated deficiency`, () => {
      for (const [vision, m] of Object.entries(SIMULATIONS)) {
        expect(smallestDifference(palette, m, categorical), `${name}, ${vision}`).toBeGreaterThanOrEqual(MIN_DELTA_E);
      }
    });
  }

  it('the wall and the explorer colour closure rate on one scale: the same breaks and colours', () => {
    const wall = legendFor('closure_rate', []).classes.map(({ min, colour }) => ({ min, colour }));
    const explorer = levelLegend('closure_rate', []).classes.map(({ min, colour }) => ({ min, colour }));
    expect(wall).toEqual(explorer);
    expect(wall.map((c) => c.min)).toEqual([0, 0.5, 0.7, 0.85, 0.95, 0.99]);
  });

  it('draws a map where nothing was reported in the quietest colour, not the loudest; with few values the top class stays the loudest', () => {
    // The colours written out: the wall's dark palette and the explorer's light one, quietest first.
    const dark = ['#1d3557', '#245f8f', '#2a9d8f', '#8ab17d', '#e9c46a'];
    expect(PALETTES.sequentialDark).toEqual(dark);
    // A wall's "today" just after midnight: every grid at zero (it was one class, "≥ 0", in the loudest colour).
    expect(legendFor('per_1k', [0, 0, 0, null]).classes).toEqual([{ min: 0, max: null, colour: dark[0] }]);
    // Counts always have a class of their own from one: zero quiet (it was the second loudest), one and more loud.
    expect(legendFor('open', [0, 0]).classes).toEqual(legendFor('open', [0, 1, 0]).classes);
    expect(legendFor('open', [0, 1, 0]).classes).toEqual([
      { min: 0, max: 1, colour: dark[0] },
      { min: 1, max: null, colour: dark[4] },
    ]);
    const light = PALETTES.sequentialLight;
    expect(levelLegend('reported', [0, 0, 0]).classes.map((c) => c.colour)).toEqual([light[0]]);
    expect(levelLegend('reported', [0, 2, 5]).classes.map((c) => c.colour)).toEqual([light[0], light.at(-2), light.at(-1)]);
    // No zero among few values: the loudest colours, as before.
    expect(levelLegend('reported', [2, 5]).classes.map((c) => c.colour)).toEqual([light.at(-2), light.at(-1)]);
  });
});

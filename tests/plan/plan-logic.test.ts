import { describe, expect, it } from 'vitest';
import { lineageOf, nextCodes, removedCodes } from '../../server/plans/grid-lineage.js';
import { parseHouseholdBounds } from '../../server/contract/grid-plan-reasons.js';
import { planTransition, PLAN_ACTIONS, PLAN_STATUSES } from '../../server/plans/grid-plan-lifecycle.js';
import { moveVertex, movedVertices, type Position } from '../../server/contract/vertex-move.js';
import { drawModeOf, EDITOR_EVENTS, EDITOR_STATES, next, selectionAfterClick } from '../../web/plan/plan-editor-state.js';

describe('lineage from geometry and codes', () => {
  const base = ['A', 'B', 'C'];
  it("a split: the old grid's area went to two new grids", () => {
    const rows = lineageOf(
      base,
      [
        { key: 1, code: null, changed: false },
        { key: 2, code: null, changed: false },
        { key: 3, code: 'B', changed: false },
        { key: 4, code: 'C', changed: false },
      ],
      [
        { oldCode: 'A', key: 1, share: 0.4 },
        { oldCode: 'A', key: 2, share: 0.6 },
        { oldCode: 'B', key: 3, share: 1 },
        { oldCode: 'C', key: 4, share: 1 },
      ],
    );
    expect(rows).toEqual([
      { oldCode: 'A', key: 1, kind: 'split', share: 0.4 },
      { oldCode: 'A', key: 2, kind: 'split', share: 0.6 },
    ]);
  });
  it('a merge, a deletion absorbed by a kept neighbour, a reshape, a new grid and a removal', () => {
    expect(
      lineageOf(
        ['A', 'B'],
        [{ key: 1, code: null, changed: false }],
        [
          { oldCode: 'A', key: 1, share: 1 },
          { oldCode: 'B', key: 1, share: 1 },
        ],
      ).map((r) => r.kind),
    ).toEqual(['merge', 'merge']);
    expect(
      lineageOf(
        ['A', 'B'],
        [{ key: 2, code: 'B', changed: true }],
        [
          { oldCode: 'A', key: 2, share: 1 },
          { oldCode: 'B', key: 2, share: 1 },
        ],
      ),
    ).toEqual([
      { oldCode: 'A', key: 2, kind: 'merge', share: 1 },
      { oldCode: 'B', key: 2, kind: 'reshape', share: 1 },
    ]);
    expect(
      lineageOf(
        ['A'],
        [
          { key: 1, code: 'A', changed: false },
          { key: 9, code: null, changed: false },
        ],
        [{ oldCode: 'A', key: 1, share: 1 }],
      ),
    ).toEqual([{ oldCode: null, key: 9, kind: 'new', share: null }]);
    expect(lineageOf(['A'], [], [])).toEqual([{ oldCode: 'A', key: null, kind: 'removed', share: null }]);
    expect(removedCodes(['A', 'B'], [{ key: 1, code: 'B', changed: false }])).toEqual(['A']);
  });
  it('numbers new grids after the highest code ever used in the community, retired ones included', () => {
    expect(nextCodes('430202001004', ['430202001004001', '430202001004007', '430202001005009'], 2)).toEqual(['430202001004008', '430202001004009']);
    expect(() => nextCodes('430202001004', ['430202001004999'], 1)).toThrow(RangeError);
  });
});

describe('shared vertices', () => {
  const square: Position[] = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
    [0, 0],
  ];
  it('moves a corner wherever it appears, closing vertex included', () => {
    const r = moveVertex({ type: 'Polygon', coordinates: [square] }, [0, 0], [0.1, -0.1]);
    expect(r.moved).toBe(true);
    expect(r.geometry.coordinates[0]).toEqual([
      [0.1, -0.1],
      [1, 0],
      [1, 1],
      [0, 1],
      [0.1, -0.1],
    ]);
    expect(moveVertex({ type: 'Polygon', coordinates: [square] }, [5, 5], [6, 6]).moved).toBe(false);
  });
  it('finds what a drag moved, and ignores inserted midpoints', () => {
    const dragged = square.map((p, i) => (i === 2 ? ([1.2, 1.1] as Position) : p));
    expect(movedVertices(square, dragged)).toEqual([{ from: [1, 1], to: [1.2, 1.1] }]);
    expect(movedVertices(square, [...square.slice(0, 2), [1, 0.5], ...square.slice(2)])).toEqual([]);
  });
});

describe('plan rules and shapes', () => {
  it('parses household bounds, naming what is wrong', () => {
    expect(parseHouseholdBounds('200-500')).toEqual({ valid: true, bounds: { min: 200, max: 500 } });
    expect(parseHouseholdBounds('-800')).toEqual({ valid: true, bounds: { min: null, max: 800 } });
    expect(parseHouseholdBounds('')).toEqual({ valid: true, bounds: { min: null, max: null } });
    expect(parseHouseholdBounds('500-200')).toMatchObject({ valid: false, reason: expect.stringMatching(/above/) });
    expect(parseHouseholdBounds('lots')).toMatchObject({ valid: false });
  });
});

describe('state machines', () => {
  it('a plan is edited only as a draft', () => {
    for (const status of PLAN_STATUSES) {
      for (const action of PLAN_ACTIONS) expect(planTransition(status, action).valid, `${action} on ${status}`).toBe(status === 'draft');
    }
    expect(planTransition('draft', 'publish')).toEqual({ valid: true, to: 'published' });
  });
  it('the editor accepts only the events of its state', () => {
    expect(next('viewing', 'start_split')).toEqual({ valid: true, to: 'drawing_split' });
    expect(next('drawing_split', 'start_merge').valid).toBe(false);
    expect(next('busy', 'submit').valid).toBe(false);
    expect(next('busy', 'done')).toEqual({ valid: true, to: 'viewing' });
    for (const s of EDITOR_STATES) for (const e of EDITOR_EVENTS) expect(typeof next(s, e).valid).toBe('boolean');
    expect(drawModeOf('reshaping')).toBe('select');
    expect(drawModeOf('picking_merge')).toBeNull();
  });
});

describe('what a click on a grid selects', () => {
  // state, selection before, grid clicked → selection after
  const cases: [Parameters<typeof selectionAfterClick>[0], number[], number, number[]][] = [
    ['viewing', [], 7, [7]],
    ['viewing', [7], 7, []],
    ['viewing', [7], 8, [8]],
    ['picking_merge', [7], 8, [7, 8]],
    ['picking_merge', [7, 8], 7, [8]],
    ['picking_merge', [7, 8], 8, [7]],
    // The grid being deleted stays the first and cannot be clicked away.
    ['picking_absorbers', [7], 7, [7]],
    ['picking_absorbers', [7], 9, [7, 9]],
    ['picking_absorbers', [7, 9], 9, [7]],
    ['busy', [7], 8, [7]],
    ['reshaping', [7], 8, [7]],
  ];
  it.each(cases)('%s with %j, click %i → %j', (state, before, key, after) => {
    expect(selectionAfterClick(state, before, key)).toEqual(after);
  });
});

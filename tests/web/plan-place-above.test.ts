import { describe, expect, it } from 'vitest';
import { placeAbove } from '../../web/plan/plan-data.js';

/** Where "up one level" goes on the plan editor's map, written out: [place shown, planner's scope, place above]. */
const CASES: [string, string | null, string | null][] = [
  // A city planner (scope code null): the city's districts are the top view ('').
  ['', null, null],
  ['430202', null, ''],
  ['430202001', null, '430202'],
  ['430202001001', null, '430202001'],
  // A district planner: their district's streets are the top view; the district itself is that view too.
  ['', '430202', null],
  ['430202', '430202', null],
  ['430202001', '430202', ''],
  ['430202001001', '430202', '430202001'],
  // A street planner: its communities are the top view.
  ['430202001', '430202001', null],
  ['430202001001', '430202001', ''],
];

describe('the plan editor map: up one level', () => {
  it.each(CASES)('from %j with scope %j goes to %j', (shown, scope, above) => {
    expect(placeAbove(shown, scope)).toBe(above);
  });
});

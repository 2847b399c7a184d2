import type { HouseholdBounds } from '../../server/contract/grid-plan-reasons.js';

/**
 * Households per grid inside each grid's bounds (null = unbounded), as close
 * to proportional to `targets` as the bounds allow: grids that would fall
 * outside are set to the bound they cross, and the rest share what is left in
 * proportion, until none falls outside. The total is kept while any grid is
 * left free; where the bounds cannot hold it (too few grids for the
 * households), every grid ends at a bound. Whole numbers: the bounds are.
 */
export function fitHouseholds(targets: readonly number[], bounds: readonly HouseholdBounds[]): number[] {
  const total = targets.reduce((a, b) => a + b, 0);
  const fixed: (number | undefined)[] = targets.map(() => undefined);
  for (let round = 0; round <= targets.length; round++) {
    const free = targets.flatMap((_, i) => (fixed[i] === undefined ? [i] : []));
    if (free.length === 0) break;
    const left = total - fixed.reduce<number>((a, f) => a + (f ?? 0), 0);
    const weight = free.reduce((a, i) => a + targets[i]!, 0);
    const scale = weight > 0 ? Math.max(0, left) / weight : 0;
    let clamped = false;
    for (const i of free) {
      const x = targets[i]! * scale;
      const { min, max } = bounds[i]!;
      if (max !== null && x > max) {
        fixed[i] = max;
        clamped = true;
      } else if (min !== null && x < min) {
        fixed[i] = min;
        clamped = true;
      }
    }
    if (!clamped) for (const i of free) fixed[i] = targets[i]! * scale;
  }
  // Rounding a value inside integer bounds stays inside them.
  return fixed.map((x) => Math.round(x ?? 0));
}

/**
 * The heat rollup's cells (migrations/022): the base cell is the zoom-13 heat
 * cell, 5.625° / 2^13 = 45/65536° (exact in binary); district rows use 8 of
 * them a side (the zoom-10 cell). Keep these equal to incident_heat_cell_degrees.
 */
export const HEAT_BASE_CELL_DEGREES = 45 / 65_536;
export const HEAT_DISTRICT_CELL_DEGREES = 8 * HEAT_BASE_CELL_DEGREES;

/**
 * Which rollup rows serve a heat cell of `cellDegrees` for `region` (null =
 * the city): the district rows when the cell is at least theirs and the
 * place is the city or one district, else the grid rows; and how many
 * rollup cells make one heat cell a side. The cell must be a power-of-two
 * multiple of the base cell, or the grouping would not be exact.
 */
export function heatRollupLevel(cellDegrees: number, region: string | null): { depth: 6 | 15; ratio: number } {
  const district = cellDegrees >= HEAT_DISTRICT_CELL_DEGREES && (region === null || region.length === 6);
  const ratio = cellDegrees / (district ? HEAT_DISTRICT_CELL_DEGREES : HEAT_BASE_CELL_DEGREES);
  if (!Number.isInteger(ratio) || (ratio & (ratio - 1)) !== 0) throw new Error(`heat cell ${cellDegrees}° is not a power-of-two multiple of the rollup's cell`);
  return { depth: district ? 6 : 15, ratio };
}

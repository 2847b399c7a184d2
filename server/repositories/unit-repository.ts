import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const UNIT_LIST = sqlFile('unit-list.sql');
const UNIT_NAME = sqlFile('unit-name.sql');

export interface UnitRow {
  code: string;
  name: string;
  name_en: string | null;
  unit_type: string;
  /** The street a street office serves; null for a city department (serves everywhere). */
  region_code: string | null;
  region_name: string | null;
  /** Assignments not yet resolved, of incidents inside the caller's scope. */
  open_assignments: number;
}

export type UnitName = Pick<UnitRow, 'code' | 'name' | 'name_en'>;

export interface UnitFilter {
  /** The caller's scope (null = the whole city). */
  scope: string | null;
  /** Only units serving this region. */
  region: string | null;
  /** Only units of the type that handles this category. */
  category: string | null;
}

/** The units incidents are dispatched to (交办单位). */
export function createUnitRepository(db: Queryable) {
  return {
    async list(filter: UnitFilter, tx: Queryable = db): Promise<UnitRow[]> {
      return tx.query<UnitRow>(UNIT_LIST, [filter.scope, filter.region, filter.category]);
    },
    async name(code: string, tx: Queryable = db): Promise<UnitName | undefined> {
      return (await tx.query<UnitName>(UNIT_NAME, [code]))[0];
    },
  };
}

export type UnitRepository = ReturnType<typeof createUnitRepository>;

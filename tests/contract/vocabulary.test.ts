import { describe, expect, it } from 'vitest';
import {
  ancestorCodes,
  CHILD_CODE_LENGTH,
  codeLevel,
  codePrefix,
  districtCodeOf,
  FINISHED_STATUSES,
  INCIDENT_STATUSES,
  isOpenStatus,
  OPEN_STATUSES,
  parentCode,
} from '../../server/contract/vocabulary.js';

// Expectations written out from README ("KPIs") and migrations/002, not read from the code under test.
describe('the shared vocabulary', () => {
  it('splits the statuses into open and finished as the README defines them', () => {
    expect([...OPEN_STATUSES]).toEqual(['reported', 'filed', 'dispatched', 'in_progress', 'resolved']);
    expect([...FINISHED_STATUSES].sort()).toEqual(['closed', 'duplicate', 'rejected']);
    expect([...OPEN_STATUSES, ...FINISHED_STATUSES].sort()).toEqual([...INCIDENT_STATUSES].sort());
    expect(isOpenStatus('resolved')).toBe(true);
    expect(isOpenStatus('duplicate')).toBe(false);
    expect(isOpenStatus('unknown')).toBe(false);
  });

  const codes: [code: string, level: string | null, parent: string | null, ancestors: string[]][] = [
    ['430200', 'city', null, []],
    ['430202', 'district', '430200', ['430200']],
    ['430202001', 'street', '430202', ['430200', '430202']],
    ['430202001002', 'community', '430202001', ['430200', '430202', '430202001']],
    ['430202001002003', 'grid', '430202001002', ['430200', '430202', '430202001', '430202001002']],
    ['4302', null, null, []],
    ["430202' OR 1=1", null, null, []],
  ];
  it.each(codes)('reads %s as level %s under %s', (code, level, parent, ancestors) => {
    expect(codeLevel(code)).toBe(level);
    expect(parentCode(code)).toBe(parent);
    if (level !== null) expect(ancestorCodes(code)).toEqual(ancestors);
  });

  it('gives the district, the prefix and the child code length of a code', () => {
    expect(districtCodeOf('430202001002003')).toBe('430202');
    expect(codePrefix('430200')).toBe('4302');
    expect(codePrefix('430000')).toBe('43');
    expect(codePrefix('430202')).toBe('430202');
    expect(codePrefix('430202001')).toBe('430202001');
    expect(CHILD_CODE_LENGTH).toEqual({ city: 6, district: 9, street: 12, community: 15, grid: 15 });
  });
});

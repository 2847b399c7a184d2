import { describe, expect, it } from 'vitest';
import { parsePlanLocation, planUrl } from '../../web/plan/plan-url.js';

describe("the plan editor's URL", () => {
  it('keeps a district or street looked into while no community is chosen, and drops it once one is', () => {
    expect(planUrl({ community: '', plan: null, place: '430202001', lang: 'zh' })).toBe('/plan?place=430202001');
    expect(planUrl({ community: '430202001001', plan: 7, place: '430202001', lang: 'en' })).toBe('/plan?community=430202001001&plan=7&lang=en');
    expect(parsePlanLocation('?place=430202')).toEqual({ community: '', plan: null, place: '430202', lang: 'zh' });
    expect(parsePlanLocation('?place=430202001&lang=en')).toEqual({ community: '', plan: null, place: '430202001', lang: 'en' });
  });

  it('leaves out a place that is not a district or street code, and any place beside a community', () => {
    for (const bad of ['43020', '4302020011', '430202001001', 'x', '', '430202%00']) expect(parsePlanLocation(`?place=${bad}`).place, bad).toBe('');
    expect(parsePlanLocation('?community=430202001001&place=430202').place).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { allowedActions } from '../../web/dispatch/dispatch-actions.js';
import { NO_FILTERS, queueCounts, queueItems, type QueueItem } from '../../web/dispatch/dispatch-queues.js';

/**
 * The console's queues and the actions it offers, against a table written
 * here from README (the workflow table and the queue definitions).
 */
const NOW = Date.parse('2026-06-15T04:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

function item(code: string, status: string, urgency: QueueItem['urgency'], reportedMinutesAgo: number, due_at: string | null = null): QueueItem {
  return {
    code,
    category: 'noise',
    urgency,
    status,
    description: `d ${code}`,
    reported_at: minutesAgo(reportedMinutesAgo),
    due_at,
    grid_code: '430202001001001',
    street_code: '430202001',
    district_code: '430202',
  };
}

const ITEMS = [
  item('SJ202606150000001', 'reported', 'blue', 5),
  item('SJ202606150000002', 'reported', 'red', 31), // red, waited past 30 min: a red alert
  item('SJ202606150000003', 'filed', 'red', 29), // red but not yet 30 min
  item('SJ202606150000004', 'dispatched', 'yellow', 600, minutesAgo(1)), // past due: overdue
  item('SJ202606150000005', 'in_progress', 'red', 600, minutesAgo(-60)),
  item('SJ202606150000006', 'resolved', 'blue', 900, minutesAgo(10)), // resolved: never overdue
  item('SJ202606150000007', 'closed', 'blue', 2000),
  item('SJ202606150000008', 'reported', 'blue', 50),
];

describe('dispatch console queues', () => {
  it('puts each incident in the queues README defines, and counts them', () => {
    expect(queueCounts(ITEMS, NO_FILTERS, NOW)).toEqual({ reported: 3, filed: 1, handling: 2, verify: 1, overdue: 1, red: 1, all: 8 });
    expect(queueItems(ITEMS, 'red', NO_FILTERS, NOW).map((i) => i.code)).toEqual(['SJ202606150000002']);
    expect(queueItems(ITEMS, 'overdue', NO_FILTERS, NOW).map((i) => i.code)).toEqual(['SJ202606150000004']);
  });

  it('sorts by urgency, then the longest wait first', () => {
    expect(queueItems(ITEMS, 'reported', NO_FILTERS, NOW).map((i) => i.code)).toEqual(['SJ202606150000002', 'SJ202606150000008', 'SJ202606150000001']);
  });

  it('filters every queue, and searches code, text and grid in "all" only', () => {
    expect(queueCounts(ITEMS, { ...NO_FILTERS, urgency: 'red' }, NOW)).toMatchObject({ reported: 1, filed: 1, handling: 1, all: 3 });
    expect(queueCounts(ITEMS, { ...NO_FILTERS, district: '430203' }, NOW).all).toBe(0);
    expect(queueItems(ITEMS, 'all', { ...NO_FILTERS, search: '0000007' }, NOW).map((i) => i.code)).toEqual(['SJ202606150000007']);
    expect(queueItems(ITEMS, 'all', { ...NO_FILTERS, search: 'd sj202606150000003' }, NOW)).toHaveLength(1);
    expect(queueItems(ITEMS, 'all', { ...NO_FILTERS, search: '430202001' }, NOW)).toHaveLength(8);
    expect(queueItems(ITEMS, 'reported', { ...NO_FILTERS, search: 'nothing like it' }, NOW)).toHaveLength(3);
  });

  it('offers the actions the workflow table allows the role in the state', () => {
    const at = (status: string) => ({ status, category: 'noise' });
    expect(allowedActions('dispatcher', at('reported'))).toEqual(['file', 'reject', 'mark_duplicate']);
    expect(allowedActions('dispatcher', at('filed'))).toEqual(['dispatch', 'mark_duplicate']);
    expect(allowedActions('dispatcher', at('resolved'))).toEqual(['verify_fail', 'close']);
    expect(allowedActions('dispatcher', at('closed'))).toEqual([]);
    expect(allowedActions('commander', at('closed'))).toEqual(['reopen']);
    expect(allowedActions('district_leader', at('reported'))).toEqual([]);
    expect(allowedActions('handler', at('dispatched'))).toEqual([]);
  });
});

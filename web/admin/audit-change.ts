/**
 * An audit entry's before/after, compactly: for an update only the fields that
 * changed ("role: staff → viewer"), for a create or delete the non-empty
 * fields of the one side there is. Long values are shortened; the full JSON
 * goes in the row's tooltip.
 */
export function describeChange(before: unknown, after: unknown): string[] {
  const b = asRecord(before);
  const a = asRecord(after);
  if (b && a) {
    return [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => `${k}: ${show(b[k])} → ${show(a[k])}`);
  }
  const only = a ?? b;
  if (only)
    return Object.entries(only)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}=${show(v)}`);
  // Not objects: scalars, or nothing at all.
  if (before === null && after === null) return [];
  return [`${show(before)} → ${show(after)}`];
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const MAX = 48;

function show(v: unknown): string {
  const s = v === null || v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

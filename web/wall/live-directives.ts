import { ApiError } from '../shared/api-request.js';
import type { ApiClient } from './api-client.js';
import type { Directive, RegionNode } from './api-types.js';

/**
 * Every running directive, newest first: 'running' keeps one a district has
 * answered while other districts have not (a district wall shows it as
 * answered). A server without directives yet answers 404, which is "none".
 */
export async function fetchRunningDirectives(api: ApiClient, signal: AbortSignal): Promise<Directive[]> {
  try {
    return (await api.get<{ directives: Directive[] }>('/api/directives', { status: 'running' }, signal)).directives;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

/**
 * The wall's running directives with one directive event applied at once:
 * the event's districts (a district wall, whose summary is a district, keeps
 * only its own row) over what the row showed, or a new row first. The
 * reconciliation that follows brings the caller's view of it and who is late.
 * An answer in another round of a daily directive (日报告) than the row shows
 * changes nothing here: the reconciliation keeps that right.
 */
export function applyDirectiveEvent(directives: Directive[], d: Directive, root: { level: string; code: string } | undefined): Directive[] {
  const shown = directives.find((x) => x.id === d.id);
  // Round 1 for a one-off directive or one not listed yet.
  if ((d.round ?? 1) !== (shown?.round ?? 1)) return directives;
  const rows = (root?.level === 'city' ? d.districts : d.districts.filter((x) => root?.code.startsWith(x.code))).map((x) => ({
    ...shown?.districts.find((y) => y.code === x.code),
    ...x,
  }));
  const patched = { ...shown, ...d, districts: rows };
  return shown ? directives.map((x) => (x.id === d.id ? patched : x)) : [patched, ...directives];
}

/** A region node by code, anywhere in the tree. */
export function findRegion(nodes: RegionNode[], code: string): RegionNode | undefined {
  for (const n of nodes) {
    if (n.code === code) return n;
    const inner = code.startsWith(n.code) ? findRegion(n.children, code) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/**
 * Which old grids became which new ones, decided from geometry and codes
 * alone: the editor need not track where each polygon came from, and an
 * imported file gets the same lineage as edits on the map.
 */
export const LINEAGE_KINDS = ['split', 'merge', 'reshape', 'new', 'removed'] as const;
export type LineageKind = (typeof LINEAGE_KINDS)[number];

/** A published grid of the community and a draft feature that share area (more than the tolerance). */
export interface OverlapPair {
  oldCode: string;
  key: number;
  /** The share of the old grid's area that lies in the feature, 0..1. */
  share: number;
}

export interface DraftFeatureRef {
  key: number;
  /** The published code the feature keeps, or null for a new grid. */
  code: string | null;
  /** Whether its geometry differs from the published grid of that code. */
  changed: boolean;
}

export interface LineageRow {
  oldCode: string | null;
  /** The draft feature the area went to (its code is known only at publish); null when removed. */
  key: number | null;
  kind: LineageKind;
  share: number | null;
}

/**
 * - a kept code whose boundary changed: reshape (K → K);
 * - a removed grid whose area went to two or more grids: split (O → each);
 * - a removed grid whose area went to one grid that also took other grids' area: merge;
 * - a removed grid whose area went to one grid alone: reshape (O → the new code);
 * - a removed grid whose area went nowhere: removed;
 * - a kept grid that gave area to a new grid: split (K → N), besides its own reshape;
 * - a grid drawn where no grid was: new.
 */
export function lineageOf(baseCodes: readonly string[], features: readonly DraftFeatureRef[], pairs: readonly OverlapPair[]): LineageRow[] {
  const kept = new Map(features.filter((f) => f.code !== null).map((f) => [f.code!, f]));
  const byKey = new Map(features.map((f) => [f.key, f]));
  const rows: LineageRow[] = [];
  const successors = (code: string) => pairs.filter((p) => p.oldCode === code);
  const predecessors = (key: number) => pairs.filter((p) => p.key === key);

  for (const code of [...baseCodes].sort()) {
    const own = kept.get(code);
    if (own) {
      if (own.changed) rows.push({ oldCode: code, key: own.key, kind: 'reshape', share: successors(code).find((p) => p.key === own.key)?.share ?? null });
      for (const p of successors(code)) {
        if (byKey.get(p.key)?.code === null) rows.push({ oldCode: code, key: p.key, kind: 'split', share: p.share });
      }
      continue;
    }
    const to = successors(code);
    if (to.length === 0) rows.push({ oldCode: code, key: null, kind: 'removed', share: null });
    else if (to.length >= 2) for (const p of to) rows.push({ oldCode: code, key: p.key, kind: 'split', share: p.share });
    else rows.push({ oldCode: code, key: to[0]!.key, kind: predecessors(to[0]!.key).length >= 2 ? 'merge' : 'reshape', share: to[0]!.share });
  }
  for (const f of features) {
    if (f.code === null && predecessors(f.key).length === 0) rows.push({ oldCode: null, key: f.key, kind: 'new', share: null });
  }
  return rows;
}

/** The codes of removed grids: published codes the draft no longer keeps. */
export function removedCodes(baseCodes: readonly string[], features: readonly DraftFeatureRef[]): string[] {
  const kept = new Set(features.map((f) => f.code).filter((c): c is string => c !== null));
  return baseCodes.filter((c) => !kept.has(c)).sort();
}

/**
 * Codes for new grids: the community's code + the next free 3-digit
 * sequence numbers (never a retired one's), in key order.
 */
export function nextCodes(community: string, usedCodes: readonly string[], count: number): string[] {
  const highest = usedCodes.filter((c) => c.startsWith(community)).reduce((m, c) => Math.max(m, Number(c.slice(12))), 0);
  if (highest + count > 999) throw new RangeError(`community ${community} has no free grid sequence numbers left (highest ${highest}, ${count} needed)`);
  return Array.from({ length: count }, (_, i) => community + String(highest + 1 + i).padStart(3, '0'));
}

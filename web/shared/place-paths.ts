import type { RegionNode } from '../../server/contract/wall-schemas.js';
import { type Lang, placeName } from './i18n.js';

/**
 * Every place below the city in a region tree (GET /api/regions), each with
 * its path: the places above it and itself, district first. Pickers that
 * name a place by where it lies (the plan editor's communities, /admin's
 * scopes) read it.
 */
export function placesWithPaths(nodes: readonly RegionNode[], above: RegionNode[] = []): { place: RegionNode; path: RegionNode[] }[] {
  return nodes.flatMap((n) => {
    const path = n.level === 'city' ? above : [...above, n];
    return [...(n.level === 'city' ? [] : [{ place: n, path }]), ...placesWithPaths(n.children, path)];
  });
}

/** A path in one language: 荷塘区 / 月塘街道 / 文化路社区 ("Hetang / Yuetang Subdistrict / Wenhualu Community"). */
export function pathName(lang: Lang, path: readonly RegionNode[]): string {
  return path.map((p) => placeName(lang, p)).join(' / ');
}

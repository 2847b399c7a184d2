import type { FastifyRequest } from 'fastify';
import { HttpError, notFound } from '../http-errors.js';
import { regionFilter, type ScopeRoot } from '../repositories/region-repository.js';

/**
 * Every read is limited to the caller's scope (request.principal.scope, a
 * region or grid code; null = the whole city). These helpers turn a request's
 * optional `region` parameter into the SQL filter value:
 * - no parameter: the caller's whole scope;
 * - a region inside the scope: that region (null for the city itself);
 * - anything else, unknown or outside the scope alike: 404, so a typo is
 *   never mistaken for "no data" and another district's existence is not
 *   confirmed.
 */
export async function scopedRegion(request: FastifyRequest, code: string | undefined): Promise<string | null> {
  return regionFilter(await scopedRoot(request, code));
}

/** The region (or, for a grid worker, grid) a read covers, with its name and level. */
export async function scopedRoot(request: FastifyRequest, code: string | undefined): Promise<ScopeRoot> {
  const { repos } = request.server;
  const scope = callerScope(request);
  if (code !== undefined) {
    const region = await repos.regions.find(code, scope);
    if (!region) throw notFound(`region ${code}`);
    return region;
  }
  if (scope !== null) {
    // A scope that is no longer a current region or grid (a grid retired by a
    // publish that did not carry this login along) reads nothing: never the city.
    const root = await repos.regions.scopeRoot(scope);
    if (!root)
      throw new HttpError(
        403,
        'scope_unavailable',
        `your scope ${scope} is no longer a current region or grid; ask the commander to update your account`,
        `您的管辖范围 ${scope} 已不是现行的区域或网格，请联系指挥长更新账号`,
      );
    return root;
  }
  const root = await repos.regions.city();
  if (!root) throw new HttpError(503, 'no_city', 'no city has been loaded yet; seed the demo city or import districts');
  return root;
}

export function callerScope(request: FastifyRequest): string | null {
  return request.principal?.scope ?? null;
}

/** Roots kept per memo; past this the oldest goes (keys are callers' scopes × region parameters × revisions). */
const ROOTS_KEPT = 256;

/**
 * scopedRoot for routes that read the geometry revision anyway (the tiles):
 * a root is made of region and grid rows, and every change to those moves
 * the revision (migrations/010), so a root found at one revision holds for
 * every request at that revision, by the same scope and `region`. A vector
 * tile from the cache then costs one statement (the revision), not two.
 * Refusals (404, 403, 503) are not kept: each request finds them again.
 */
export function createRootsByRevision(): (revision: string, request: FastifyRequest, code: string | undefined) => Promise<ScopeRoot> {
  const roots = new Map<string, Promise<ScopeRoot>>();
  return (revision, request, code) => {
    const key = `${revision} ${callerScope(request) ?? '*'} ${code ?? ''}`;
    const kept = roots.get(key);
    if (kept) return kept;
    const found = scopedRoot(request, code);
    roots.set(key, found);
    if (roots.size > ROOTS_KEPT) roots.delete(roots.keys().next().value!);
    found.catch(() => roots.delete(key));
    return found;
  };
}

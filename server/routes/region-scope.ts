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

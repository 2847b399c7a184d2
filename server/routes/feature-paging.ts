import type { FastifyRequest } from 'fastify';

/**
 * Paging of GeoJSON lists the way OGC API – Features clients (GDAL/ogr2ogr,
 * QGIS) follow it: every page says how many features matched and how many it
 * holds, and `links` carry the page itself and, unless it is the last, the
 * next one as a full URL (`rel: "next"`). A limit above the maximum is taken
 * as the maximum, not refused (OGC API – Features, /req/core/fc-limit-response-1).
 */
export interface PageLink {
  rel: 'self' | 'next';
  type: 'application/geo+json';
  href: string;
}

/** Query parameters never written into a link: a secret must not come back in an answer. */
const SECRET_PARAMS = new Set(['access_token', 'token']);

export function pageLinks(request: FastifyRequest, nextCursor: string | undefined): PageLink[] {
  const [path, query = ''] = request.url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  for (const name of [...params.keys()]) if (SECRET_PARAMS.has(name.toLowerCase())) params.delete(name);
  const href = (p: URLSearchParams) => `${request.protocol}://${request.host}${path}${p.size ? `?${p}` : ''}`;
  const links: PageLink[] = [{ rel: 'self', type: 'application/geo+json', href: href(params) }];
  if (nextCursor) {
    const next = new URLSearchParams(params);
    next.set('cursor', nextCursor);
    links.push({ rel: 'next', type: 'application/geo+json', href: href(next) });
  }
  return links;
}

/** The members a page adds after `features`, as JSON text to splice into the collection. */
export function pageMembers(request: FastifyRequest, page: { matched: number; returned: number; nextCursor?: string }): string {
  const next = page.nextCursor ? `,"next_cursor":${JSON.stringify(page.nextCursor)}` : '';
  return `,"numberMatched":${page.matched},"numberReturned":${page.returned},"links":${JSON.stringify(pageLinks(request, page.nextCursor))}${next}`;
}

/** Limits: the default, and the most one page holds (larger asks get this many). */
export function pageLimit(asked: number | undefined, limits: { default: number; max: number }): number {
  return Math.min(asked ?? limits.default, limits.max);
}

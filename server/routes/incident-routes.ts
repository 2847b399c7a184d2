import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { badRequest } from '../http-errors.js';
import { INCIDENT_STATUSES, URGENCIES } from '../contract/vocabulary.js';
import { BboxParam, errorResponses, RegionCode, ReportedFrom, ReportedTo } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { IncidentPage } from '../contract/incident-geojson-schemas.js';
import { parseBbox, parseList, parseTimeRange } from './query-parsers.js';
import { scopedRegion } from './region-scope.js';
import { pageLimit, pageMembers } from './feature-paging.js';
import { visibilityOf } from '../services/actor.js';

export const INCIDENT_LIMIT = { default: 500, max: 5000 };

/**
 * Cursors are opaque to clients: base64url of "reported_at|id|matched", the
 * last row of the page before and the first page's numberMatched (counted
 * once per walk through the list, not on every page).
 */
export function encodeCursor(c: { reportedAt: Date; id: number; matched: number }): string {
  return Buffer.from(`${c.reportedAt.toISOString()}|${c.id}|${c.matched}`).toString('base64url');
}

export function decodeCursor(raw: string | undefined): { reportedAt: Date; id: number; matched?: number } | undefined {
  if (raw === undefined) return undefined;
  const [time, id, matched] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const reportedAt = new Date(time ?? '');
  const whole = (s: string | undefined) => s !== undefined && /^\d{1,15}$/.test(s);
  if (!whole(id) || (matched !== undefined && !whole(matched)) || Number.isNaN(reportedAt.getTime()))
    throw badRequest('cursor', 'not a cursor returned by this API', '不是本接口返回的游标');
  return { reportedAt, id: Number(id), matched: matched === undefined ? undefined : Number(matched) };
}

const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/incidents',
    {
      schema: {
        operationId: 'listIncidents',
        produces: ['application/geo+json'],
        tags: ['incidents'],
        summary: 'Incidents as GeoJSON points, newest first, one page at a time',
        description:
          'Paged like OGC API – Features: `numberMatched`, `numberReturned`, and `links` with `rel: "next"` (a full URL) ' +
          `until the last page; \`next_cursor\` is the same cursor on its own. A limit above ${INCIDENT_LIMIT.max} is taken as ${INCIDENT_LIMIT.max}.`,
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            bbox: Type.Optional(BboxParam),
            from: ReportedFrom,
            to: ReportedTo,
            category: Type.Optional(Type.String({ description: 'category codes, comma-separated' })),
            urgency: Type.Optional(Type.String({ description: 'red, yellow, blue; comma-separated' })),
            status: Type.Optional(Type.String({ description: `${INCIDENT_STATUSES.join(', ')}; comma-separated` })),
            limit: Type.Optional(
              Type.Integer({ minimum: 1, default: INCIDENT_LIMIT.default, description: `features per page, at most ${INCIDENT_LIMIT.max}` }),
            ),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            q: Type.Optional(
              Type.String({ maxLength: 100, description: 'search: part of the code, description or grid code, or of a district/street/community/grid name' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: sentAsText(IncidentPage), ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const bbox = parseBbox(q.bbox);
      const { from, to } = parseTimeRange(q.from, q.to);
      const categories = parseList(q.category, 'category', await app.repos.incidents.categoryCodes());
      const urgencies = parseList(q.urgency, 'urgency', URGENCIES);
      const statuses = parseList(q.status, 'status', INCIDENT_STATUSES);
      const after = decodeCursor(q.cursor);
      const region = await scopedRegion(request, q.region);
      const filters = { region, bbox, from, to, categories, urgencies, statuses, unit: visibilityOf(request.principal).unit, search: q.q };
      const [page, matched] = await Promise.all([
        app.repos.incidents.page({ ...filters, after, limit: pageLimit(q.limit, INCIDENT_LIMIT) }),
        after?.matched ?? app.repos.incidents.count(filters),
      ]);
      const nextCursor = page.next ? encodeCursor({ ...page.next, matched }) : undefined;
      // Features arrive from PostGIS as JSON text; joining them avoids a parse/serialise round trip.
      const body = `{"type":"FeatureCollection","features":[${page.features.join(',')}]${pageMembers(request, { matched, returned: page.features.length, nextCursor })}}`;
      return reply.type('application/geo+json').send(body);
    },
  );
};

export default incidentRoutes;

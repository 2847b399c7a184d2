import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { badRequest } from '../http-errors.js';
import { STATUSES, URGENCIES } from '../repositories/incident-repository.js';
import { BboxParam, errorResponses, FeatureCollectionSchema, RegionCode } from '../schemas/common-schemas.js';
import { parseBbox, parseList, parseTimeRange } from '../schemas/query-parsers.js';
import { scopedRegion } from './region-scope.js';
import { visibilityOf } from '../workflow/incident-service.js';

export const INCIDENT_LIMIT = { default: 500, max: 5000 };

/** Cursors are opaque to clients: base64url of "reported_at|id". */
export function encodeCursor(c: { reportedAt: Date; id: number }): string {
  return Buffer.from(`${c.reportedAt.toISOString()}|${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string | undefined): { reportedAt: Date; id: number } | undefined {
  if (raw === undefined) return undefined;
  const [time, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const reportedAt = new Date(time ?? '');
  if (!id || !/^\d+$/.test(id) || Number.isNaN(reportedAt.getTime())) throw badRequest('cursor', 'not a cursor returned by this API', '不是本接口返回的游标');
  return { reportedAt, id: Number(id) };
}

const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/incidents', {
    schema: {
      tags: ['incidents'],
      summary: 'Incidents as GeoJSON points, newest first, one page at a time',
      description: 'Follow `next_cursor` (pass it as `cursor`) for the next page; it is absent on the last page.',
      querystring: Type.Object({
        region: Type.Optional(RegionCode),
        bbox: Type.Optional(BboxParam),
        from: Type.Optional(Type.String({ description: 'reported at or after (ISO 8601)' })),
        to: Type.Optional(Type.String({ description: 'reported before (ISO 8601)' })),
        category: Type.Optional(Type.String({ description: 'category codes, comma-separated' })),
        urgency: Type.Optional(Type.String({ description: 'red, yellow, blue; comma-separated' })),
        status: Type.Optional(Type.String({ description: `${STATUSES.join(', ')}; comma-separated` })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: INCIDENT_LIMIT.max, default: INCIDENT_LIMIT.default })),
        cursor: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 200: FeatureCollectionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const q = request.query;
    const bbox = parseBbox(q.bbox);
    const { from, to } = parseTimeRange(q.from, q.to);
    const categories = parseList(q.category, 'category', await app.repos.incidents.categoryCodes());
    const urgencies = parseList(q.urgency, 'urgency', URGENCIES);
    const statuses = parseList(q.status, 'status', STATUSES);
    const after = decodeCursor(q.cursor);
    const region = await scopedRegion(request, q.region);
    const page = await app.repos.incidents.page({ region, bbox, from, to, categories, urgencies, statuses, after, limit: q.limit ?? INCIDENT_LIMIT.default, unit: visibilityOf(request.principal).unit });
    const next = page.next ? `,"next_cursor":${JSON.stringify(encodeCursor(page.next))}` : '';
    // Features arrive from PostGIS as JSON text; joining them avoids a parse/serialise round trip.
    const body = `{"type":"FeatureCollection","features":[${page.features.join(',')}],"numberReturned":${page.features.length}${next}}`;
    return reply.type('application/geo+json').send(body);
  });
};

export default incidentRoutes;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, TimeInput } from '../contract/common-schemas.js';
import { AuditPageSchema } from '../contract/identity-schemas.js';
import { parseTimeRange } from './query-parsers.js';

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      schema: {
        operationId: 'listAuditEntries',
        tags: ['identity'],
        summary: 'The append-only audit log, newest first; follow next_before for older entries',
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. user:commander, token:3' })),
            target_type: Type.Optional(Type.String({ maxLength: 40 })),
            target_id: Type.Optional(Type.String({ maxLength: 100 })),
            action: Type.Optional(Type.String({ maxLength: 60, description: 'action or prefix, e.g. incident. or user.create' })),
            from: TimeInput('recorded at or after'),
            to: TimeInput('recorded before'),
            before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'entries with a smaller id (a bigint)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AuditPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const { from, to } = parseTimeRange(q.from, q.to);
      const limit = q.limit ?? 100;
      const entries = await app.repos.audit.page({
        actor: q.actor,
        targetType: q.target_type,
        targetId: q.target_id,
        action: q.action,
        from,
        to,
        beforeId: q.before,
        limit,
      });
      return { entries, next_before: entries.length === limit ? Number(entries[entries.length - 1]!.id) : null };
    },
  );
};

export default auditRoutes;

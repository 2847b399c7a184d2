import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { OutlineCollection } from '../contract/geojson-schemas.js';
import { communityCodeOf } from '../contract/vocabulary.js';
import { sendCacheable } from './http-cache.js';
import { callerScope } from './region-scope.js';
import { MyTasksSchema, NearbyQuery, NearbyReportsSchema, PositionBody, PositionsQuery, WorkerPositionsSchema } from '../contract/field-schemas.js';
import { myTasks } from '../services/field-task-service.js';
import { nearbyReports } from '../services/incident-report-service.js';
import { sharePosition, stopSharingPosition, workerPositions } from '../services/worker-position-service.js';
import { requestActor, serviceDeps } from './request-actor.js';

/** Degrees: ~10 m, a community's grids drawn on a phone. */
const GRID_OUTLINE_SIMPLIFY = 0.0001;

/**
 * What the field app (/m) needs besides reporting and the workflow: reports
 * nearby before a new one, the worker's opt-in position and who may see it,
 * the phone's task list, and the grids around a worker's own.
 */
const fieldRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/incidents/nearby',
    {
      schema: {
        operationId: 'getNearbyReports',
        tags: ['field'],
        summary: 'Before reporting: incidents of the same category within 50 m reported in the last 24 hours, that the caller may see',
        querystring: NearbyQuery,
        response: { 200: NearbyReportsSchema, ...errorResponses },
      },
    },
    async (request) => nearbyReports(serviceDeps(request), requestActor(request), request.query),
  );

  app.put(
    '/api/me/position',
    {
      schema: {
        operationId: 'shareMyPosition',
        tags: ['field'],
        summary: "A grid worker's current position, shared while they opt in (only the last is kept; deleted after the retention)",
        body: PositionBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await sharePosition(serviceDeps(request), requestActor(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/me/position',
    {
      schema: {
        operationId: 'stopSharingMyPosition',
        tags: ['field'],
        summary: "Stop sharing: the worker's position is deleted",
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await stopSharingPosition(serviceDeps(request), requestActor(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/workers/positions',
    {
      schema: {
        operationId: 'getWorkerPositions',
        tags: ['field'],
        summary: "The last shared positions of a grid's workers (?grid=CODE, or ?incident=CODE for its grid), with their age; each one shown is audited",
        querystring: PositionsQuery,
        response: { 200: WorkerPositionsSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Where people are is not for caches.
      reply.header('cache-control', 'no-store');
      return workerPositions(serviceDeps(request), requestActor(request), request.query, app.positionRetentionDays);
    },
  );

  app.get(
    '/api/me/tasks',
    {
      schema: {
        operationId: 'getMyTasks',
        tags: ['field'],
        summary: "The phone's task list: a grid worker's open incidents (checks waiting first), a handler's unit queue (overdue first)",
        response: { 200: MyTasksSchema, ...errorResponses },
      },
    },
    async (request) => myTasks(serviceDeps(request), requestActor(request)),
  );

  // The one read outside a grid worker's scope (their grid): the outlines and names of their community's grids, no
  // figures, as the community's own grid map on its notice board has them. Their phone's map draws them around theirs.
  app.get(
    '/api/me/community',
    {
      schema: {
        operationId: 'getMyCommunity',
        produces: ['application/geo+json'],
        tags: ['field'],
        summary: "A grid worker's community: its outline and its grids' with names and label points, no figures (GeoJSON)",
        response: { 200: sentAsText(OutlineCollection), 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      // A grid worker's scope is always one grid (grant-rules.ts): its first 12 digits are its community.
      const community = communityCodeOf(callerScope(request)!);
      const body = await app.readRepos.map.outlinesText({ region: community, levels: ['community', 'grid'], simplify: GRID_OUTLINE_SIMPLIFY });
      return sendCacheable(request, reply, body, 'application/geo+json', 3600);
    },
  );
};

export default fieldRoutes;

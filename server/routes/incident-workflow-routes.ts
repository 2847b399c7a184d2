import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { badRequest, HttpError, notFound } from '../http-errors.js';
import { BigintId, ErrorSchema, errorResponses } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { GridWorkerContactsSchema, IncidentDetailFeature, NearbyIncidentsSchema, ReportedIncidentSchema } from '../contract/incident-geojson-schemas.js';
import { RefusedStepSchema } from '../contract/acted-first.js';
import { ACTIONS, STATUSES } from '../contract/incident-workflow.js';
import { applyTransition } from '../services/incident-workflow-service.js';
import { visibilityOf } from '../services/actor.js';
import { addPhoto, checkPhotoUpload, openPhoto } from '../services/incident-photo-service.js';
import { possibleDuplicates, reportIncident } from '../services/incident-report-service.js';
import { incidentContacts, recordContact } from '../services/incident-contact-service.js';
import { IMAGE_KINDS } from '../photos/image-sniffing.js';
import { requestActor, serviceDeps } from './request-actor.js';
import { CrsSchema, REPLAYED_HEADER } from '../contract/field-schemas.js';
import { IdempotencyHeaders, idempotencyKeyOf, sendAnswer } from './idempotency-header.js';

const IncidentCode = Type.String({
  pattern: '^SJ[0-9]{15}$',
  description:
    'incident code: SJ, the China date of the report (YYYYMMDD), a 7-digit serial (from 9000000 for reports made through the API), e.g. SJ202606159000123',
});
const Urgency = Type.Union([Type.Literal('red'), Type.Literal('yellow'), Type.Literal('blue')]);
const UnitCode = Type.String({ pattern: '^[a-z0-9_.-]{2,60}$' });
const conflictResponses = { 403: ErrorSchema, 409: RefusedStepSchema, 422: ErrorSchema };

const IMAGE_MIME_TYPES = IMAGE_KINDS.map((k) => k.mime);
/** Raw image bytes, for the API description (Fastify neither validates nor serialises them). */
const ImageBytes = (description: string) => Type.Unsafe<unknown>({ type: 'string', format: 'binary', description });

/** Reporting, reading one incident with its record, workflow transitions, and photos. */
const incidentWorkflowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const detail = async (code: string, request: FastifyRequest) => {
    const body = await app.repos.workflow.detailText(code, visibilityOf(request.principal), new Date());
    if (!body) throw notFound(`incident ${code}`);
    return body;
  };

  app.post(
    '/api/incidents',
    {
      schema: {
        operationId: 'reportIncident',
        tags: ['incidents'],
        summary: 'Report an incident (信息采集); answers with the incident and possible duplicates nearby',
        description:
          "With an Idempotency-Key header a repeat of the request (a retry from the phone's outbox) answers with the first answer and files nothing; `crs` says the coordinate system of `location` (default wgs84), converted to WGS84 on arrival.",
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            category: Type.String({ maxLength: 40 }),
            urgency: Type.Optional(Urgency),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
            location: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude] in `crs` (default WGS84)' }),
            crs: Type.Optional(CrsSchema),
          },
          { additionalProperties: false },
        ),
        response: { 201: sentAsText(ReportedIncidentSchema), ...errorResponses, ...conflictResponses },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request);
      return sendAnswer(reply, await reportIncident(serviceDeps(request), requestActor(request), request.body, key));
    },
  );

  app.get(
    '/api/incidents/:code',
    {
      schema: {
        operationId: 'getIncident',
        produces: ['application/geo+json'],
        tags: ['incidents'],
        summary: 'One incident with its history, units, photos and mediations (GeoJSON Feature)',
        params: Type.Object({ code: IncidentCode }),
        response: { 200: sentAsText(IncidentDetailFeature), ...errorResponses },
      },
    },
    async (request, reply) => reply.type('application/geo+json').send(await detail(request.params.code, request)),
  );

  app.get(
    '/api/incidents/:code/nearby',
    {
      schema: {
        operationId: 'getIncidentNearby',
        tags: ['incidents'],
        summary: 'Possible duplicates of an incident: the same category within 50 m, reported in the 24 hours before it (scoped)',
        params: Type.Object({ code: IncidentCode }),
        response: { 200: NearbyIncidentsSchema, ...errorResponses },
      },
    },
    async (request) => possibleDuplicates(serviceDeps(request), requestActor(request), request.params.code),
  );

  app.get(
    '/api/incidents/:code/contacts',
    {
      schema: {
        operationId: 'getIncidentContacts',
        tags: ['incidents'],
        summary: "The workers of the incident's grid with their phone numbers in clear; each number shown is audited",
        params: Type.Object({ code: IncidentCode }),
        response: {
          200: GridWorkerContactsSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => ({ workers: await incidentContacts(serviceDeps(request), requestActor(request), request.params.code) }),
  );

  app.post(
    '/api/incidents/:code/contacts/:worker',
    {
      schema: {
        operationId: 'recordIncidentContact',
        tags: ['incidents'],
        summary: 'Note in the incident\'s history that one of its grid\'s workers was called ("contacted"); the status stays',
        params: Type.Object({ code: IncidentCode, worker: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), ...errorResponses, ...conflictResponses },
      },
    },
    async (request, reply) => {
      await recordContact(serviceDeps(request), requestActor(request), { code: request.params.code, worker: request.params.worker });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/incidents/:code/transitions',
    {
      schema: {
        operationId: 'transitionIncident',
        produces: ['application/geo+json'],
        tags: ['incidents'],
        summary:
          'Move an incident through the workflow: file, reject, mark_duplicate, dispatch, start, resolve, verify_fail, close, reopen, mediate, urge, check',
        description: `Statuses: ${STATUSES.join(', ')}. The allowed transitions and roles are in server/workflow/incident-workflow.ts; a role that may not take the action gets 403, an action illegal from the current status 409.`,
        params: Type.Object({ code: IncidentCode }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            action: Type.Unsafe<(typeof ACTIONS)[number]>({ type: 'string', enum: ACTIONS }),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
            units: Type.Optional(Type.Array(UnitCode, { maxItems: 10, description: 'dispatch: the units to send it to' })),
            duplicate_of: Type.Optional(IncidentCode),
            outcome: Type.Optional(Type.Union([Type.Literal('succeeded'), Type.Literal('failed')], { description: 'mediate: how the attempt ended' })),
            verdict: Type.Optional(
              Type.Union([Type.Literal('fixed'), Type.Literal('not_fixed')], { description: "check: the grid worker's verdict on site (核查)" }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: sentAsText(IncidentDetailFeature), ...errorResponses, ...conflictResponses },
      },
    },
    async (request, reply) => {
      const { replayed } = await applyTransition(
        serviceDeps(request),
        requestActor(request),
        { ...request.body, code: request.params.code },
        idempotencyKeyOf(request),
      );
      if (replayed) reply.header(REPLAYED_HEADER, 'true');
      return reply.type('application/geo+json').send(await detail(request.params.code, request));
    },
  );

  app.post(
    '/api/incidents/:code/photos',
    {
      schema: {
        operationId: 'uploadIncidentPhoto',
        tags: ['incidents'],
        summary:
          'Upload a photo (multipart/form-data, one file): kind=before at report time (or added to a nearby report), kind=after at resolution, kind=check at the on-site check',
        params: Type.Object({ code: IncidentCode }),
        headers: IdempotencyHeaders,
        multipartBody: Type.Object({ file: ImageBytes(`the image: ${IMAGE_MIME_TYPES.join(', ')}`) }),
        querystring: Type.Object({ kind: Type.Union([Type.Literal('before'), Type.Literal('after'), Type.Literal('check')]) }, { additionalProperties: false }),
        response: {
          201: sentAsText(
            Type.Object({ id: Type.Integer(), kind: Type.String(), sha256: Type.String(), mime: Type.String(), bytes: Type.Integer(), url: Type.String() }),
          ),
          413: ErrorSchema,
          415: ErrorSchema,
          ...errorResponses,
          ...conflictResponses,
        },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { kind } = request.query;
      const key = idempotencyKeyOf(request);
      const deps = serviceDeps(request);
      const actor = requestActor(request);
      // Role and visibility first, before any bytes are accepted.
      await checkPhotoUpload(deps, actor, { code, kind });
      if (!request.isMultipart()) throw new HttpError(415, 'unsupported_media_type', 'send the photo as multipart/form-data');
      const file = await request.file();
      if (!file) throw badRequest('file', 'no file in the upload', '上传内容中没有文件');
      return sendAnswer(reply, await addPhoto(deps, actor, { code, kind, file: file.file }, key));
    },
  );

  app.get(
    '/api/incidents/:code/photos/:id',
    {
      schema: {
        operationId: 'getIncidentPhoto',
        produces: IMAGE_MIME_TYPES,
        tags: ['incidents'],
        summary: 'A photo of an incident, with its image content type',
        params: Type.Object({ code: IncidentCode, id: BigintId }),
        response: { 200: ImageBytes('the image, in the content type it was stored as'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const photo = await openPhoto(serviceDeps(request), requestActor(request), request.params);
      if (!photo) throw notFound(`photo ${request.params.id} of incident ${request.params.code}`);
      // Content-addressed: the bytes behind this URL never change.
      return reply.type(photo.mime).header('content-length', photo.bytes).header('cache-control', 'private, max-age=86400').send(photo.stream);
    },
  );
};

export default incidentWorkflowRoutes;

import type { FastifyRequest } from 'fastify';
import type { Actor } from '../services/actor.js';
import type { ServiceDeps } from '../services/service-deps.js';

/** The actor a service call is made for: the request's principal and address. */
export function requestActor(request: FastifyRequest): Actor {
  return { principal: request.principal, clientIp: request.ip };
}

/** The services' dependencies, from the app the request came to (its log is the request's, so lines carry the request id). */
export function serviceDeps(request: FastifyRequest): ServiceDeps {
  const app = request.server;
  return { db: app.db, repos: app.repos, clock: () => new Date(), calendar: app.calendar, photos: app.photos, log: request.log };
}

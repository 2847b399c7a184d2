import type { Static } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { CallerUnitSchema } from '../contract/common-schemas.js';
import { visibilityOf } from '../services/actor.js';

/**
 * The unit whose incidents the caller's figures count (a department handler's), with its names, so that an answer,
 * and the page showing it, can say so; null for everyone else.
 */
export async function callerUnit(request: FastifyRequest): Promise<Static<typeof CallerUnitSchema>> {
  const { unit } = visibilityOf(request.principal);
  if (!unit) return null;
  return (await request.server.readRepos.units.name(unit)) ?? { code: unit, name: unit, name_en: null };
}

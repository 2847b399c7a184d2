import type { FastifyInstance } from 'fastify';
import { HttpError, notFound } from '../http-errors.js';
import { regionFilter, type RegionRow } from '../repositories/region-repository.js';

/**
 * Turns a `region` parameter into the SQL filter value: null for the city (or
 * no parameter), the code for a district, street or community. An unknown
 * code is a 404, not an empty answer, so a typo is never mistaken for "no data".
 */
export async function resolveRegion(app: FastifyInstance, code: string | undefined): Promise<string | null> {
  return regionFilter(await findRegion(app, code));
}

export async function findRegion(app: FastifyInstance, code: string | undefined): Promise<RegionRow | null> {
  if (code === undefined) return null;
  const region = await app.repos.regions.find(code);
  if (!region) throw notFound(`region ${code}`);
  return region;
}

/** The root of the hierarchy; 503 until a city has been loaded or seeded. */
export async function findCity(app: FastifyInstance): Promise<RegionRow> {
  const region = await app.repos.regions.city();
  if (!region) throw new HttpError(503, 'no_city', 'no city has been loaded yet; seed the demo city or import districts');
  return region;
}

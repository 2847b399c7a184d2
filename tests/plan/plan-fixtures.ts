import type { InjectOptions } from 'light-my-request';
import { createSeededApp, json, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { createUser, login, type Session } from '../helpers/identity.js';
import type { PlanRules } from '../../server/contract/grid-plan-reasons.js';

/** Wide household bounds, so edit tests are about geometry; the bounds have their own test. */
export const LOOSE_RULES: PlanRules = { urban: { min: 1, max: 100_000 }, rural: { min: null, max: null } };

export interface PlanContext extends SeededApp {
  planner: Session;
  /** A community with at least three grids, and two of them sharing an edge. */
  community: string;
  call<T = any>(method: InjectOptions['method'], url: string, payload?: unknown, session?: Session): Promise<{ status: number; body: T }>;
}

/** A seeded small city, a city-wide planner signed in, and a community to edit. */
export async function createPlanContext(rules: PlanRules = LOOSE_RULES): Promise<PlanContext> {
  const ctx = await createSeededApp(SMALL_CITY, { auth: { anonymousRead: false }, planRules: rules });
  await createUser(ctx.db, { username: 'planner-city', role: 'planner' });
  const planner = await login(ctx.app, 'planner-city');
  const [c] = await ctx.db.query<{ community: string }>(
    `SELECT a.community_code AS community FROM grid a JOIN grid b ON a.community_code = b.community_code AND a.code < b.code
       AND ST_Length(ST_Intersection(ST_Boundary(a.boundary), ST_Boundary(b.boundary))::geography) > 50
      WHERE (SELECT count(*) FROM grid g WHERE g.community_code = a.community_code) BETWEEN 3 AND 6
      ORDER BY a.community_code LIMIT 1`,
  );
  return {
    ...ctx,
    planner,
    community: c!.community,
    async call(method, url, payload, session = planner) {
      const res = await ctx.app.inject({ method, url, payload: payload as InjectOptions['payload'], headers: method === 'GET' ? session.read : session.write });
      return { status: res.statusCode, body: res.body ? json(res) : (undefined as never) };
    },
  };
}

/** The one row a query returns (fails the test when there is none). */
export function one<T>(rows: T[]): T {
  if (!rows[0]) throw new Error('expected a row, got none');
  return rows[0];
}

/** Keys, codes and geometry of a plan's current grids. */
export async function planFeatures(ctx: PlanContext, planId: number) {
  const { body } = await ctx.call('GET', `/api/plans/${planId}`);
  return body.features.features as {
    id: number;
    geometry: any;
    properties: { key: number; code: string | null; households: number; population: number; incidents: number; workers: number };
  }[];
}

/** A straight line through a grid's interior, across its whole width at the latitude of its inner point. */
export async function lineAcross(ctx: PlanContext, planId: number, key: number): Promise<{ type: 'LineString'; coordinates: [number, number][] }> {
  const [r] = await ctx.db.query<{ x0: number; x1: number; y: number }>(
    `SELECT ST_XMin(boundary) - 0.01 AS x0, ST_XMax(boundary) + 0.01 AS x1, ST_Y(ST_PointOnSurface(boundary)) AS y
       FROM grid_plan_feature f JOIN grid_plan p ON p.id = f.plan_id AND f.revision = p.revision WHERE p.id = $1 AND f.key = $2`,
    [planId, key],
  );
  return {
    type: 'LineString',
    coordinates: [
      [r!.x0, r!.y],
      [r!.x1, r!.y],
    ],
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { badRequest, notFound } from '../http-errors.js';
import type { ScopeLevel } from '../repositories/region-repository.js';
import { CHILD_CODE_LENGTH } from '../contract/vocabulary.js';
import { addCounts, kpis, ZERO_COUNTS, type Counts } from '../repositories/stats-repository.js';
import { errorResponses, GridCode } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { ExploreShapeCollection } from '../contract/geojson-schemas.js';
import { callerUnit } from './caller-unit.js';
import {
  ExploreChildrenResponse,
  ExploreFilterQuery,
  ExploreGridResponse,
  ExploreSearchResponse,
  ExploreSeriesResponse,
  PlaceCode,
  SEARCH_LIMIT,
  SeriesInterval,
} from '../contract/explore-schemas.js';
import { Simplify } from '../contract/geo-schemas.js';
import { sendCacheable } from './http-cache.js';
import { parseFilters, placeFilter, resolvePlace } from './explore-place.js';
import { callerScope } from './region-scope.js';

/** Longest series: two years by day, ten by week; more buckets than pixels help no one. */
const MAX_BUCKETS = { day: 731, week: 522 } as const;
const DAY_MS = 86_400_000;
const DEFAULT_SERIES_DAYS = 30;
/** Default tolerance per level of the shapes shown: ~50 m for districts down to ~5 m for grids, below a pixel at the zoom each is seen. */
const SHAPE_SIMPLIFY: Record<ScopeLevel, number> = { city: 0.0005, district: 0.0002, street: 0.0001, community: 0.00005, grid: 0.00005 };
export const RECENT_LIMIT = { default: 10, max: 100 };

const perThousand = (reported: number, population: number) => (population > 0 ? Math.round((reported / population) * 100_000) / 100 : null);
const figures = (c: Counts, population: number) => ({ population, ...kpis(c), per_1k: perThousand(c.reported, population) });
const iso = (d: Date | undefined) => d?.toISOString() ?? null;

const exploreRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/explore/children',
    {
      schema: {
        operationId: 'exploreChildren',
        tags: ['explore'],
        summary: 'Figures of a place and of each of its children (regions one level down, grids of a community), with the category breakdown',
        description:
          "Over incidents reported in [from, to) that pass the filters, inside the caller's scope. " +
          "Cost: the whole China days of the window are read from the daily rollup (migrations/020: for the whole city its districts' rows, " +
          "so it grows with the days shown, not with the incidents reported in them; below the city, the rows of the place's grids), and only " +
          'the partial days at its two edges from the incidents themselves (an index range scan on reported_at). ' +
          "A handler's unit scope reads the window's incidents themselves (the rollup has no units). " +
          "Open and red open are the rollup's rows of open statuses (migrations/024), overdue only the overdue incidents (partial index incident_due_now_idx).",
        querystring: Type.Object(ExploreFilterQuery, { additionalProperties: false }),
        response: { 200: ExploreChildrenResponse, ...errorResponses },
      },
    },
    async (request) => {
      const filters = await parseFilters(request, request.query);
      const { place, ancestors } = await resolvePlace(request, request.query.region);
      const f = { ...filters, place: placeFilter(place) };
      const [byChild, kids, categories, unit] = await Promise.all([
        app.readRepos.explore.countsByChild({ ...f, childLength: CHILD_CODE_LENGTH[place.level] }),
        app.readRepos.explore.children(place),
        app.readRepos.explore.categories(f),
        callerUnit(request),
      ]);
      return {
        place,
        ancestors,
        unit,
        from: iso(filters.from),
        to: iso(filters.to),
        totals: figures([...byChild.values()].reduce(addCounts, ZERO_COUNTS), place.population),
        children: kids.map((k) => ({ code: k.code, name: k.name, name_en: k.name_en, ...figures(byChild.get(k.code) ?? ZERO_COUNTS, k.population) })),
        categories,
      };
    },
  );

  app.get(
    '/api/explore/series',
    {
      schema: {
        operationId: 'exploreSeries',
        tags: ['explore'],
        summary: 'Incidents reported per day or week (China time) of a place, and how many of them are closed now',
        description:
          `Without from/to: the ${DEFAULT_SERIES_DAYS} days up to now. Every bucket of [from, to) is listed, empty ones as zeros; at most ${MAX_BUCKETS.day} days or ${MAX_BUCKETS.week} weeks. ` +
          'Cost: the same reads as /api/explore/children (daily rollup for whole days, incidents for the partial days at the edges).',
        querystring: Type.Object(
          {
            ...ExploreFilterQuery,
            interval: Type.Optional(SeriesInterval),
          },
          { additionalProperties: false },
        ),
        response: { 200: ExploreSeriesResponse, ...errorResponses },
      },
    },
    async (request) => {
      const interval = request.query.interval ?? 'day';
      const filters = await parseFilters(request, request.query);
      // Without a window: the 30 days up to now (a series needs both ends).
      const to = filters.to ?? new Date();
      const from = filters.from ?? new Date(to.getTime() - DEFAULT_SERIES_DAYS * DAY_MS);
      if (from >= to) throw badRequest('from', 'must be before to', '必须早于 to');
      const buckets = Math.ceil((to.getTime() - from.getTime()) / DAY_MS / (interval === 'week' ? 7 : 1));
      if (buckets > MAX_BUCKETS[interval])
        throw badRequest(
          'to',
          `at most ${MAX_BUCKETS[interval]} ${interval}s from \`from\`; use interval=week or a shorter window`,
          `距 from 最多 ${MAX_BUCKETS[interval]} 个 ${interval}；请改用 interval=week 或缩短时间范围`,
        );
      const { place } = await resolvePlace(request, request.query.region);
      const rows = await app.readRepos.explore.series({ ...filters, from, to, place: placeFilter(place), interval });
      return { place, interval, from: from.toISOString(), to: to.toISOString(), buckets: rows };
    },
  );

  app.get(
    '/api/explore/shapes',
    {
      schema: {
        operationId: 'exploreShapes',
        produces: ['application/geo+json'],
        tags: ['explore'],
        summary: "Polygons of a place's children (a grid: itself) with names, population, label point and bbox; cacheable (ETag)",
        querystring: Type.Object({ region: Type.Optional(PlaceCode), simplify: Simplify }, { additionalProperties: false }),
        response: { 200: sentAsText(ExploreShapeCollection), 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { place } = await resolvePlace(request, request.query.region);
      const body = await app.readRepos.explore.shapesText(place, request.query.simplify ?? SHAPE_SIMPLIFY[place.level]);
      return sendCacheable(request, reply, body, 'application/geo+json', 3600);
    },
  );

  app.get(
    '/api/explore/grids/:code',
    {
      schema: {
        operationId: 'exploreGrid',
        tags: ['explore'],
        summary: "One grid for the explorer's panel: households, population, workers (masked phones) and its newest incidents that pass the filters",
        params: Type.Object({ code: GridCode }),
        querystring: Type.Object(
          {
            from: ExploreFilterQuery.from,
            to: ExploreFilterQuery.to,
            category: ExploreFilterQuery.category,
            urgency: ExploreFilterQuery.urgency,
            status: ExploreFilterQuery.status,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: RECENT_LIMIT.max, default: RECENT_LIMIT.default })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ExploreGridResponse, ...errorResponses },
      },
    },
    async (request) => {
      const filters = await parseFilters(request, request.query);
      const grid = await app.readRepos.explore.grid(request.params.code, callerScope(request));
      if (!grid) throw notFound(`grid ${request.params.code}`);
      const recent = await app.readRepos.explore.recent({ ...filters, place: grid.code, limit: request.query.limit ?? RECENT_LIMIT.default });
      return { ...grid, recent };
    },
  );

  app.get(
    '/api/explore/search',
    {
      schema: {
        operationId: 'exploreSearch',
        tags: ['explore'],
        summary:
          "Districts, streets, communities and grids in the caller's scope whose name (Chinese or English) contains the text, or whose code starts with it",
        description: 'Exact names first, then names that start with the text, higher levels before lower. Cost: one pass over the region and grid names.',
        querystring: Type.Object(
          {
            q: Type.String({ minLength: 1, maxLength: 40, description: 'part of a name (李家冲, lijiachong) or the first digits of a code' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_LIMIT.max, default: SEARCH_LIMIT.default })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ExploreSearchResponse, ...errorResponses },
      },
    },
    async (request) => {
      const text = request.query.q.trim();
      if (!text) throw badRequest('q', 'must contain more than spaces', '不能只有空格');
      return { places: await app.readRepos.explore.search(text, callerScope(request), request.query.limit ?? SEARCH_LIMIT.default) };
    },
  );
};

export default exploreRoutes;

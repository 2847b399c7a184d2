import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, RegionCode, TimeInput } from '../contract/common-schemas.js';
import { notFound } from '../http-errors.js';
import type { EncodedTile } from '../repositories/tile-repository.js';
import { visibilityOf } from '../services/actor.js';
import { parseTileAddress } from '../tiles/tile-address.js';
import { TileCache } from '../tiles/tile-cache.js';
import { watchGeometryRevision } from '../tiles/geometry-revision-watch.js';
import { isTileLayerName, TILE_LAYER_NAMES, TILE_LAYERS, type TileLayerName } from '../tiles/tile-layers.js';
import { type BodyEncoding, chooseEncoding } from './encoded-body-cache.js';
import { clientHolds, encodingFor } from './http-cache.js';
import { parseTimeRange } from './query-parsers.js';
import { regionFilter } from '../repositories/region-repository.js';
import { createRootsByRevision, scopedRoot } from './region-scope.js';

export const DEFAULT_TILE_CACHE_BYTES = 64 * 1024 * 1024;
const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
/**
 * Every map read is scoped to the caller, so tiles are `private`: a shared
 * cache (CDN) must never hand one district's tiles to another. A minute
 * fresh, then served stale for ten while the browser revalidates (a 304 as
 * long as no boundary changed).
 */
const GEOMETRY_CACHE_CONTROL = 'private, max-age=60, stale-while-revalidate=600';
/** Incidents change by the second: revalidate every time (ETag of the bytes, 304 when unchanged). */
const INCIDENT_CACHE_CONTROL = 'private, no-cache';

const LayerName = Type.String({ description: `one of ${TILE_LAYER_NAMES.join(', ')}` });
const Coordinate = (what: string) => Type.String({ description: `${what} (whole number)` });
const TileBytes = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'a Mapbox Vector Tile 2.1' });

const TileJsonSchema = Type.Object(
  {
    tilejson: Type.Literal('3.0.0'),
    name: Type.String(),
    description: Type.String(),
    scheme: Type.Literal('xyz'),
    tiles: Type.Array(Type.String()),
    minzoom: Type.Integer(),
    maxzoom: Type.Integer(),
    bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
    vector_layers: Type.Array(
      Type.Object({
        id: Type.String(),
        description: Type.String(),
        minzoom: Type.Integer(),
        maxzoom: Type.Integer(),
        fields: Type.Record(Type.String(), Type.String()),
      }),
    ),
  },
  { description: 'TileJSON 3.0.0' },
);

/**
 * Vector tiles of grids, region outlines and incidents, for maps too large
 * for one GeoJSON answer. Each feature's id is its code as a number, and
 * `code` holds the same as text: join /api/map/grid-metrics by
 * `map.setFeatureState({source, sourceLayer: 'grids', id: Number(code)}, …)`,
 * or give the source `promoteId: 'code'` and use the text codes.
 */
const tileRoutes: FastifyPluginAsyncTypebox<{ cacheBytes?: number; revisionMaxAgeMs?: number }> = async (app, opts) => {
  const cache = new TileCache(opts.cacheBytes ?? DEFAULT_TILE_CACHE_BYTES);
  const rootAt = createRootsByRevision();
  const revisions = await watchGeometryRevision(
    app.db,
    app.readDb,
    () => app.readRepos.tiles.geometryRevision(),
    (err) => app.log.warn({ err }, 'listening for geometry revisions failed: every tile reads the revision'),
    opts.revisionMaxAgeMs,
  );
  app.addHook('onClose', revisions.stop);

  app.get(
    '/tiles/:layer.json',
    {
      schema: {
        operationId: 'getTileJson',
        tags: ['map'],
        summary: 'TileJSON 3.0.0 of a vector tile layer: tiles URL, zoom range, bounds of what the caller may read, fields',
        params: Type.Object({ layer: LayerName }),
        querystring: Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false }),
        response: { 200: TileJsonSchema, ...errorResponses },
      },
    },
    async (request) => {
      const name = knownLayer(request.params.layer);
      const layer = TILE_LAYERS[name];
      const root = await scopedRoot(request, request.query.region);
      const bounds = await app.readRepos.tiles.bounds(root.level === 'city' ? null : root.code);
      const query = request.query.region ? `?region=${encodeURIComponent(request.query.region)}` : '';
      return {
        tilejson: '3.0.0' as const,
        name,
        description: layer.description,
        scheme: 'xyz' as const,
        tiles: [`${request.protocol}://${request.host}/tiles/${name}/{z}/{x}/{y}.mvt${query}`],
        minzoom: layer.minzoom,
        maxzoom: layer.maxzoom,
        bounds,
        vector_layers: [{ id: name, description: layer.description, minzoom: layer.minzoom, maxzoom: layer.maxzoom, fields: { ...layer.fields } }],
      };
    },
  );

  app.get(
    '/tiles/:layer/:z/:x/:y.mvt',
    {
      schema: {
        operationId: 'getVectorTile',
        produces: [MVT_TYPE],
        tags: ['map'],
        summary: 'One vector tile (z/x/y, web mercator) of a layer, limited to what the caller may read; 204 when empty',
        description:
          'Layers: grids, districts, streets, communities (feature id = code as a number; `code` as text, for promoteId) and incidents ' +
          '(points from zoom 14, counted cells below; `from`/`to` narrow by report time). ETag and 304 on If-None-Match.',
        params: Type.Object({ layer: LayerName, z: Coordinate('zoom 0–22'), x: Coordinate('column'), y: Coordinate('row') }),
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            from: TimeInput('incidents only: reported at or after'),
            to: TimeInput('incidents only: reported before'),
          },
          { additionalProperties: false },
        ),
        response: { 200: TileBytes, 204: Type.Null(), 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { params, query } = request;
      const name = knownLayer(params.layer);
      const layer = TILE_LAYERS[name];
      const tile = parseTileAddress(params.z, params.x, params.y);
      const { from, to } = parseTimeRange(query.from, query.to);
      if (layer.kind === 'incidents') {
        const root = await scopedRoot(request, query.region);
        if (tile.z < layer.minzoom) return reply.header('Cache-Control', GEOMETRY_CACHE_CONTROL).status(204).send(null);
        const unit = visibilityOf(request.principal).unit;
        const built = await app.readRepos.tiles.incidents(tile, { region: regionFilter(root), unit, from, to });
        // Weak: @fastify/compress may send these bytes compressed under the same tag, and only a weak tag may stand for
        // both codings of one body (RFC 9110 § 8.8.1); If-None-Match compares weakly, so the 304 still works.
        const tag = `W/"${createHash('sha1').update(built.bytes).digest('base64url')}"`;
        return sendTile(request, reply, built, tag, INCIDENT_CACHE_CONTROL);
      }

      // Geometry layers: the tag follows from the revision alone, so a client holding the tile gets a 304 with no tile built.
      // The revision is known in memory until a publish notifies a newer one (geometry-revision-watch.ts); read, it comes
      // from the database the tiles come from (the replica, if any), so no tile is kept under a newer revision than its own.
      // The caller's root is kept by revision too, so a tile from the cache costs no statement.
      const revision = await revisions.watch.current();
      const root = await rootAt(revision, request, query.region);
      if (tile.z < layer.minzoom) return reply.header('Cache-Control', GEOMETRY_CACHE_CONTROL).status(204).send(null);
      const scope = layer.kind === 'grids' ? regionFilter(root) : root.level === 'city' ? null : root.code;
      const key = `${name} ${tile.z}/${tile.x}/${tile.y} ${scope ?? '*'}`;
      const tag = `g${revision}-${createHash('sha1').update(key).digest('base64url').slice(0, 16)}`;
      // Each content coding is its own representation with its own strong tag (RFC 9110 § 8.8.3): `"tag"` for the
      // bytes as built, `"tag.br"` / `"tag.gzip"` compressed. A client holding either for this revision gets a 304.
      const tagFor = (encoding: BodyEncoding | undefined) => (encoding ? `"${tag}.${encoding}"` : `"${tag}"`);
      const held = [tagFor(undefined), tagFor(chooseEncoding(request.headers['accept-encoding']))].find((t) =>
        clientHolds(request.headers['if-none-match'], t),
      );
      if (held) return tileHeaders(reply, held, GEOMETRY_CACHE_CONTROL).status(304).send();
      let bytes = cache.get(revision, key);
      if (bytes === undefined) {
        const built = await buildingTile(`${name} ${tile.z}/${tile.x}/${tile.y}`, () =>
          layer.kind === 'grids' ? app.readRepos.tiles.grids(tile, scope) : app.readRepos.tiles.regions(tile, layer.level, name, scope),
        );
        bytes = built.bytes;
        cache.set(revision, key, bytes);
      }
      const encoding = encodingFor(request, bytes.byteLength);
      if (!encoding) return sendTile(request, reply, { bytes, features: bytes.byteLength > 0 ? 1 : 0 }, tagFor(undefined), GEOMETRY_CACHE_CONTROL);
      tileHeaders(reply, tagFor(encoding), GEOMETRY_CACHE_CONTROL);
      // Compressed once per tile and revision (the key is its tag), not per request: a city's z8 tile of 80k grids
      // (4.7 MB) took @fastify/compress ~0.5 s of the server's CPU on every wall that opened (README, "A 100k-grid city").
      // A Content-Encoding already set tells @fastify/compress to leave the bytes alone.
      const packed = await app.encodedBodies.encoded(`tile ${tag}`, encoding, bytes);
      return reply.type(MVT_TYPE).header('Content-Encoding', encoding).send(packed);
    },
  );
};

function knownLayer(name: string): TileLayerName {
  if (!isTileLayerName(name)) throw notFound(`tile layer ${name} (layers: ${TILE_LAYER_NAMES.join(', ')})`, `图层 ${name}`);
  return name;
}

/** Adds what tile was being built to a failure's log line (the client still gets the generic 500). */
async function buildingTile(where: string, build: () => Promise<EncodedTile>): Promise<EncodedTile> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof Error) error.message = `while building tile ${where}: ${error.message}`;
    throw error;
  }
}

/**
 * A tile's headers. Whether it comes compressed depends on Accept-Encoding (geometry tiles compressed here, incident
 * tiles by @fastify/compress), so a shared cache must key on it as well as on who asks.
 */
function tileHeaders(reply: FastifyReply, etag: string, cacheControl: string): FastifyReply {
  return reply.header('ETag', etag).header('Cache-Control', cacheControl).header('Vary', 'Authorization, Cookie, Accept-Encoding');
}

function sendTile(request: FastifyRequest, reply: FastifyReply, tile: EncodedTile, etag: string, cacheControl: string) {
  tileHeaders(reply, etag, cacheControl);
  if (clientHolds(request.headers['if-none-match'], etag)) return reply.status(304).send();
  // An empty tile is "nothing here", not an error: MapLibre draws nothing for a 204.
  if (tile.features === 0 || tile.bytes.byteLength === 0) return reply.status(204).send();
  return reply.type(MVT_TYPE).send(Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength));
}

export default tileRoutes;

import type { ExpressionSpecification, Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import type { MapGridTiles } from '../../../server/contract/geojson-schemas.js';
import type { Rgba } from './theme.js';

/** Where a region's grid tiles are and how far they go (GET /api/map/grids?tiles=auto, the `tiled` member). */
export type GridTileSource = MapGridTiles;

export interface TiledGridsOptions {
  /** Source id; the layers are `${id}-fill` and `${id}-edges`. */
  id: string;
  source: GridTileSource;
  /** The layer inside each tile: `grids` (the default), or `communities` for a region's communities from /tiles/communities. */
  sourceLayer?: 'grids' | 'communities';
  /** Appended to each tile URL (`access_token=…` when the page cannot use its session cookie); none by default. */
  query?: string;
  /** Fill of a grid given no colour (yet). */
  uncoloured: Rgba;
  /**
   * Every colour the grids may be given, fixed for the layer's life (changing a data-driven paint property makes
   * MapLibre cut every tile again). A grid's state then holds an index into it, looked up by a `match` in the
   * paint; a colour not listed still works, as a CSS string parsed per grid (slower: 100k grids took seconds).
   */
  palette?: readonly Rgba[];
  edge: { colour: Rgba; width: number };
}

/** The tile layer's name inside each tile unless told (server/tiles/tile-layers.ts). */
const SOURCE_LAYER = 'grids';

const css = ([r, g, b, a = 255]: readonly number[]) => `rgba(${r},${g},${b},${Math.round((a / 255) * 1000) / 1000})`;

/**
 * A region's grids drawn by MapLibre from vector tiles (/tiles/grids), for
 * regions too large to send as GeoJSON (a province's 100k grids): each
 * grid's fill is its feature state (`fill`, with the value behind it), keyed
 * by the tile's feature id, the grid code as a number, so colours change
 * without a tile being fetched again. Drawn under any deck.gl layers. A
 * MapLibre layer is not pickable by deck.gl: `codeAt` answers from the
 * rendered tiles instead.
 */
export class TiledGrids {
  private readonly fillLayer: string;
  private readonly edgeLayer: string;
  private readonly sourceLayer: string;
  /** Grid id → what its feature state holds: a palette index or a CSS colour, and the value behind it. */
  private colours = new Map<number, { fill: number | string; value: number | null }>();
  private tileUrl: string;
  /** Palette colour (joined RGBA) → its index in the paint's `match`. */
  private readonly paletteIndex: Map<string, number>;

  constructor(
    private readonly map: MapLibreMap,
    private readonly o: TiledGridsOptions,
  ) {
    this.fillLayer = `${o.id}-fill`;
    this.edgeLayer = `${o.id}-edges`;
    this.sourceLayer = o.sourceLayer ?? SOURCE_LAYER;
    this.tileUrl = tileUrl(o.source, o.query);
    const palette = o.palette ?? [];
    this.paletteIndex = new Map(palette.map((c, i) => [c.join(), i]));
    // A palette index (`c`) picks a parsed colour; else a CSS colour (`fill`), else uncoloured.
    const byString = ['to-color', ['coalesce', ['feature-state', 'fill'], css(o.uncoloured)]];
    const fillColour = palette.length ? ['match', ['coalesce', ['feature-state', 'c'], -1], ...palette.flatMap((c, i) => [i, css(c)]), byString] : byString;
    map.addSource(o.id, { type: 'vector', tiles: [this.tileUrl], minzoom: o.source.minzoom, maxzoom: o.source.maxzoom, bounds: o.source.bbox ?? undefined });
    // Under deck.gl's layers whenever these are added: appended after them (tiles that came after the map's first
    // frame), the opaque fill hid the heatmap, outlines, names and markers it was meant to lie under.
    const under = firstCustomLayer(map);
    map.addLayer(
      {
        id: this.fillLayer,
        type: 'fill',
        source: o.id,
        'source-layer': this.sourceLayer,
        paint: { 'fill-color': fillColour as ExpressionSpecification, 'fill-antialias': false },
      },
      under,
    );
    map.addLayer(
      {
        id: this.edgeLayer,
        type: 'line',
        source: o.id,
        'source-layer': this.sourceLayer,
        layout: { visibility: 'none' },
        paint: { 'line-color': css(o.edge.colour), 'line-width': o.edge.width },
      },
      under,
    );
  }

  /**
   * Colours the grids: id → RGBA (and the value it stands for, kept in the
   * feature state for anyone checking). Only grids whose colour or value
   * changed are touched (on a wall's refresh, a few of 100k); grids no longer
   * listed go back to uncoloured.
   */
  setColours(colours: Map<number, { colour: Rgba; value: number | null }>): void {
    const next = new Map<number, { fill: number | string; value: number | null }>();
    const target = { source: this.o.id, sourceLayer: this.sourceLayer, id: 0 };
    // 100k grids share a handful of colours, mostly the very same arrays: look each one up once.
    const fillOf = new Map<Rgba, number | string>();
    for (const [id, { colour, value }] of colours) {
      let fill = fillOf.get(colour);
      if (fill === undefined) {
        fill = this.paletteIndex.get(colour.join()) ?? css(colour);
        fillOf.set(colour, fill);
      }
      next.set(id, { fill, value });
      const was = this.colours.get(id);
      if (was?.fill === fill && was.value === value) continue;
      target.id = id;
      // Exactly one of c and fill is set; undefined removes the other from the state (only needed where it was set).
      const state =
        typeof fill === 'number' ? (typeof was?.fill === 'string' ? { c: fill, fill: undefined, value } : { c: fill, value }) : { c: undefined, fill, value };
      this.map.setFeatureState(target, state);
    }
    for (const id of this.colours.keys()) if (!next.has(id)) this.map.removeFeatureState({ source: this.o.id, sourceLayer: this.sourceLayer, id });
    this.colours = next;
  }

  /** Grid edges on or off (the wall adds them after its first complete frame). */
  showEdges(on: boolean): void {
    const want = on ? 'visible' : 'none';
    if (this.map.getLayoutProperty(this.edgeLayer, 'visibility') !== want) this.map.setLayoutProperty(this.edgeLayer, 'visibility', want);
  }

  /** Boundaries were published: fetch the tiles again (feature states stay, keyed by code). */
  reload(source: GridTileSource): void {
    this.tileUrl = tileUrl(source, this.o.query);
    this.map.getSource<VectorTileSource>(this.o.id)?.setTiles([this.tileUrl]);
  }

  /** The grid (id = code as a number) drawn at a point of the map (CSS pixels), if any. */
  codeAt(x: number, y: number): number | undefined {
    const [f] = this.map.queryRenderedFeatures([x, y], { layers: [this.fillLayer] });
    return typeof f?.id === 'number' ? f.id : undefined;
  }

  /** Resolves once every tile in view is loaded and drawn with the colours set so far; never, if they are removed first. */
  drawn(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        // Removed (the wall switched between grids and communities): asking after the source is an error on every frame.
        if (!this.map.getSource(this.o.id)) return;
        if (this.map.loaded() && this.map.isSourceLoaded(this.o.id)) resolve();
        else this.map.once('idle', check);
      };
      this.map.once('idle', check);
      this.map.triggerRepaint();
    });
  }

  remove(): void {
    if (this.map.getLayer(this.edgeLayer)) this.map.removeLayer(this.edgeLayer);
    if (this.map.getLayer(this.fillLayer)) this.map.removeLayer(this.fillLayer);
    if (this.map.getSource(this.o.id)) this.map.removeSource(this.o.id);
  }
}

/**
 * Asks for the grid tiles at zoom `z` over the region's extent now, before
 * the map can (MapLibre asks only once its style, worker and first camera are
 * ready: ~0.7 s after the page knew where the tiles are, on the 2-core machine).
 * The very URLs MapLibre will build, read to the end, so that its worker finds
 * them in the browser's HTTP cache (tiles are cacheable for a minute) or joins
 * the request still in flight. Never rejects.
 */
export function prefetchGridTiles(source: GridTileSource, z: number, query?: string): string[] {
  if (!source.bbox || z < source.minzoom || z > source.maxzoom) return [];
  const [w, s, e, n] = source.bbox;
  const n2 = 2 ** z;
  const col = (lon: number) => Math.min(n2 - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n2)));
  const row = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.min(n2 - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n2)));
  };
  const template = tileUrl(source, query);
  const urls: string[] = [];
  for (let x = col(w); x <= col(e); x++)
    for (let y = row(n); y <= row(s); y++) urls.push(template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
  for (const url of urls)
    void fetch(url)
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  return urls;
}

/** The bottom-most custom layer (deck.gl's, interleaved), if any: MapLibre layers of ours go before it. */
function firstCustomLayer(map: MapLibreMap): string | undefined {
  return map.getLayersOrder().find((id) => map.getLayer(id)?.type === 'custom');
}

/** Absolute tile URL template (MapLibre's worker fetches it), with the page's extra query. */
function tileUrl(source: GridTileSource, query?: string): string {
  const path = `${location.origin}${source.tiles}`;
  return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}

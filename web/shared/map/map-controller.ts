import type { Layer, PickingInfo } from '@deck.gl/core';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Map as MapLibreMap, type ErrorEvent, type MapOptions, type StyleSpecification } from 'maplibre-gl';
import { fitBbox, metresPerPixel, type Bbox, type FitRoom } from './fit.js';
import './maplibre-worker.js';
import { offlineStyle } from './offline-style.js';

export interface MapKitOptions {
  /** Names the map in console errors ("wall map: …"). */
  name: string;
  /** A style URL (a site's basemap) or object; the offline style (offline-style.ts) when absent. */
  style?: string | StyleSpecification;
  /** Start view until the page fits its data. */
  center?: [number, number];
  zoom?: number;
  /** Pan and zoom by the user (default true); a wall is not interactive. */
  interactive?: boolean;
  /**
   * The deck.gl overlay (false: none, a MapLibre-only map). `interleaved`
   * draws into MapLibre's canvas: one canvas, which software compositing
   * (Chromium without a GPU) does not read back on every frame.
   */
  deck?: false | { interleaved: boolean; getTooltip?: (info: PickingInfo) => string | null };
  /**
   * Keep each frame readable (preserveDrawingBuffer): for PNG export and
   * pixel tests. On software WebGL every kept frame costs a full-screen copy,
   * so a page that needs it only for tests asks for it only then.
   */
  readback?: boolean;
  /** Further MapLibre options (dragRotate, …). */
  map?: Partial<MapOptions>;
  /** The style has loaded and the overlay is on: add sources, handlers, draw. */
  onLoad?(map: MapLibreMap): void;
  /** After each frame deck.gl draws: layers given before it are on the canvas. */
  onDeckFrame?(): void;
}

/**
 * Owns a MapLibre map and the deck.gl overlay over it: created by `attach`
 * when the host has rendered its container, removed with the host. Pages
 * keep their own controller for what they show and give this one layers.
 */
export class MapKitController implements ReactiveController {
  map?: MapLibreMap;
  overlay?: MapLibreOverlay;
  private loaded = false;
  private deckFrames = 0;
  private layers: Layer[] = [];
  /** What `frame` keeps in view, and whether the user has panned or zoomed since (then their view stays). */
  private framing?: { bbox: Bbox; padding: FitRoom };
  private userMoved = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: MapKitOptions,
  ) {
    host.addController(this);
  }

  /** Creates the map in `container` (once) and returns it. */
  attach(container: HTMLElement): MapLibreMap {
    if (this.map) return this.map;
    const o = this.options;
    const map = new MapLibreMap({
      container,
      style: o.style ?? offlineStyle(),
      center: o.center ?? [113.3, 27.3],
      zoom: o.zoom ?? 8,
      interactive: o.interactive ?? true,
      attributionControl: false,
      fadeDuration: 0,
      canvasContextAttributes: { preserveDrawingBuffer: Boolean(o.readback), antialias: false },
      ...o.map,
    });
    this.map = map;
    // deck.gl is fetched only by maps that draw with it (a phone's MapLibre-only map saves ~130 kB
    // on a slow link), and while the style loads, so the wall and the explorer wait no longer for it.
    const deckModule = o.deck ? import('@deck.gl/maplibre') : null;
    map.on('load', async () => {
      if (o.deck && deckModule) {
        const { MapLibreOverlay } = await deckModule;
        if (this.map !== map) return; // removed while deck.gl was loading
        // deck.gl goes on after `load`, as @deck.gl/maplibre requires.
        let levelled = false;
        this.overlay = new MapLibreOverlay({
          interleaved: o.deck.interleaved,
          layers: this.layers,
          ...(o.deck.getTooltip ? { getTooltip: o.deck.getTooltip } : {}),
          onAfterRender: () => {
            // Interleaved, deck.gl follows the camera for picking (clicks, tooltips) only from its first `move` after
            // it has loaded: a frame set before that (a page that fits its data at once) would leave picks at the
            // start view until the user moved the map. One `move` after its first frame brings it level.
            if (!levelled) queueMicrotask(() => this.map === map && map.fire('move'));
            levelled = true;
            this.deckFrames++;
            o.onDeckFrame?.();
          },
        });
        map.addControl(this.overlay);
      }
      this.loaded = true;
      o.onLoad?.(map);
    });
    map.on('error', (e: ErrorEvent) => console.error(`${o.name}:`, e.error?.message ?? e));
    // Only a gesture has an originalEvent; the page's own fits have none.
    map.on('movestart', (e: { originalEvent?: unknown }) => {
      if (e.originalEvent) this.userMoved = true;
    });
    // MapLibre watches its container's size itself (trackResize): a window narrowed, a second map beside this one,
    // a phone turned. The framed box fits the new size, unless the user has moved the map.
    map.on('resize', () => this.refit());
    return map;
  }

  /** The style has loaded (and the overlay is on). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Frames deck.gl has drawn so far: tests wait for the count to move after new data. */
  get frames(): number {
    return this.deckFrames;
  }

  /** The deck.gl layers, bottom to top; deck diffs them against the last set by id. */
  setLayers(layers: Layer[]): void {
    this.layers = layers;
    this.overlay?.setProps({ layers });
  }

  /** Shows `bbox` whole inside `padding` (fit.ts); false when the container is too small to fit into yet. */
  fit(bbox: Bbox, padding: FitRoom): boolean {
    return this.map ? fitBbox(this.map, bbox, padding) : false;
  }

  /**
   * Shows `bbox` whole now and again whenever the map changes size, until the user pans or zooms; a later
   * `frame` (new data to show) takes over from their view.
   */
  frame(bbox: Bbox, padding: FitRoom): void {
    this.framing = { bbox, padding };
    this.userMoved = false;
    this.refit();
  }

  /** New room to keep free around the framed box (a legend grew): fits again unless the user has moved the map. */
  framePadding(padding: FitRoom): void {
    if (!this.framing) return;
    this.framing.padding = padding;
    this.refit();
  }

  private refit(): void {
    // Too small to hold the padding (a hidden or collapsing container): the next resize fits it.
    if (this.framing && !this.userMoved) this.fit(this.framing.bbox, this.framing.padding);
  }

  /** The deck object under a point of the map (CSS pixels), on the given layers. */
  pick(x: number, y: number, layerIds: string[]): unknown {
    return this.overlay?.pickObject({ x, y, layerIds })?.object;
  }

  /** Screen position (CSS pixels, relative to the map) of a point. */
  project(lon: number, lat: number): { x: number; y: number } {
    const p = this.map!.project([lon, lat]);
    return { x: p.x, y: p.y };
  }

  /** Size of the map in CSS pixels. */
  get size(): { width: number; height: number } {
    const c = this.map!.getCanvas();
    return { width: c.clientWidth, height: c.clientHeight };
  }

  /** Metres per CSS pixel at the centre of the map, for a scale bar. */
  metresPerPixel(): number {
    return metresPerPixel(this.map!);
  }

  /**
   * Draws the map and the overlay into `ctx` at (x, y), `width` × `height`
   * canvas pixels: needs `readback` (the last frame stays readable).
   */
  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number, width: number, height: number): void {
    ctx.drawImage(this.map!.getCanvas(), x, y, width, height);
    // Not interleaved, deck has a canvas of its own over MapLibre's.
    const deck = this.options.deck && !this.options.deck.interleaved ? this.overlay?.getCanvas() : null;
    if (deck) ctx.drawImage(deck, x, y, width, height);
  }

  /** Waits (a second at most, so nothing hangs) for deck.gl to draw a frame after now. */
  async nextDeckFrame(): Promise<void> {
    const before = this.deckFrames;
    this.map?.triggerRepaint();
    const until = performance.now() + 1_000;
    while (this.deckFrames === before && performance.now() < until) await new Promise<void>((r) => requestAnimationFrame(() => r()));
  }

  hostDisconnected(): void {
    this.overlay?.finalize();
    this.map?.remove();
    this.map = undefined;
    this.overlay = undefined;
    this.loaded = false;
    this.framing = undefined;
  }
}

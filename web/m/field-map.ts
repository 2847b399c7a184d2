import type { FeatureCollection } from 'geojson';
import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import { Marker, prewarm, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?inline';
import workerScriptUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
// The map kit's modules one by one, not its index: the index also brings the legend and the deck.gl layer builders,
// whose code (with luma.gl's, ~130 kB compressed) the phone's MapLibre-only map would download for nothing.
import { bboxOfPositions } from '../shared/map/fit.js';
import { MapKitController } from '../shared/map/map-controller.js';
import { offlineStyle } from '../shared/map/offline-style.js';
import { PALETTES } from '../shared/map/colour-scales.js';
import { MAP_FONT, THEME } from '../shared/map/theme.js';
import type { Lang } from '../shared/i18n.js';
import { AREA_SOURCE, type AreaOutline, AreaNames, areaLayers, areaLinePaint, coarsestLevel } from './area-outlines.js';
import { gridsSpanMetres, metresToGrids } from './grid-distance.js';
import type { GridFeature } from './point-in-grid.js';
import type { TaskPlace } from './tasks-view.js';

// The app shell takes the distance with the map's chunk (field-app.ts): Turf's polygon distance stays off the first screen.
export { metresToGrids };

/** Urgency colours as the wall's urgency legend has them (none, blue, yellow, red). */
const [, blue, yellow, red] = PALETTES.urgency;
const URGENCY = { blue: blue!, yellow: yellow!, red: red! };
/**
 * A worker outside their grid but near it sees both on the home map; farther, the grid alone (the card says how far).
 * Near is within twice the grid's size, so it stays a shape, not a speck (and at least NEAR_GRID_METRES).
 */
const NEAR_GRID_METRES = 500;
const NEAR_GRID_SPANS = 2;
const GRID_PADDING_SHARE = 0.2;
/**
 * The report pin on the map: a red drop with a white dot, its tip at the point. Here, not in field-icons.ts: a module
 * shared by the app's script and this lazy chunk became a chunk (and a request) of its own on the first screen.
 */
const PIN_SVG =
  '<svg width="34" height="44" viewBox="0 0 34 44"><path d="M17 2C9 2 3 8 3 16c0 10 14 26 14 26s14-16 14-26C31 8 25 2 17 2z" fill="#e5484d" stroke="#fff" stroke-width="3"/><circle cx="17" cy="16" r="5" fill="#fff"/></svg>';

/**
 * MapLibre's worker, made from a blob of its script as fetched by the page, then started (prewarm) while the app
 * still waits for the session and the grids. The page's fetch takes up m.html's preload of the script (vite.config.ts,
 * preloadFieldMap), so its bytes come beside the app's; and it goes through the service worker, which a worker's
 * own script request does not (the worker's URL, /assets/…, is outside the worker's scope /m: offline, the map never
 * started), while a blob worker is the page's. On any failure, the script's own URL (set by map-controller.ts).
 */
const workerStarted: Promise<void> = workerScript()
  .then((script) => setWorkerUrl(URL.createObjectURL(new Blob([script], { type: 'text/javascript' }))))
  .catch((err) => console.warn('field map: the worker from its own URL:', err))
  .then(() => prewarm());

/**
 * The worker's script, asked a second time if need be. In first loads on Slow 4G (bench:field, 6 of them) the fetch
 * that takes up m.html's preload failed once ("Failed to fetch", as the preload ended: the map then made its worker
 * from the URL, a second request), and twice the map never started with no worker made and no warning (that fetch,
 * it seems, never settled). The preload has by then put the script in the HTTP cache (`immutable`): a second fetch,
 * on failure or 3 s after the script has arrived, gets it from there.
 */
function workerScript(): Promise<Blob> {
  const ask = () => fetch(workerScriptUrl).then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))));
  let settled = false;
  const first = ask().finally(() => {
    settled = true;
  });
  const again = new Promise<Blob>((resolve, reject) => {
    first.catch(() => ask().then(resolve, reject));
    void arrived(workerScriptUrl, first).then(() => setTimeout(() => settled || ask().then(resolve, reject), 3000));
  });
  return Promise.any([first, again]);
}

/**
 * Resolves once the page has a resource timing entry for `url` (its bytes have arrived: the preload's, or a fetch's),
 * or once `until` settles: the observer then has nothing left to wait for and is let go, even if the script never came.
 */
function arrived(url: string, until: Promise<unknown>): Promise<void> {
  const href = new URL(url, location.href).href;
  return new Promise((resolve) => {
    if (performance.getEntriesByName(href).length) return resolve();
    const observer = new PerformanceObserver((list) => {
      if (!list.getEntriesByName(href).length) return;
      observer.disconnect();
      resolve();
    });
    observer.observe({ type: 'resource' });
    const stop = () => {
      observer.disconnect();
      resolve();
    };
    until.then(stop, stop);
  });
}

/**
 * The phone's map (map kit, offline style; MapLibre only, no deck.gl layers
 * needed): my grids outlined, my position as a blue dot and, when reporting,
 * a pin the worker can drag to where the problem is. Loaded after the first
 * paint (field-app.ts imports it lazily), so the first screen's script stays
 * small. data-ready once first drawn. Fires `pin-moved` with detail [lon, lat] when the pin is dropped.
 */
export class FieldMap extends LitElement {
  static override properties = {
    grids: { attribute: false },
    position: { attribute: false },
    pin: { attribute: false },
    tasks: { attribute: false },
    areas: { attribute: false },
    nameLang: { attribute: false },
  };
  static override styles = [
    unsafeCSS(maplibreCss),
    css`
      :host { display: block; position: relative; min-height: 12rem; border-radius: 10px; overflow: hidden; background: ${unsafeCSS(THEME.background)}; }
      #map { position: absolute; inset: 0; }
      .me { width: 16px; height: 16px; border-radius: 50%; background: #2f8cff; border: 3px solid #fff; box-shadow: 0 0 0 6px rgba(47, 140, 255, 0.3); }
      .pin { width: 34px; height: 44px; cursor: grab; }
      .area-name { font: 12px ${unsafeCSS(MAP_FONT)}; color: ${unsafeCSS(THEME.subtle)}; white-space: nowrap; pointer-events: none;
        text-shadow: 0 0 3px ${unsafeCSS(THEME.background)}, 0 0 3px ${unsafeCSS(THEME.background)}; }
    `,
  ];

  /** My grids, outlined and fitted. */
  grids: GridFeature[] = [];
  /** Where the phone is (lon, lat), or null before the first fix. */
  position: [number, number] | null = null;
  /** The report's pin (draggable), or null on the home screen. */
  pin: [number, number] | null = null;
  /** My tasks as dots in their urgency's colour (home); a tap on one says which ('task-picked'). */
  tasks: readonly TaskPlace[] = [];
  /**
   * Where to get the districts and streets of my area, drawn under the dots (a handler's map: no grid of their own;
   * area-outlines.ts), or null. A function, not this module's import: field-api.ts stays in the first screen's script.
   */
  areas: (() => Promise<AreaOutline[]>) | null = null;
  /** The language of the areas' names. */
  nameLang: Lang = 'zh';

  private readonly kit = new MapKitController(this, {
    name: 'field map',
    deck: false,
    style: offlineStyle({
      sources: {
        grids: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        [AREA_SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        tasks: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      },
      layers: [
        ...areaLayers(),
        { id: 'grid-fill', type: 'fill', source: 'grids', paint: { 'fill-color': THEME.accent, 'fill-opacity': 0.15 } },
        { id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': THEME.accent, 'line-width': 2.5 } },
        {
          id: 'task-dots',
          type: 'circle',
          source: 'tasks',
          paint: {
            'circle-radius': 7,
            'circle-color': ['match', ['get', 'urgency'], 'red', URGENCY.red, 'yellow', URGENCY.yellow, URGENCY.blue],
            // Overdue tasks ringed in red, the others in white.
            'circle-stroke-color': ['case', ['get', 'overdue'], URGENCY.red, '#ffffff'],
            'circle-stroke-width': ['case', ['get', 'overdue'], 3, 1.5],
          },
        },
      ],
    }),
    map: { dragRotate: false, touchPitch: false },
    onLoad: (map) => {
      map.on('click', 'task-dots', (e) => {
        const code = e.features?.[0]?.properties?.code;
        if (typeof code === 'string') this.dispatchEvent(new CustomEvent('task-picked', { detail: code, bubbles: true, composed: true }));
      });
      map.on('movestart', (e) => {
        if (e.originalEvent) this.movedByUser = true;
      });
      this.draw(true);
      if (this.areas) this.drawAreas();
      // data-ready: the grid is drawn (tests and screenshots wait for it).
      map.once('idle', () => this.setAttribute('data-ready', ''));
    },
  });
  private me?: Marker;
  private pinMarker?: Marker;
  /** The user has panned or zoomed the map: tasks that come later no longer move it under their finger. */
  private movedByUser = false;
  private areaNames?: AreaNames;

  override firstUpdated(): void {
    void workerStarted.then(() => this.isConnected && this.kit.attach(this.renderRoot.querySelector<HTMLElement>('#map')!));
  }

  override updated(changed: PropertyValues<this>): void {
    // Tasks refit a map with no grid to fit (a handler's): their places are then the map's subject. They often come
    // after the map has loaded and fitted the phone's position alone; not once the user has moved the map.
    const tasksToFit = changed.has('tasks') && this.grids.length === 0 && !this.movedByUser;
    // A worker's map frames their grid, and them too once they are outside it but near (else their dot is off the map).
    const meToFit = changed.has('position') && this.grids.length > 0 && !this.pin && !this.movedByUser && this.meMoved();
    if (this.kit.isLoaded) this.draw(changed.has('grids') || tasksToFit || meToFit);
    if (this.kit.isLoaded && changed.has('areas') && this.areas) this.drawAreas();
  }

  /** My area's outlines and names, once asked (the kept copy offline); data-areas once drawn. */
  private async drawAreas(): Promise<void> {
    if (this.areaNames) return;
    const map = this.kit.map!;
    this.areaNames = new AreaNames(map);
    const outlines = await this.areas!();
    if (!this.isConnected) return;
    (map.getSource(AREA_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: outlines });
    const coarsest = coarsestLevel(outlines);
    if (coarsest) {
      const paint = areaLinePaint(coarsest);
      map.setPaintProperty('area-lines', 'line-color', paint['line-color']);
      map.setPaintProperty('area-lines', 'line-width', paint['line-width']);
    }
    this.areaNames.show(outlines, this.nameLang);
    this.setAttribute('data-areas', String(outlines.length));
  }

  private draw(fit: boolean): void {
    const map = this.kit.map!;
    const data: FeatureCollection = { type: 'FeatureCollection', features: this.grids };
    (map.getSource('grids') as GeoJSONSource | undefined)?.setData(data);
    (map.getSource('tasks') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: this.tasks.map((t) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: t.location },
        properties: { code: t.code, urgency: t.urgency, overdue: t.overdue },
      })),
    });
    if (this.position) {
      this.me ??= new Marker({ element: Object.assign(document.createElement('div'), { className: 'me' }) }).setLngLat(this.position).addTo(map);
      this.me.setLngLat(this.position);
    }
    if (this.pin && !this.pinMarker) {
      const element = Object.assign(document.createElement('div'), { className: 'pin', innerHTML: PIN_SVG });
      element.dataset.pin = '';
      this.pinMarker = new Marker({ element, draggable: true, anchor: 'bottom' }).setLngLat(this.pin).addTo(map);
      this.pinMarker.on('dragend', () => {
        const { lng, lat } = this.pinMarker!.getLngLat();
        this.dispatchEvent(new CustomEvent('pin-moved', { detail: [lng, lat], bubbles: true, composed: true }));
      });
    } else if (this.pin) this.pinMarker?.setLngLat(this.pin);
    if (fit) this.fitView();
  }

  /** The home map frames the phone's position with the grid: it is outside the grid but near (NEAR_GRID_SPANS). */
  private framesMe(): boolean {
    if (!this.position) return false;
    const away = metresToGrids(this.position, this.grids); // 0 inside
    return away > 0 && away <= Math.max(NEAR_GRID_METRES, NEAR_GRID_SPANS * gridsSpanMetres(this.grids));
  }

  /** The position moved into or out of the framing, or off the map while framed. */
  private meMoved(): boolean {
    const frames = this.framesMe();
    return frames !== this.fittedWithMe || (frames && this.kit.map?.getBounds().contains(this.position!) === false);
  }

  /** Room around my grid on the map, a fifth of its shorter side: the grids next to it show, with their names (area-outlines.ts). */
  private gridPadding(): number {
    const canvas = this.kit.map!.getCanvas();
    return Math.max(24, Math.round(Math.min(canvas.clientWidth, canvas.clientHeight) * GRID_PADDING_SHARE));
  }

  /** Whether the last fit took the position in (framesMe). */
  private fittedWithMe = false;

  private fitView(): void {
    const mine = this.grids.flatMap((g) => (g.geometry.type === 'Polygon' ? g.geometry.coordinates : g.geometry.coordinates.flat()).flat());
    this.fittedWithMe = mine.length > 0 && !this.pin && this.framesMe();
    const points = this.fittedWithMe ? [...mine, this.position!] : mine;
    const focus = this.pin ?? this.position;
    // Reporting: close to the pin, so dragging it is precise; home: the whole grid, or (no grid: a handler) my tasks and me.
    const places: [number, number][] = [...this.tasks.map((t) => t.location), ...(this.position ? [this.position] : [])];
    if (this.pin && focus) this.kit.map!.jumpTo({ center: focus, zoom: 17 });
    else if (points.length) this.kit.fit(bboxOfPositions(points as [number, number][])!, this.gridPadding());
    else if (places.length > 1) this.kit.fit(bboxOfPositions(places)!, 24);
    else if (focus) this.kit.map!.jumpTo({ center: focus, zoom: 15 });
  }

  override render() {
    return html`<div id="map"></div>`;
  }
}

customElements.define('gs-field-map', FieldMap);
declare global {
  interface HTMLElementTagNameMap {
    'gs-field-map': FieldMap;
  }
}

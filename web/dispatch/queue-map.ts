import type { PickingInfo } from '@deck.gl/core';
import { css, html, LitElement, type PropertyValues } from 'lit';
import type { OutlineCollection } from '../../server/contract/geojson-schemas.js';
import { errorMessage } from '../shared/api-request.js';
import { placeName } from '../shared/i18n.js';
import {
  bboxOfPositions,
  labelLayer,
  MapKitController,
  OUTLINE,
  outlineLayer,
  MAP_FONT,
  markerLayer,
  PALETTES,
  placeLabels,
  rgba,
  textMeasurer,
  uiScale,
  unionBbox,
  type Bbox,
} from '../shared/map/index.js';
import { areaOutlines } from './dispatch-api.js';
import { strings, type Lang } from './dispatch-i18n.js';
import type { QueueItem } from './dispatch-queues.js';

type Outline = OutlineCollection['features'][number];
type Dot = QueueItem & { location: [number, number] };
type Name = { text: string; at: [number, number]; offset: [number, number] };

/** Urgency colours as the wall's legend and the phone's map have them; red drawn last, on top. */
const [, BLUE, YELLOW, RED] = PALETTES.urgency;
const URGENCIES = [
  ['blue', BLUE!],
  ['yellow', YELLOW!],
  ['red', RED!],
] as const;
const DOT_LAYERS = URGENCIES.map(([u]) => `queue-${u}`);
const DOT_RIM = rgba('#0b1220', 220);
/** The least a set of dots is framed with (degrees, about 2 km): one dot alone is not shown at the map's deepest zoom. */
const LONE_DOT_ROOM = 0.02;
/** The least time between two redraws for live changes: each is a whole repaint of the map, costly without a GPU. */
const LIVE_REDRAW_MS = 2000;

/**
 * The map beside a queue while no incident is open (map kit): every row of
 * the queue as a dot in its urgency's colour over the districts and streets of
 * the user's area (/api/map/outlines), so a dispatcher sees where the work
 * lies before picking it: a cluster of overdue reports in one street, the
 * one red alert across the river. A dot's tooltip names it; a click opens it
 * (`select`, as a row's click does). Framed on the queue's dots whenever the
 * queue or its filters change (`frame`), else on the area.
 */
export class QueueMap extends LitElement {
  static override properties = {
    rows: { attribute: false },
    lang: { attribute: false },
    loaded: { attribute: false },
    frame: { attribute: false },
    categoryNames: { attribute: false },
    problem: { state: true },
  };
  static override styles = css`
    :host { display: grid; grid-template-rows: 1fr auto; min-height: 0; margin: .6rem; background: #0b1220; border: 1px solid #1e2c4a; border-radius: 6px; overflow: hidden; }
    #map { position: relative; min-height: 12rem; }
    .legend { display: flex; flex-wrap: wrap; gap: .2rem .9rem; padding: .4rem .7rem; font-size: .82rem; color: #9fb3d1; background: #0f1930; }
    .legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; margin-right: .3rem; vertical-align: -1px; }
    .legend .hint { margin-left: auto; color: #7d8aa3; }
    .problem { color: #ffb0b9; }
  `;

  /** The queue's rows as the list shows them (filters applied). */
  declare rows: QueueItem[];
  declare lang: Lang;
  /** Whether the console has its incidents yet. */
  declare loaded: boolean;
  /** The queue and its filters: when it changes, the map frames the new set of dots. */
  declare frame: string;
  declare categoryNames: Map<string, string>;
  declare problem: string;
  private outlines: Outline[] = [];
  private framedFor = '';
  private measure?: (text: string, size: number) => number;
  private starting = false;
  /** What the layers were last made from: a console re-renders on every live event, the map only when its dots change. */
  private drawnFrom = '';
  private drawnAt = -Infinity;
  private pending: number | undefined;
  private readonly kit = new MapKitController(this, {
    name: 'queue map',
    deck: { interleaved: true, getTooltip: (info: PickingInfo) => this.tooltip(info.object as Dot | undefined) },
    onLoad: (map) => {
      // Names are placed for the camera: again once it settles, so zooming in brings back those that had no room.
      map.on('moveend', () => this.draw(true));
      map.on('click', (e) => {
        const hit = this.kit.pick(e.point.x, e.point.y, DOT_LAYERS) as Dot | undefined;
        if (hit) this.dispatchEvent(new CustomEvent('select', { detail: hit.code, bubbles: true, composed: true }));
      });
      void this.loadOutlines();
      this.draw();
    },
  });

  constructor() {
    super();
    this.rows = [];
    this.lang = 'zh';
    this.loaded = false;
    this.frame = '';
    this.categoryNames = new Map();
    this.problem = '';
  }

  override updated(changed: PropertyValues<this>): void {
    // The map starts once the queue is in and the browser is idle: starting MapLibre and deck.gl beside the list's
    // first rows more than doubled the time to a usable console (npm run bench:dispatch, README).
    if (this.loaded && !this.starting) {
      this.starting = true;
      whenIdle(() => this.isConnected && this.kit.attach(this.renderRoot.querySelector('#map') as HTMLElement));
    }
    // What the user changed is drawn at once; what the live stream changed, at most every two seconds and after the list.
    if (changed.has('frame') || changed.has('lang')) this.draw();
    else this.drawSoon();
  }

  private drawSoon(): void {
    if (this.pending !== undefined) return;
    const wait = Math.max(0, this.drawnAt + LIVE_REDRAW_MS - performance.now());
    this.pending = window.setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, wait);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  /** The rows that have a place, blue first so that red lies on top. */
  private get dots(): Dot[] {
    const placed = this.rows.filter((r): r is Dot => Array.isArray(r.location));
    return URGENCIES.flatMap(([u]) => placed.filter((r) => r.urgency === u));
  }

  private async loadOutlines(): Promise<void> {
    try {
      this.outlines = (await areaOutlines()).features;
      this.draw();
    } catch (err) {
      this.problem = errorMessage(err);
    }
  }

  private draw(cameraMoved = false): void {
    if (!this.kit.isLoaded) return;
    const dots = this.dots;
    const from = [this.lang, this.loaded, this.frame, this.outlines.length, uiScale(), ...dots.map((d) => `${d.code}${d.urgency}${d.location}`)].join('|');
    if (from === this.drawnFrom && !cameraMoved) return;
    this.drawnFrom = from;
    this.drawnAt = performance.now();
    const coarsest = this.outlines.some((o) => o.properties.level === 'district') ? 'district' : 'street';
    const named = this.outlines.filter((o) => o.properties.level === coarsest);
    const lines = (level: string) => () => this.outlines.filter((o) => o.properties.level === level);
    const scale = uiScale();
    // Smaller dots for a long queue (a city's 处置中 holds a thousand), so a busy street is not one blot.
    const radius = (dots.length > 300 ? 3.5 : 5) * scale;
    this.kit.setLayers([
      outlineLayer({ id: 'streets', source: this.outlines, part: 'street', features: lines('street'), colour: OUTLINE.street, width: 0.8 }),
      outlineLayer({ id: 'districts', source: this.outlines, part: 'district', features: lines('district'), colour: OUTLINE.district, width: 1.4 }),
      ...URGENCIES.map(([u, colour]) =>
        markerLayer({
          id: `queue-${u}`,
          data: dots.filter((d) => d.urgency === u),
          position: (d) => d.location,
          radius,
          fill: rgba(colour),
          rim: { colour: DOT_RIM, width: 1 },
          pickable: true,
        }),
      ),
      // Names over the dots: a busy city centre still says which district it is.
      labelLayer({
        id: 'names',
        data: this.names(named, 13 * scale),
        position: (n) => n.at,
        text: (n) => n.text,
        offset: (n) => n.offset,
        size: 13 * scale,
        colour: [225, 234, 250, 235],
      }),
    ]);
    this.setAttribute('data-dots', String(dots.length));
    this.frameDots(dots);
    const drawn = `${this.frame}:${dots.length}`;
    void this.kit.nextDeckFrame().then(() => this.loaded && this.setAttribute('data-ready', drawn));
  }

  /** The shapes' names that fit the camera, none over another, the most populous first. */
  private names(shapes: Outline[], size: number): Name[] {
    const map = this.kit.map;
    if (!map) return [];
    this.measure ??= textMeasurer(MAP_FONT);
    const pad = 3 * uiScale();
    const candidates = [...shapes]
      .sort((a, b) => (b.properties.population ?? 0) - (a.properties.population ?? 0))
      .map((o) => {
        const text = placeName(this.lang, o.properties);
        const at = this.kit.project(...o.properties.label);
        return { item: { text, at: o.properties.label }, ...at, width: this.measure!(text, size) + 2 * pad, height: size * 1.25 + 2 * pad };
      });
    return placeLabels(candidates, this.kit.size, { margin: 4 }).map((p) => ({ ...p.item, offset: p.offset }));
  }

  /** A new queue or filter frames its dots, with room around them; with none, the area. */
  private frameDots(dots: Dot[]): void {
    const key = `${this.frame}|${dots.length > 0 ? 'dots' : this.outlines.length > 0 ? 'area' : ''}`;
    if (!this.loaded || key === this.framedFor) return;
    const around = bboxOfPositions(dots.map((d) => d.location));
    const box = around ? padded(around) : unionBbox(this.outlines.map((o) => o.bbox as Bbox));
    if (!box) return;
    this.framedFor = key;
    this.kit.frame(box, 32);
  }

  private tooltip(d: Dot | undefined): string | null {
    if (!d) return null;
    return `${d.code}\n${this.categoryNames.get(d.category) ?? d.category} · ${strings(this.lang).urgency[d.urgency] ?? d.urgency}\n${d.description}`;
  }

  override render() {
    const t = strings(this.lang);
    const dots = this.dots;
    const unplaced = this.rows.length - dots.length;
    return html`<div id="map" data-map></div>
      <div class="legend">
        ${URGENCIES.slice()
          .reverse()
          .map(
            ([u, colour]) =>
              html`<span data-urgency=${u}><i style="background:${colour}"></i>${t.urgency[u]} ${dots.filter((d) => d.urgency === u).length}</span>`,
          )}
        ${unplaced > 0 ? html`<span>${t.map.unplaced(unplaced)}</span>` : ''}
        ${this.problem ? html`<span class="problem" role="alert">${this.problem}</span>` : ''}
        <span class="hint">${!this.loaded ? t.loading : this.rows.length ? t.map.queueHint : t.empty}</span>
      </div>`;
  }

  /** Screen position of a row's dot, relative to the map (for tests). */
  dotPosition(code: string): { x: number; y: number } | null {
    const d = this.dots.find((r) => r.code === code);
    return d && this.kit.map ? this.kit.project(d.location[0], d.location[1]) : null;
  }
}

/** A box grown by a tenth of its size each way, and to at least LONE_DOT_ROOM: no dot at the map's edge, a lone dot not at the deepest zoom. */
function padded([w, s, e, n]: Bbox): Bbox {
  const [x, y] = [(w + e) / 2, (s + n) / 2];
  const [rx, ry] = [Math.max(LONE_DOT_ROOM, (e - w) * 1.2) / 2, Math.max(LONE_DOT_ROOM, (n - s) * 1.2) / 2];
  return [x - rx, y - ry, x + rx, y + ry];
}

/** Runs `f` when the browser has nothing else to do, or after a second at the latest (Safari has no requestIdleCallback). */
function whenIdle(f: () => void): void {
  if ('requestIdleCallback' in window) requestIdleCallback(f, { timeout: 1000 });
  else setTimeout(f, 200);
}

customElements.define('gs-queue-map', QueueMap);

declare global {
  interface HTMLElementTagNameMap {
    'gs-queue-map': QueueMap;
  }
}

import type { Layer } from '@deck.gl/core';
import type { Feature, Geometry } from 'geojson';
import { css, html, LitElement } from 'lit';
import { bboxOfPositions, MapKitController, MARKER, markerLayer, outlineLayer, rgba, THEME, unionBbox, type Bbox } from '../shared/map/index.js';
import type { GridWorkerContact } from '../../server/contract/incident-geojson-schemas.js';
import { errorMessage } from '../shared/api-request.js';
import {
  communityShape,
  gridContacts,
  gridShape,
  nearbyIncidents,
  workerPositions,
  type IncidentDetail,
  type NearbyIncident,
  type WorkerPosition,
} from './dispatch-api.js';
import { strings, type Lang } from './dispatch-i18n.js';

type Shape = Feature<Geometry> & { bbox?: number[] };

const GRID_OUTLINE = rgba(THEME.accent);
const COMMUNITY_OUTLINE = rgba(THEME.muted, 200);
const DUPLICATE_FILL = rgba(THEME.warning);
const WORKER_FILL = rgba('#6ee7a8');

/**
 * The map beside the incident (map kit): the incident as a red marker, its
 * grid (bright) and community (faint) outlined, and the possible duplicates
 * nearby (same category, 50 m, 24 h before it) as amber markers. Clicking a
 * duplicate, on the map or in the list under it, fires `duplicate` with its
 * code: the page asks for confirmation and marks the incident as its duplicate.
 * For commanders and dispatchers, the grid's workers: their numbers (a click
 * calls and notes it) and, for those who share it from the field app, where
 * they are now and how long ago (可视化调度) as green markers.
 */
export class IncidentMap extends LitElement {
  static override properties = {
    incident: { attribute: false },
    lang: { attribute: false },
    canMark: { attribute: false },
    canCall: { attribute: false },
    nearby: { state: true },
    workers: { state: true },
    positions: { state: true },
    problem: { state: true },
  };
  static override styles = css`
    :host { display: grid; grid-template-rows: 1fr auto auto; min-height: 0; background: #0b1220; border: 1px solid #1e2c4a; border-radius: 6px; overflow: hidden; }
    #map { position: relative; min-height: 9rem; }
    .legend { display: flex; flex-wrap: wrap; gap: .2rem .8rem; padding: .35rem .6rem; font-size: .8rem; color: #9fb3d1; background: #0f1930; }
    .legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; margin-right: .3rem; vertical-align: -1px; }
    .legend i.line { border-radius: 0; height: 2px; vertical-align: 3px; }
    button { font: inherit; font-size: .8rem; background: #3a2a14; color: #ffd873; border: 1px solid #6b4f1c; border-radius: 4px; padding: .05rem .45rem; cursor: pointer; }
    button:disabled { opacity: .5; cursor: default; }
    .problem { color: #ffb0b9; }
    .workers { display: flex; flex-wrap: wrap; gap: .2rem .9rem; padding: .3rem .6rem; font-size: .82rem; color: #c6d4ea; background: #0d1628; border-top: 1px solid #1e2c4a; }
    .workers .muted { color: #7d8aa3; }
    .workers .dot { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%; background: #6ee7a8; margin-right: .3rem; }
    .workers a { color: #6ee7a8; text-decoration: none; font-variant-numeric: tabular-nums; }
  `;

  declare incident: IncidentDetail | null;
  declare lang: Lang;
  /** Whether the user may mark this incident as a duplicate now (role and status). */
  declare canMark: boolean;
  /** Whether the user may see and call the grid's workers (commanders and dispatchers). */
  declare canCall: boolean;
  declare nearby: NearbyIncident[];
  declare workers: GridWorkerContact[];
  declare positions: WorkerPosition[];
  declare problem: string;
  private readonly kit = new MapKitController(this, {
    name: 'dispatch map',
    deck: { interleaved: true },
    onLoad: (map) => {
      map.on('click', (e) => {
        const hit = this.kit.pick(e.point.x, e.point.y, ['nearby']) as NearbyIncident | undefined;
        if (hit) this.pickDuplicate(hit.code);
      });
      this.draw();
    },
  });
  private shapes: { grid?: Shape; community?: Shape } = {};
  /** The incident's position, from the nearby answer. */
  private at: [number, number] | null = null;
  /** The incident the shapes and duplicates were loaded for. */
  private loadedFor = '';

  constructor() {
    super();
    this.incident = null;
    this.lang = 'zh';
    this.canMark = false;
    this.canCall = false;
    this.nearby = [];
    this.workers = [];
    this.positions = [];
    this.problem = '';
  }

  override firstUpdated(): void {
    this.kit.attach(this.renderRoot.querySelector('#map') as HTMLElement);
  }

  override updated(changed: Map<string, unknown>): void {
    const i = this.incident;
    if (changed.has('incident') && i && i.code !== this.loadedFor) void this.load(i);
    this.setAttribute('data-nearby', String(this.nearby.length));
  }

  private async load(i: IncidentDetail): Promise<void> {
    this.loadedFor = i.code;
    this.problem = '';
    this.nearby = [];
    this.workers = [];
    this.positions = [];
    this.shapes = {};
    this.at = null;
    this.removeAttribute('data-ready');
    try {
      const [grid, community, nearby] = await Promise.all([gridShape(i.grid_code), communityShape(i.street_code, i.community_code), nearbyIncidents(i.code)]);
      if (this.loadedFor !== i.code) return;
      if (this.canCall) [this.workers, this.positions] = await Promise.all([gridContacts(i.code), workerPositions(i.code)]);
      this.shapes = { grid, ...(community ? { community } : {}) };
      this.at = nearby.location;
      this.nearby = nearby.duplicates;
      this.draw(true);
    } catch (err) {
      if (this.loadedFor === i.code) this.problem = errorMessage(err);
    }
  }

  /** Gives the kit the layers for what is loaded; `fit` also frames the grid, the incident and its duplicates. */
  private draw(fit = false): void {
    const i = this.incident;
    if (!i || !this.kit.isLoaded) return;
    const outline = (id: 'grid' | 'community', colour: typeof GRID_OUTLINE, width: number) => {
      const shape = this.shapes[id];
      return outlineLayer({ id: `${id}-outline`, source: shape ?? {}, part: `${id}-${this.loadedFor}`, features: () => (shape ? [shape] : []), colour, width });
    };
    const layers: Layer[] = [
      outline('community', COMMUNITY_OUTLINE, 1.5),
      outline('grid', GRID_OUTLINE, 2.5),
      markerLayer({
        id: 'nearby',
        data: this.nearby,
        position: (d) => [d.lon, d.lat],
        radius: 7,
        fill: DUPLICATE_FILL,
        rim: { colour: MARKER.ring, width: 1.5 },
        pickable: true,
      }),
      markerLayer({
        id: 'positions',
        data: this.positions,
        position: (d) => d.location as [number, number],
        radius: 6,
        fill: WORKER_FILL,
        rim: { colour: MARKER.ring, width: 1.5 },
      }),
      markerLayer({
        id: 'incident',
        data: this.at ? [this.at] : [],
        position: (d) => d,
        radius: 9,
        fill: MARKER.red,
        rim: { colour: MARKER.redRim, width: 2 },
      }),
    ];
    this.kit.setLayers(layers);
    if (fit) {
      const points = [...(this.at ? [this.at] : []), ...this.nearby.map((d) => [d.lon, d.lat]), ...this.positions.map((p) => p.location)];
      // The grid whole, and the incident, its duplicates (within 50 m) and the workers sharing their position, with room around them.
      const around = bboxOfPositions(points);
      const padded = around && ([around[0] - 0.0008, around[1] - 0.0008, around[2] + 0.0008, around[3] + 0.0008] as Bbox);
      const box = unionBbox([shapeBbox(this.shapes.grid), padded].filter((b): b is Bbox => Boolean(b)));
      // Framed again when the window (or the panel beside it) changes size, unless the dispatcher has moved the map.
      if (box) this.kit.frame(box, 24);
    }
    // Ready once this incident's own data is drawn: a redraw while it is still loading (the map's own
    // load or resize) draws the previous state, and must not say so.
    const loaded = this.at !== null;
    void this.kit.nextDeckFrame().then(() => {
      if (loaded && this.loadedFor === i.code) this.setAttribute('data-ready', i.code);
    });
  }

  /** Screen position of a duplicate's marker (for tests and the keyboard-less). */
  markerPosition(code: string): { x: number; y: number } | null {
    const d = this.nearby.find((n) => n.code === code);
    return d && this.kit.map ? this.kit.project(d.lon, d.lat) : null;
  }

  /** The workers who share their position (field-app logins, not the roster above): who, how long ago, how precise. */
  private renderPositions() {
    const t = strings(this.lang).map;
    return this.positions.map(
      (p) => html`<span data-position=${p.user_id} title=${`±${Math.round(p.accuracy_m)} m`}><i class="dot"></i>${p.name} · ${t.seen(p.age_s)}</span>`,
    );
  }

  private pickDuplicate(code: string): void {
    if (this.canMark) this.dispatchEvent(new CustomEvent('duplicate', { detail: code, bubbles: true, composed: true }));
  }

  override render() {
    const t = strings(this.lang).map;
    return html`<div id="map" data-map></div>
      ${
        this.workers.length || this.positions.length
          ? html`<div class="workers"><span class="muted">${t.workers}</span>${this.workers.map(
              (w) => html`<span>${w.name}
        <a href=${`tel:${w.phone}`} data-worker=${w.id} @click=${() => this.dispatchEvent(new CustomEvent('contact', { detail: w.id, bubbles: true, composed: true }))}>☎ ${w.phone}</a>
        </span>`,
            )}${this.positions.length ? html`<span class="muted">${t.position}</span>${this.renderPositions()}` : ''}</div>`
          : ''
      }
      <div class="legend">
        <span><i style="background:#e63946"></i>${t.incident}</span>
        <span><i class="line" style="background:${THEME.accent}"></i>${t.grid}</span>
        <span><i class="line" style="background:${THEME.muted}"></i>${t.community}</span>
        ${this.positions.length ? html`<span><i style="background:#6ee7a8"></i>${t.position}</span>` : ''}
        <span><i style="background:${THEME.warning}"></i>${t.nearby(this.nearby.length)}</span>
        ${this.nearby.map(
          (d) => html`<button data-duplicate=${d.code} ?disabled=${!this.canMark} title=${d.description}
          @click=${() => this.pickDuplicate(d.code)}>${d.code.slice(-7)} · ${Math.round(d.distance_m)} m</button>`,
        )}
        ${this.problem ? html`<span class="problem" role="alert">${this.problem}</span>` : ''}
      </div>`;
  }
}

/** The bounding box of a polygon's outer rings. */
function shapeBbox(shape: Shape | undefined): Bbox | undefined {
  const g = shape?.geometry;
  if (!g) return undefined;
  if (g.type === 'Polygon') return bboxOfPositions(g.coordinates[0] ?? []);
  if (g.type === 'MultiPolygon') return bboxOfPositions(g.coordinates.flatMap((p) => p[0] ?? []));
  return undefined;
}

customElements.define('gs-incident-map', IncidentMap);

declare global {
  interface HTMLElementTagNameMap {
    'gs-incident-map': IncidentMap;
  }
}

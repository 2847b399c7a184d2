import { css, html, LitElement, unsafeCSS, type PropertyValues } from 'lit';
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?inline';
import type { Position } from '../../server/contract/vertex-move.js';
import type { Lang } from '../shared/i18n.js';
import { MAP_FONT, THEME } from '../shared/map/theme.js';
import type { PlanGrid, PlanProblem, PublishedPlaces } from './plan-api.js';
import { PlanMapController } from './plan-map-controller.js';

/**
 * The editor's map: before a plan is open, the published grids of the
 * community chosen (read-only, dashed, named; plan-published.ts); then the draft's grids, the selected ones highlighted, every
 * problem drawn (gaps red, overlaps amber, invalid spots as dots), and the
 * warnings (what was wrong before the plan) outlined, dashed amber. Fires
 * `plan-grid-click` (detail: key), `plan-place-pick` (detail: a published place's code), `plan-reshape` (detail: {key, geometry,
 * moved}), `plan-split-line` and `plan-drawn-polygon` (detail: geometry).
 */
export class PlanMap extends LitElement {
  static override properties = {
    grids: { attribute: false },
    problems: { attribute: false },
    warnings: { attribute: false },
    selection: { attribute: false },
    drawMode: { attribute: false },
    planId: { type: Number },
    published: { attribute: false },
    lang: { attribute: false },
  };

  static override styles = [
    unsafeCSS(maplibreCss),
    css`
    :host { display: block; position: relative; }
    #map { position: absolute; inset: 0; }
    /* Names of the published places: over the map, never in the way of a click. */
    /* A word over the map from the page (what it shows, that it is read-only). */
    ::slotted(*) { position: absolute; top: .6rem; left: .6rem; z-index: 2; margin: 0; max-width: calc(100% - 1.2rem); }
    .published-labels { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
    .published-labels span {
      position: absolute; white-space: nowrap; font-family: ${unsafeCSS(MAP_FONT)}; font-weight: 600; line-height: 1.3;
      color: ${unsafeCSS(THEME.text)}; text-align: center; padding: 0 3px;
      text-shadow: 0 0 3px ${unsafeCSS(THEME.background)}, 0 0 3px ${unsafeCSS(THEME.background)}, 0 0 2px ${unsafeCSS(THEME.background)};
    }
  `,
  ];

  /** The draft's grids. */
  declare grids: PlanGrid[];
  declare problems: PlanProblem[];
  /** Problems of grids the plan keeps unchanged: outlined, not filled, as they do not block. */
  declare warnings: PlanProblem[];
  /** Keys of the selected grids. */
  declare selection: number[];
  /** The terra-draw tool, or null when grids are picked by clicking. */
  declare drawMode: 'select' | 'linestring' | 'polygon' | null;
  /** The plan shown: the map fits the grids when it changes. */
  declare planId: number;
  /** What is published, shown while no plan is open (null when one is). */
  declare published: PublishedPlaces | null;
  /** The language names are shown in. */
  declare lang: Lang;

  readonly controller = new PlanMapController(this, {
    onGridClick: (key) => this.fire('plan-grid-click', key),
    onPlacePick: (code) => this.fire('plan-place-pick', code),
    onReshape: (key, geometry, moved) => this.fire('plan-reshape', { key, geometry, moved }),
    onSplitLine: (line) => this.fire('plan-split-line', line),
    onDrawnPolygon: (polygon) => this.fire('plan-drawn-polygon', polygon),
  });

  constructor() {
    super();
    this.grids = [];
    this.problems = [];
    this.warnings = [];
    this.selection = [];
    this.drawMode = null;
    this.planId = 0;
    this.published = null;
    this.lang = 'zh';
  }

  override render() {
    return html`<div id="map"></div><slot></slot>`;
  }

  override firstUpdated() {
    this.controller.attach(this.renderRoot.querySelector('#map') as HTMLElement);
  }

  /** Whether the map has been given everything once since it loaded (the controller asks for an update then). */
  private synced = false;

  override updated(changed: PropertyValues<this>) {
    const c = this.controller;
    if (!c.isLoaded) return;
    const all = !this.synced;
    this.synced = true;
    if (all || changed.has('grids') || changed.has('planId')) c.setGrids(this.grids, String(this.planId));
    if (all || changed.has('published') || changed.has('lang')) c.setPublished(this.published, this.lang);
    if (all || changed.has('problems')) c.setProblems(this.problems);
    if (all || changed.has('warnings')) c.setWarnings(this.warnings);
    if (all || changed.has('selection') || changed.has('grids')) c.setSelection(this.selection);
    if (all || changed.has('drawMode') || changed.has('grids')) c.setDrawMode(this.drawMode, this.selection[0]);
  }

  /** Screen position (CSS pixels, relative to the map) of a point: for tests. */
  project(lon: number, lat: number): { x: number; y: number } {
    return this.controller.project(lon, lat);
  }

  /** Codes of the published places MapLibre has drawn (sorted): for tests. */
  publishedRendered(): string[] {
    return this.controller.publishedRendered();
  }

  private fire(type: string, detail: number | string | object | { key: number; geometry: PlanGrid['geometry']; moved: { from: Position; to: Position }[] }) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

customElements.define('gs-plan-map', PlanMap);

declare global {
  interface HTMLElementTagNameMap {
    'gs-plan-map': PlanMap;
  }
}

import { css, html, LitElement, unsafeCSS, type PropertyValues } from 'lit';
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?inline';
import type { Position } from '../../server/contract/vertex-move.js';
import type { PlanGrid, PlanProblem } from './plan-api.js';
import { PlanMapController } from './plan-map-controller.js';

/**
 * The editor's map: the draft's grids, the selected ones highlighted, every
 * problem drawn (gaps red, overlaps amber, invalid spots as dots), and the
 * warnings (what was wrong before the plan) outlined, dashed amber. Fires
 * `plan-grid-click` (detail: key), `plan-reshape` (detail: {key, geometry,
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
  };

  static override styles = [
    unsafeCSS(maplibreCss),
    css`
    :host { display: block; position: relative; }
    #map { position: absolute; inset: 0; }
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

  readonly controller = new PlanMapController(this, {
    onGridClick: (key) => this.fire('plan-grid-click', key),
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
  }

  override render() {
    return html`<div id="map"></div>`;
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
    if (all || changed.has('problems')) c.setProblems(this.problems);
    if (all || changed.has('warnings')) c.setWarnings(this.warnings);
    if (all || changed.has('selection') || changed.has('grids')) c.setSelection(this.selection);
    if (all || changed.has('drawMode') || changed.has('grids')) c.setDrawMode(this.drawMode, this.selection[0]);
  }

  /** Screen position (CSS pixels, relative to the map) of a point: for tests. */
  project(lon: number, lat: number): { x: number; y: number } {
    return this.controller.project(lon, lat);
  }

  private fire(type: string, detail: number | object | { key: number; geometry: PlanGrid['geometry']; moved: { from: Position; to: Position }[] }) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

customElements.define('gs-plan-map', PlanMap);

declare global {
  interface HTMLElementTagNameMap {
    'gs-plan-map': PlanMap;
  }
}

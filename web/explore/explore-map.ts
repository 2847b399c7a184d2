import { css, html, LitElement, unsafeCSS } from 'lit';
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?inline';
import type { Legend } from './choropleth.js';
import { intersects, type ScreenBox } from '../shared/map/label-placement.js';
import { ExploreMapController, type FitRoom } from './explore-map-controller.js';
import { shapesKey, type ShapeCollection } from './explore-layers.js';
import type { Lang } from './explore-params.js';
import type { Named } from '../shared/i18n.js';

/** Pixels kept between a name and the legend. */
const LEGEND_GAP = 4;

export interface PickDetail {
  code: string;
}
export interface ViewDetail {
  bbox: [number, number, number, number];
  zoom: number;
  /** The shapes the map was fitted to (shapesKey): a camera of the last place's shapes is not the new place's. */
  framed: string;
}

/**
 * One map of the explorer: the place's children coloured by the metric, the
 * incident heatmap over them, names. Fires `explore-pick` (detail: PickDetail)
 * when a shape is clicked and `explore-view` (ViewDetail) when the camera settles.
 */
export class ExploreMap extends LitElement {
  static override properties = {
    shapes: { attribute: false },
    values: { attribute: false },
    legend: { attribute: false },
    heatBins: { attribute: false },
    selected: {},
    place: { attribute: false },
    lang: {},
    caption: {},
    describe: { attribute: false },
    padding: { attribute: false },
  };

  static override styles = [
    unsafeCSS(maplibreCss),
    css`
    :host { display: block; position: relative; min-height: 200px; }
    #map { position: absolute; inset: 0; }
    .caption { position: absolute; top: .5rem; left: .6rem; z-index: 1; background: rgba(11, 18, 32, .8); padding: .2rem .6rem; border-radius: 4px; font-size: .85rem; }
  `,
  ];

  /** The polygons shown (GET /api/explore/shapes); the map fits them when they change. */
  declare shapes?: ShapeCollection;
  /** Shape code → metric value (null = no data). */
  declare values: Map<string, number | null>;
  declare legend?: Legend;
  declare heatBins: [number, number, number][];
  /** A shape drawn with a bright outline. */
  declare selected?: string;
  declare lang: Lang;
  /** The place whose parts are drawn: their names on the map drop its name (a community's grids). */
  declare place?: Named;
  /** A label in the map's corner (the period, when two maps are side by side). */
  declare caption?: string;
  /** Hover text for a shape's value. */
  declare describe: (code: string) => string;

  /** Room kept free when the place is fitted (the legend's corner), the same for both maps so they share a scale. */
  declare padding?: FitRoom;

  private controller?: ExploreMapController;

  constructor() {
    super();
    this.values = new Map();
    this.heatBins = [];
    this.lang = 'zh';
    this.describe = () => '';
  }

  /** The map controller, for the PNG export and the tests (projection, frames). */
  get mapController(): ExploreMapController | undefined {
    return this.controller;
  }

  override render() {
    return html`<div id="map"></div>${this.caption ? html`<div class="caption">${this.caption}</div>` : ''}`;
  }

  override firstUpdated(): void {
    this.controller = new ExploreMapController(this, {
      onPick: (code) => this.dispatchEvent(new CustomEvent<PickDetail>('explore-pick', { detail: { code }, bubbles: true, composed: true })),
      onView: (view) => this.dispatchEvent(new CustomEvent<ViewDetail>('explore-view', { detail: view, bubbles: true, composed: true })),
      describe: (code) => this.describe(code),
      keepClear: () => this.legendArea(),
    });
    this.controller.attach(this.renderRoot.querySelector<HTMLElement>('#map')!);
  }

  /** The page's legend where it lies over this map (it sits in the first map's corner), in this map's pixels, a little wider. */
  private legendArea(): ScreenBox | undefined {
    const legend = (this.getRootNode() as ParentNode).querySelector('gs-map-legend')?.getBoundingClientRect();
    if (!legend?.width || !legend.height) return undefined;
    const map = this.getBoundingClientRect();
    const area = {
      x: legend.left - map.left - LEGEND_GAP,
      y: legend.top - map.top - LEGEND_GAP,
      width: legend.width + 2 * LEGEND_GAP,
      height: legend.height + 2 * LEGEND_GAP,
    };
    return intersects(area, { x: 0, y: 0, width: map.width, height: map.height }) ? area : undefined;
  }

  override updated(): void {
    if (this.padding) this.controller?.setPadding(this.padding);
    const features = this.shapes?.features ?? [];
    this.controller?.update(
      {
        shapes: this.shapes,
        values: this.values,
        legend: this.legend,
        heatBins: this.heatBins,
        labels: features.length > 0 && features.length <= 60,
        lang: this.lang,
        place: this.place,
        selected: this.selected,
      },
      shapesKey(this.shapes),
    );
  }
}

customElements.define('gs-explore-map', ExploreMap);

declare global {
  interface HTMLElementTagNameMap {
    'gs-explore-map': ExploreMap;
  }
}

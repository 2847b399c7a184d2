import type { LitElement, ReactiveController } from 'lit';
import { MAP_EDGES, type FitPadding } from './explore-map-controller.js';
import { THEME } from '../shared/map/theme.js';
import type { ExploreMap } from './explore-map.js';
import { composeExport, toPngBlob, type ExportLayout } from './map-export.js';
import { linkMaps } from './map-sync.js';

/**
 * The explorer's one or two maps as a pair: the same fit padding for both
 * (room above the legend or beside it, whichever shows the place larger, so
 * both get one scale), their cameras linked while both are shown (compare side
 * by side), and the PNG export of all of them.
 */
export class MapPairController implements ReactiveController {
  /**
   * Room kept free when fitting the place: above the legend (`bottom` follows its height) or beside it (`left` follows
   * its width). A tall city on a 1366×768 laptop fitted above a legend of a third of the map's height was drawn at
   * half the map's height; beside it, nearly all of it.
   */
  padding: readonly FitPadding[] = [MAP_EDGES];
  /** Where the last export put its parts (PNG pixels), for the browser tests. */
  lastLayout?: ExportLayout;
  private unlink?: () => void;
  private linkedB?: ExploreMap;
  private legendObserver?: ResizeObserver;
  private observedLegend?: Element;

  constructor(private readonly host: LitElement) {
    host.addController(this);
  }

  hostUpdated(): void {
    const root = this.host.renderRoot;
    const legend = root.querySelector<HTMLElement>('gs-map-legend');
    if (legend && legend !== this.observedLegend) {
      this.legendObserver?.disconnect();
      this.observedLegend = legend;
      this.legendObserver = new ResizeObserver(() => this.legendResized(legend));
      this.legendObserver.observe(legend);
    }
    void this.link(root.querySelector<ExploreMap>('#map-a'), root.querySelector<ExploreMap>('#map-b'));
  }

  hostDisconnected(): void {
    this.unlink?.();
    this.legendObserver?.disconnect();
  }

  /** The maps drawn into one PNG with the title, each map's period, scale bars and the legend. */
  async exportPng(spec: { title: string; periods: string[]; legendTitle: string; legend: { colour: string; label: string }[] }): Promise<Blob | undefined> {
    const maps = [...this.host.renderRoot.querySelectorAll<ExploreMap>('gs-explore-map')].map((m) => m.mapController);
    if (!maps.length || maps.some((m) => !m?.map)) return undefined;
    const panels = maps.map((map, i) => ({ map: map!, period: spec.periods[i] ?? '' }));
    const restore = await Promise.all(panels.map((p) => p.map.frameForExport()));
    const { canvas, layout } = composeExport({ title: spec.title, panels, legendTitle: spec.legendTitle, legend: spec.legend, background: THEME.background });
    restore.forEach((r) => r());
    this.lastLayout = layout;
    this.host.setAttribute('data-export-layout', JSON.stringify(layout));
    return toPngBlob(canvas);
  }

  private legendResized(legend: HTMLElement): void {
    // The legend sits .6rem above the map's bottom edge and from its left edge; keep the place clear of it.
    const box = legend.getBoundingClientRect();
    const bottom = Math.ceil(box.height) + 24;
    const left = legend.offsetLeft + Math.ceil(box.width) + 24;
    if (this.padding.length === 2 && this.padding[0]!.bottom === bottom && this.padding[1]!.left === left) return;
    this.padding = [
      { ...MAP_EDGES, bottom },
      { ...MAP_EDGES, left },
    ];
    this.host.requestUpdate();
  }

  private async link(a: ExploreMap | null, b: ExploreMap | null): Promise<void> {
    if ((b ?? undefined) === this.linkedB) return;
    this.unlink?.();
    this.unlink = undefined;
    this.linkedB = b ?? undefined;
    if (!a || !b) return;
    // The maps are created in their first update.
    await Promise.all([a.updateComplete, b.updateComplete]);
    const ma = a.mapController?.map;
    const mb = b.mapController?.map;
    if (ma && mb && this.linkedB === b) this.unlink = linkMaps(ma, mb);
  }
}

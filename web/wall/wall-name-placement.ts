import type { Map as MapLibreMap } from 'maplibre-gl';
import { placeLabels, textMeasurer, type PlacedLabel } from '../shared/map/label-placement.js';
import { MAP_FONT } from '../shared/map/theme.js';
import { labelSize, type Label, type PlacedMapLabel } from './wall-layers.js';

/** How far past the city view the camera must be before street names are readable. */
const STREET_NAME_ZOOM_GAIN = 0.7;

/**
 * The wall's place names that fit, placed so that none overlaps another: a
 * city wall names its districts (and, zoomed in on the tour, streets too); a
 * district's wall names its streets. Recomputed only when the camera, the
 * size or the names change: the same array keeps deck.gl's text layer as it is.
 */
export class WallNamePlacement {
  private placement?: { key: string; labels: Label[]; placed: PlacedLabel<Label & { size: number }>[]; layerData: PlacedMapLabel[] };
  private measure?: (text: string, size: number) => number;

  /**
   * The names to draw for this camera: `scale` is the wall's size factor, `legendInset` × `legendHeight` the legend
   * over the map's bottom left corner (CSS pixels; no name goes under it), `cityZoom` the whole-city view's zoom.
   */
  place(map: MapLibreMap, shown: { labels: Label[]; scale: number; legendInset: number; legendHeight: number }, cityZoom: number): PlacedMapLabel[] {
    const { labels, scale, legendInset, legendHeight } = shown;
    const canvas = map.getCanvas();
    const view = { width: canvas.clientWidth, height: canvas.clientHeight };
    const key = [
      map.getZoom().toFixed(3),
      cityZoom.toFixed(3),
      map.getCenter().lng.toFixed(5),
      map.getCenter().lat.toFixed(5),
      view.width,
      view.height,
      scale,
      legendInset,
      legendHeight,
    ].join();
    if (this.placement?.key === key && this.placement.labels === labels) return this.placement.layerData;
    const districts = labels.filter((l) => l.level === 'district');
    // One district (or none): the wall is that district's, its name is in the title and its streets are what it shows.
    const streets = districts.length <= 1 || map.getZoom() >= cityZoom + STREET_NAME_ZOOM_GAIN;
    const wanted = [...(districts.length > 1 ? districts : []), ...(streets ? labels.filter((l) => l.level === 'street') : [])].sort((a, b) =>
      a.level === b.level ? b.population - a.population : a.level === 'district' ? -1 : 1,
    );
    this.measure ??= textMeasurer(MAP_FONT);
    const measure = this.measure;
    const candidates = wanted.map((l) => {
      const size = labelSize(l.level, l.level === 'district' || districts.length <= 1) * scale;
      const at = map.project(l.position);
      // The text's outline and a little air around it belong to the label.
      const pad = 3 * scale;
      return { item: { ...l, size }, x: at.x, y: at.y, width: measure(l.text, size) + 2 * pad, height: size * 1.25 + 2 * pad };
    });
    const placed = placeLabels(candidates, view, { avoid: { x: 0, y: view.height - legendHeight, width: legendInset, height: legendHeight } });
    const layerData = placed.map((p) => ({ ...p.item, offset: p.offset }));
    this.placement = { key, labels, placed, layerData };
    return layerData;
  }

  /** The names drawn now and their boxes on screen (CSS pixels, relative to the map): for tests. */
  placed(): { text: string; level: string; size: number; box: PlacedLabel<Label>['box'] }[] {
    const p = this.placement;
    return (p?.placed ?? []).map((x, i) => ({ text: x.item.text, level: x.item.level, size: p!.layerData[i]!.size, box: x.box }));
  }
}

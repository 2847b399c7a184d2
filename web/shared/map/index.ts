/**
 * The map kit: everything a page needs to show a map, so a new page (the
 * dispatch console, say) writes no map set-up of its own.
 *
 *   import { MapKitController, choroplethLayer, heatLayer, labelLayer } from '../shared/map/index.js';
 *
 *   // In a LitElement: one controller per map, attached once the container exists.
 *   private readonly kit = new MapKitController(this, { name: 'dispatch map', deck: { interleaved: true } });
 *   firstUpdated() { this.kit.attach(this.renderRoot.querySelector('#map')!); }
 *   updated() { this.kit.setLayers([choroplethLayer({...}), heatLayer({...}), labelLayer({...})]); }
 *   // Fit: this.kit.fit(unionBbox(features.map((f) => f.bbox))!, 24);
 *
 * - MapKitController (map-controller.ts): MapLibre + the deck.gl overlay (added after `load`),
 *   the offline style by default, the worker URL set for vite, `readback` for PNG export and pixel
 *   tests, `interleaved` for one canvas (the wall), fit/project/pick/drawInto helpers.
 * - Layer builders (layers.ts): choroplethLayer, heatLayer, outlineLayer, labelLayer, markerLayer.
 * - TiledGrids (grid-tiles.ts): a region's grids from vector tiles (/tiles/grids) coloured by feature
 *   state, for regions over the server's grid threshold (GET /api/map/grids?tiles=auto answers `tiled`).
 * - Labels: placeLabels (label-placement.ts), greedy and collision-free; textMeasurer for their sizes.
 * - Colours: colour-scales.ts (palettes, legends, colourOf; checked for colour-vision deficiency)
 *   and theme.ts (background, text, outlines, markers, font).
 * - <gs-map-legend> (map-legend.ts): heading and rows, the page's words in them.
 * - Words: Lang and helpers live in web/shared/i18n.ts.
 */
export { MapKitController, type MapKitOptions } from './map-controller.js';
export { offlineStyle } from './offline-style.js';
export { bboxOfPositions, fitBbox, metresPerPixel, samePadding, sameRoom, unionBbox, type Bbox, type FitPadding, type FitRoom } from './fit.js';
export { choroplethLayer, heatLayer, labelLayer, markerLayer, outlineLayer } from './layers.js';
export { TiledGrids, type GridTileSource, type TiledGridsOptions } from './grid-tiles.js';
export { placeLabels, textMeasurer, type LabelCandidate, type PlacedLabel } from './label-placement.js';
export * from './colour-scales.js';
export * from './theme.js';
export { MapLegend, type LegendRow } from './map-legend.js';

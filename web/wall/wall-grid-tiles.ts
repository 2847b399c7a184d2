import type { Map as MapLibreMap } from 'maplibre-gl';
import { TiledGrids, type GridTileSource } from '../shared/map/grid-tiles.js';
import { OUTLINE, rgba, THEME, type Rgba } from '../shared/map/theme.js';
import { colourFor, WALL_GRID_COLOURS, type Legend } from './metric-scale.js';
import { tileSourceFor, type WallGrouping } from './wall-grouping.js';

/**
 * The wall's grids when its region is over the server's grid threshold: drawn
 * by MapLibre from vector tiles (under deck.gl's layers) in the wall's
 * palette, each grid coloured through its feature state; or, where grids are
 * too small to see (wall-grouping.ts), the region's communities the same way.
 * Absent in GeoJSON mode.
 */
export class WallGridTiles {
  private tiles?: TiledGrids;
  /** What the tiles drawn are: grids or communities (the values given must be keyed alike). */
  private grouping?: WallGrouping;

  /** `alpha`: grids are translucent over a basemap, opaque on the wall's own dark ground. */
  constructor(private readonly alpha: number) {}

  get active(): boolean {
    return this.tiles !== undefined;
  }

  /** What the tiles drawn stand for; undefined while none are. */
  get drawnBy(): WallGrouping | undefined {
    return this.tiles ? this.grouping : undefined;
  }

  /** Draws the tiles of `source` by `grouping` (or loads them again from a new revision). */
  show(map: MapLibreMap | undefined, source: GridTileSource, query: string | undefined, scale: number, grouping: WallGrouping): void {
    if (this.tiles && this.grouping !== grouping) this.remove();
    const drawn = tileSourceFor(source, grouping);
    if (this.tiles) this.tiles.reload(drawn);
    else if (map) {
      const edge = { colour: OUTLINE.gridEdge, width: 0.6 * scale };
      const palette = WALL_GRID_COLOURS.map((hex) => rgba(hex, this.alpha));
      const [id, sourceLayer] = grouping === 'community' ? (['community-tiles', 'communities'] as const) : (['grid-tiles', 'grids'] as const);
      this.tiles = new TiledGrids(map, { id, sourceLayer, source: drawn, query, uncoloured: rgba(THEME.uncoloured), palette, edge });
      this.grouping = grouping;
    }
  }

  /** Published boundaries brought the region under the threshold: GeoJSON from now on. */
  remove(): void {
    this.tiles?.remove();
    this.tiles = undefined;
  }

  /** Each grid's colour into its feature state; `onDrawn` once the tiles in view are drawn with them. */
  colour(values: ReadonlyMap<number, number | null>, legend: Legend, onDrawn: () => void): void {
    if (!this.tiles) return;
    // One RGBA per legend colour, not per grid: 100k grids share a handful.
    const rgbaOf = new Map<string, Rgba>();
    const colours = new Map<number, { colour: Rgba; value: number | null }>();
    for (const [id, value] of values) {
      const hex = colourFor(legend, value);
      if (!rgbaOf.has(hex)) rgbaOf.set(hex, rgba(hex, this.alpha));
      colours.set(id, { colour: rgbaOf.get(hex)!, value });
    }
    this.tiles.setColours(colours);
    void this.tiles.drawn().then(onDrawn);
  }

  showEdges(on: boolean): void {
    this.tiles?.showEdges(on);
  }
}

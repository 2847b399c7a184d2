import type { LngLatBoundsLike, Map as MapLibreMap, PaddingOptions } from 'maplibre-gl';
import type { Bbox } from './api-types.js';

/**
 * The wall's district tour (?tour=N): flies from district to district every
 * N seconds, then back to the whole city, for ever. Each stop's zoom is told
 * before the flight (what a tiled region is coloured by follows it, and its
 * tiles then load on the way). It does not leave the city before the wall's
 * first complete frame (a slow machine, a short tour), or a minute at most, so
 * that a figure that never loads does not stop it.
 */
/** How long the tour waits for the first complete frame before it flies anyway. */
export const MAX_WAIT_FOR_FIRST_FRAME_MS = 60_000;

export class WallTour {
  private timer?: ReturnType<typeof setInterval>;
  /** Flown to a district: the whole city is not in view. */
  away = false;

  constructor(
    private readonly o: {
      map(): MapLibreMap | undefined;
      /** Room around the whole city or a district, beside the legend. */
      padding(atCity: boolean): PaddingOptions;
      onStop(zoom: number, atCity: boolean): void;
      /** The first complete frame has been drawn (grids coloured, heat drawn). */
      ready(): boolean;
    },
  ) {}

  start(seconds: number, districts: Bbox[], city: Bbox | undefined): void {
    this.stop();
    if (!seconds || !districts.length || !city) return;
    const stops = [...districts, city];
    let next = 0;
    const startedAt = Date.now();
    this.timer = setInterval(() => {
      if (next === 0 && !this.o.ready() && Date.now() - startedAt < MAX_WAIT_FOR_FIRST_FRAME_MS) return;
      const map = this.o.map();
      const stop = next++ % stops.length;
      this.away = stop < districts.length;
      const padding = this.o.padding(!this.away);
      const bounds = stops[stop]! as LngLatBoundsLike;
      const zoom = map?.cameraForBounds(bounds, { padding })?.zoom;
      if (zoom !== undefined) this.o.onStop(zoom, !this.away);
      map?.fitBounds(bounds, { padding, duration: Math.min(4000, seconds * 400), essential: true });
    }, seconds * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

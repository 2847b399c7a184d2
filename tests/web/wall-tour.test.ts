import type { Map as MapLibreMap } from 'maplibre-gl';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bbox } from '../../web/wall/api-types.js';
import { WallTour } from '../../web/wall/wall-tour.js';

const DISTRICTS: Bbox[] = [
  [113.0, 27.0, 113.2, 27.2],
  [113.2, 27.0, 113.4, 27.2],
];
const CITY: Bbox = [113.0, 27.0, 113.4, 27.2];

/** The two calls the tour makes of MapLibre's map, recorded: where it flew, in order. */
function recordingMap(): { map: MapLibreMap; flights: unknown[] } {
  const flights: unknown[] = [];
  const map = { cameraForBounds: () => ({ zoom: 10 }), fitBounds: (bounds: unknown) => flights.push(bounds) } as unknown as MapLibreMap;
  return { map, flights };
}

describe("the wall's district tour", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stays on the city until the first complete frame, then flies to each district and back, one stop per period', () => {
    const { map, flights } = recordingMap();
    let ready = false;
    const tour = new WallTour({ map: () => map, padding: () => ({ top: 0, bottom: 0, left: 0, right: 0 }), onStop: () => {}, ready: () => ready });
    tour.start(5, DISTRICTS, CITY);
    vi.advanceTimersByTime(20_000);
    expect(flights, 'no flight before the first complete frame').toEqual([]);
    ready = true;
    vi.advanceTimersByTime(5_000);
    expect(flights).toEqual([DISTRICTS[0]]);
    expect(tour.away).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(flights).toEqual([DISTRICTS[0], DISTRICTS[1], CITY]);
    expect(tour.away).toBe(false);
    // Once under way it keeps its clock, whatever the frames do (a publish redraws the grids).
    ready = false;
    vi.advanceTimersByTime(5_000);
    expect(flights).toHaveLength(4);
    tour.stop();
  });

  it('flies anyway after a minute when the frame never completes (a figure that fails to load)', () => {
    const { map, flights } = recordingMap();
    const tour = new WallTour({ map: () => map, padding: () => ({ top: 0, bottom: 0, left: 0, right: 0 }), onStop: () => {}, ready: () => false });
    tour.start(5, DISTRICTS, CITY);
    vi.advanceTimersByTime(55_000);
    expect(flights).toEqual([]);
    vi.advanceTimersByTime(5_000);
    expect(flights).toEqual([DISTRICTS[0]]);
    tour.stop();
    vi.advanceTimersByTime(60_000);
    expect(flights, 'stopped').toHaveLength(1);
  });
});

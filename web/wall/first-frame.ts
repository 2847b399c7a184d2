import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FrameProgress } from './map-controller.js';

/**
 * The wall's first complete frame (KPIs filled, grids coloured, heatmap
 * drawn), noticed once, and the marks the benchmark reads (npm run
 * bench:wall; tests/bench/bench-wall.ts): `data-first-frame-ms` on the host,
 * performance marks `wall-first-frame` and `wall-grid-edges-drawn`, and the
 * timeline's `wall-grids-coloured` and `wall-heat-drawn`. Map code only
 * reports progress; the timing is kept here.
 */
export class FirstFrameController implements ReactiveController {
  private progress: FrameProgress = { gridsColoured: false, heatDrawn: false, edgesDrawn: false };
  private done = false;

  /**
   * `figuresShown` says whether the KPIs are filled; `onFirstFrame` runs once
   * the frame is painted: work that must not compete with it starts then.
   */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly figuresShown: () => boolean,
    private readonly onFirstFrame: () => void,
  ) {
    host.addController(this);
  }

  /** The map's progress (wall-map-progress events). */
  mapProgress(p: FrameProgress): void {
    if (p.gridsColoured && !this.progress.gridsColoured) performance.mark('wall-grids-coloured');
    if (p.heatDrawn && !this.progress.heatDrawn) performance.mark('wall-heat-drawn');
    // Painted with the next animation frame, measured as the first complete frame is.
    if (p.edgesDrawn && !this.progress.edgesDrawn) requestAnimationFrame(() => performance.mark('wall-grid-edges-drawn'));
    this.progress = p;
    this.check();
  }

  /** After each render of the host: the frame is complete once the figures are in the DOM and the map has drawn both. */
  hostUpdated(): void {
    this.check();
  }

  private check(): void {
    if (this.done || !this.figuresShown() || !this.progress.gridsColoured || !this.progress.heatDrawn) return;
    // The KPIs are in the DOM (this runs after render); wait for the frame that paints them.
    requestAnimationFrame(() => {
      if (this.done) return;
      this.done = true;
      performance.mark('wall-first-frame');
      // Milliseconds since navigation started (performance's time origin).
      this.host.setAttribute('data-first-frame-ms', String(Math.round(performance.now())));
      this.onFirstFrame();
    });
  }
}

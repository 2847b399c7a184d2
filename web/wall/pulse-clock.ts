/** One pulse of the red markers; how often it is redrawn is PulseClock's business. */
export const PULSE_PERIOD_MS = 1_600;
/** The halo's phase when the screen asks for reduced motion: a still ring, half grown. */
export const STILL_PULSE = 0.3;

/**
 * prefers-reduced-motion: the red markers keep a still halo instead of
 * pulsing, and the map is not redrawn several times a second (on software
 * WebGL pulsing keeps a third of a core busy).
 */
export const motionQuery = (): MediaQueryList | undefined => (typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : undefined);
export const reducedMotion = (): boolean => motionQuery()?.matches ?? false;

/** The fastest the red markers pulse: 10 frames a second is smooth enough on a wall. */
const FASTEST_MS = 100;
/** At most this share of the time goes to drawing pulse frames. */
const BUSY_SHARE = 0.25;
const SLOWEST_MS = 2_000;

/**
 * Ticks the red markers' pulse as fast as the machine affords. Every tick
 * redraws the whole map canvas: on a GPU that is a millisecond or two, under
 * software WebGL (a wall PC without a graphics driver, the 2-core reference
 * machine) 100–250 ms, and ten a second would keep a core busy and slow
 * everything else the wall does. So each tick measures how long its frame
 * took to reach the screen (until the next animation frame) and waits long
 * enough that pulsing takes at most a quarter of the time.
 */
export class PulseClock {
  private timer?: ReturnType<typeof setTimeout>;
  private running = false;

  constructor(private readonly tick: () => void) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(FASTEST_MS);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      if (!this.running) return;
      const started = performance.now();
      this.tick();
      // The frame drawn for this tick is on screen when the animation frame after it starts.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (!this.running) return;
          const cost = performance.now() - started;
          this.schedule(Math.min(SLOWEST_MS, Math.max(FASTEST_MS, cost / BUSY_SHARE - cost)));
        }),
      );
    }, delay);
  }
}

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorMessage } from '../shared/api-request.js';
import { deletePosition, putPosition } from './field-api.js';
import type { Fix } from './report-form.js';

/** How often a shared position is sent while the app is open: enough for visual dispatch, light on the battery. */
export const SHARE_EVERY_MS = 3 * 60_000;

/**
 * "Where I am", opt-in: off whenever the app opens; while on, the latest fix
 * goes to PUT /api/me/position now and every SHARE_EVERY_MS; one tap stops it
 * (DELETE). Stops by itself when the page goes away (nothing runs closed).
 */
export class PositionShare implements ReactiveController {
  on = false;
  problem = '';
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fix: () => Fix | null,
    private readonly csrf: () => string | null,
  ) {
    host.addController(this);
  }

  toggle(): void {
    if (this.on) this.stop();
    else this.start();
  }

  private start(): void {
    this.on = true;
    void this.send();
    this.timer = setInterval(() => void this.send(), SHARE_EVERY_MS);
    this.host.requestUpdate();
  }

  private stop(): void {
    this.on = false;
    clearInterval(this.timer);
    deletePosition(this.csrf()).catch((err) => (this.problem = errorMessage(err)));
    this.host.requestUpdate();
  }

  private async send(): Promise<void> {
    const f = this.fix();
    if (!f || !navigator.onLine) return;
    try {
      await putPosition(this.csrf(), { lon: f.lon, lat: f.lat, accuracy_m: f.accuracy });
      this.problem = '';
    } catch (err) {
      this.problem = errorMessage(err);
    }
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
  }
}

import { html, nothing } from 'lit';
import type { FieldStrings } from './field-i18n.js';
import { gridOutline } from './grid-outline.js';
import type { GridFeature } from './point-in-grid.js';
import type { Fix } from './report-form.js';
import type { TaskPlace } from './tasks-view.js';

export interface HomeFigures {
  /** Open incidents in my grid(s) (grid workers), null until known. */
  open: number | null;
  /** Tasks waiting for me, null until known. */
  tasks: number | null;
}

/**
 * Home: where I am against my grid, my grid on the map (once the map's code
 * has loaded: `mapReady`; until it has drawn, an outline from the kept
 * boundaries: grid-outline.ts) with my tasks as dots (a handler, who has no
 * grid, sees the map fitted to them), the two figures and the big report button.
 */
export function homeView(o: {
  t: FieldStrings;
  grids: GridFeature[];
  fix: Fix | null;
  here: GridFeature | null;
  geoError: boolean;
  figures: HomeFigures;
  /** My tasks, dots on the map; a tap on one calls onTask with its code. */
  tasks: readonly TaskPlace[];
  mapReady: boolean;
  isWorker: boolean;
  onReport: () => void;
  onTask: (code: string) => void;
}) {
  const { t, fix, here } = o;
  const where = o.geoError ? t.noGeolocation : !fix ? t.noFix : here ? t.inGrid(here.properties) : t.outsideGrid;
  return html`
    ${
      o.isWorker
        ? html`<div class="card where ${fix && !here ? 'outside' : ''}" data-where=${fix ? (here ? 'inside' : 'outside') : 'unknown'}>
          <b>${where}</b>${fix ? html`<div class="hint">${t.accuracy(fix.accuracy)}</div>` : nothing}
        </div>`
        : nothing
    }
    <div class="home-map placeholder">
      ${
        o.mapReady
          ? html`<gs-field-map .grids=${o.grids} .tasks=${o.tasks} .position=${fix ? [fix.lon, fix.lat] : null}
        @task-picked=${(e: CustomEvent<string>) => o.onTask(e.detail)}></gs-field-map>`
          : nothing
      }
      ${gridOutline(o.grids, fix ? [fix.lon, fix.lat] : null)}
    </div>
    <div class="figures">
      ${o.isWorker ? html`<div class="card" data-figure="open"><b>${o.figures.open ?? '—'}</b>${t.openHere}</div>` : nothing}
      <div class="card" data-figure="tasks"><b>${o.figures.tasks ?? '—'}</b>${t.tasksWaiting}</div>
    </div>
    ${o.isWorker ? html`<button class="primary" type="button" data-go-report @click=${o.onReport}>＋ ${t.reportButton}</button>` : nothing}
  `;
}

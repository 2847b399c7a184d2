import { css, html, nothing } from 'lit';
import { areaOutlines, communityOutlines } from './field-api.js';
import type { FieldStrings, Lang } from './field-i18n.js';
import { gridOutline } from './grid-outline.js';
import type { metresToGrids } from './grid-distance.js';
import type { GridFeature } from './point-in-grid.js';
import type { Fix } from './report-form.js';
import type { TaskPlace } from './tasks-view.js';

export interface HomeFigures {
  /** Open incidents in my grid(s) (grid workers), null until known. */
  open: number | null;
  /** Tasks waiting for me, null until known. */
  tasks: number | null;
  /** Of those, past their deadline (a handler's), null until known. */
  overdue: number | null;
  /** Where my tasks are (from the task list): dots on the map. */
  places: readonly TaskPlace[];
}

/** The home screen's look, in the app's styles (the view renders into the app's shadow root). */
export const homeStyles = css`
  .home-map { height: 15rem; margin: 0.6rem 0; position: relative; overflow: hidden; }
  /* A handler's home has no where-am-I card and no report button: the map takes the screen they leave. */
  .home-map.tall { height: 24rem; height: max(15rem, min(36rem, calc(100dvh - 24rem))); }
  .home-map > * { position: absolute; inset: 0; width: 100%; height: 100%; }
  /* The outline of my grid stands in for the map until MapLibre has drawn it (grid-outline.ts). */
  .home-map gs-field-map[data-ready] ~ .outline { display: none; }
  .placeholder { background: #0f1930; border-radius: 10px; }
  .figures { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6rem; }
  .figures b { display: block; font-size: 2rem; color: #5cc8ff; }
  .figures b.late { color: #ff7a85; }
  .where.outside { background: #5a1d24; }
`;

/**
 * Home: where I am against my grid, my grid on the map (once the map's code
 * has loaded: `mapReady`; until it has drawn, an outline from the kept
 * boundaries: grid-outline.ts) with my tasks as dots (a handler, who has no
 * grid, sees the map fitted to them), the two figures (a worker's: open in my grid and
 * waiting for me; a handler's: waiting and overdue) and the big report button.
 */
export function homeView(o: {
  t: FieldStrings;
  lang: Lang;
  grids: GridFeature[];
  fix: Fix | null;
  here: GridFeature | null;
  geoError: boolean;
  figures: HomeFigures;
  mapReady: boolean;
  isWorker: boolean;
  onReport: () => void;
  /** A tap on a task's dot. */
  onTask: (code: string) => void;
  /** How far a point is from my grids; loaded with the map (grid-distance.ts), until then the card says only "outside". */
  metresToGrids?: typeof metresToGrids;
}) {
  const { t, fix, here } = o;
  const where = o.geoError ? t.noGeolocation : !fix ? t.noFix : here ? t.inGrid(here.properties) : t.outsideGrid;
  // Outside: how far back to my grid, to ten metres (a fix is seldom better).
  const away = fix && !here && o.grids.length && o.metresToGrids ? Math.max(10, Math.round(o.metresToGrids([fix.lon, fix.lat], o.grids) / 10) * 10) : null;
  return html`
    ${
      o.isWorker
        ? html`<div class="card where ${fix && !here ? 'outside' : ''}" data-where=${fix ? (here ? 'inside' : 'outside') : 'unknown'}>
          <b>${where}</b>${away !== null ? html`<div data-grid-away=${away}>${t.gridAway(away)}</div>` : nothing}
          ${fix ? html`<div class="hint">${t.accuracy(fix.accuracy)}</div>` : nothing}
        </div>`
        : nothing
    }
    <div class="home-map placeholder ${o.isWorker ? '' : 'tall'}">
      ${
        o.mapReady
          ? html`<gs-field-map .grids=${o.grids} .tasks=${o.figures.places} .areas=${o.isWorker ? communityOutlines : areaOutlines} .nameLang=${o.lang} .position=${fix ? [fix.lon, fix.lat] : null}
        @task-picked=${(e: CustomEvent<string>) => o.onTask(e.detail)}></gs-field-map>`
          : nothing
      }
      ${gridOutline(o.grids, fix ? [fix.lon, fix.lat] : null)}
    </div>
    <div class="figures">
      ${o.isWorker ? html`<div class="card" data-figure="open"><b>${o.figures.open ?? '—'}</b>${t.openHere}</div>` : nothing}
      <div class="card" data-figure="tasks"><b>${o.figures.tasks ?? '—'}</b>${t.tasksWaiting}</div>
      ${o.isWorker ? nothing : html`<div class="card" data-figure="overdue"><b class=${o.figures.overdue ? 'late' : ''}>${o.figures.overdue ?? '—'}</b>${t.tasksOverdue}</div>`}
    </div>
    ${o.isWorker ? html`<button class="primary" type="button" data-go-report @click=${o.onReport}>＋ ${t.reportButton}</button>` : nothing}
  `;
}

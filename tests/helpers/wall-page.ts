import type { Page } from 'playwright-core';
import type { App } from '../../server/app.js';
import type { Queryable } from '../../server/db/database.js';
import { createTokenRepository } from '../../server/repositories/token-repository.js';

/**
 * Reports an incident through the real API as a dispatcher (the same path a
 * grid worker's report takes: history, live event), in the first grid.
 * `inject` is an app's inject (the app need not be listening).
 */
export async function reportIncident(
  app: { inject: App['inject'] },
  db: Queryable,
  urgency: 'red' | 'yellow' | 'blue' = 'red',
): Promise<{ code: string; district: string }> {
  const [p] = await db.query<{ x: number; y: number }>(
    'SELECT ST_X(pt) x, ST_Y(pt) y FROM (SELECT ST_PointOnSurface(boundary) pt FROM grid ORDER BY code LIMIT 1) s',
  );
  const res = await app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: { authorization: `Bearer ${await dispatcherToken(db)}` },
    payload: { category: 'water_leak', urgency, description: '大屏测试：供水管道破裂', location: [p!.x, p!.y] },
  });
  if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
  const f = JSON.parse(res.body).incident;
  return { code: f.properties.code, district: f.properties.district_code };
}

/** Moves an incident on through the workflow as the dispatcher (reject needs a note). */
export async function transitionIncident(app: { inject: App['inject'] }, db: Queryable, code: string, action: string, note?: string): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/incidents/${code}/transitions`,
    headers: { authorization: `Bearer ${await dispatcherToken(db)}` },
    payload: { action, ...(note ? { note } : {}) },
  });
  if (res.statusCode >= 300) throw new Error(`${action} ${code}: ${res.statusCode} ${res.body}`);
}

let token: string | undefined;
async function dispatcherToken(db: Queryable): Promise<string> {
  if (!token) {
    const [u] = await db.query<{ id: number }>(
      "INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('wall-test-dispatcher', '大屏测试调度员', 'dispatcher', 'scrypt$unusable') RETURNING id",
    );
    token = (await createTokenRepository(db).insert({ name: 'wall test', role: 'dispatcher', scope: null, unit: null, createdBy: u!.id, expiresAt: null }))
      .token;
  }
  return token;
}

/** Grids big enough on screen to sample a pixel well inside them: their inscribed circle's centre. */
export async function gridSamplePoints(db: Queryable): Promise<{ code: string; lon: number; lat: number; radius: number }[]> {
  return db.query(
    `SELECT code, ST_X(c.center) lon, ST_Y(c.center) lat, c.radius
       FROM grid, LATERAL ST_MaximumInscribedCircle(boundary) c
      ORDER BY c.radius DESC`,
  );
}

/** The same for communities: a point deep inside each, largest first. */
export async function communitySamplePoints(db: Queryable): Promise<{ code: string; lon: number; lat: number; radius: number }[]> {
  return db.query(
    `SELECT code, ST_X(c.center) lon, ST_Y(c.center) lat, c.radius
       FROM region, LATERAL ST_MaximumInscribedCircle(boundary) c
      WHERE level = 'community'
      ORDER BY c.radius DESC`,
  );
}

/** Reads the map canvas's pixel at CSS position (x, y) of the map (the drawing buffer is preserved for this). */
export function mapPixel(page: Page, x: number, y: number): Promise<[number, number, number, number]> {
  return page.evaluate(
    ([px, py]) => {
      const map = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!;
      const canvas = map.getCanvas();
      const ratio = canvas.width / canvas.clientWidth;
      const c2d = document.createElement('canvas');
      c2d.width = 1;
      c2d.height = 1;
      const ctx = c2d.getContext('2d')!;
      ctx.drawImage(canvas, Math.round(px! * ratio), Math.round(py! * ratio), 1, 1, 0, 0, 1, 1);
      return [...ctx.getImageData(0, 0, 1, 1).data] as [number, number, number, number];
    },
    [x, y],
  );
}

/**
 * The map canvas's pixels at many CSS positions, read from one copy of the
 * drawing buffer: each read of a WebGL canvas copies the whole buffer out of
 * (software) WebGL, so one copy for all points instead of one per point.
 */
export function mapPixels(page: Page, points: { x: number; y: number }[]): Promise<[number, number, number, number][]> {
  return page.evaluate((pts) => {
    const map = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!;
    const canvas = map.getCanvas();
    const ratio = canvas.width / canvas.clientWidth;
    const c2d = document.createElement('canvas');
    c2d.width = canvas.width;
    c2d.height = canvas.height;
    const ctx = c2d.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(canvas, 0, 0);
    return pts.map(({ x, y }) => [...ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data] as [number, number, number, number]);
  }, points);
}

/** Where many points are drawn (as `project`), in one round trip to the page. */
export function projectAll(page: Page, lonLats: [number, number][]): Promise<{ x: number; y: number; width: number; height: number }[]> {
  return page.evaluate((points) => {
    const el = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!;
    return points.map(([lo, la]) => ({ ...el.controller!.project(lo, la), width: el.clientWidth, height: el.clientHeight }));
  }, lonLats);
}

/** Where a point is drawn, in CSS pixels relative to the map, and the map's size. */
export function project(page: Page, lon: number, lat: number): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate(
    ([lo, la]) => {
      const el = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!;
      const p = el.controller!.project(lo!, la!);
      return { ...p, width: el.clientWidth, height: el.clientHeight };
    },
    [lon, lat],
  );
}

/**
 * Counts near-white pixels in a box of the composed page (map + deck.gl
 * overlay), from a real screenshot decoded in the page: how the tests see
 * that labels were drawn.
 */
export async function whitePixelsIn(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = (await page.screenshot({ clip: box })).toString('base64');
  return page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! > 235 && px[i + 1]! > 235 && px[i + 2]! > 235) n++;
    return n;
  }, png);
}

export const hexRgb = (hex: string): [number, number, number] => {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

export interface PlacedLabelBox {
  text: string;
  level: string;
  size: number;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * The names the map draws now and their boxes (CSS pixels relative to the
 * map). Each box is checked against the text's width as the browser measures
 * it in the map's font, so a box too small to hold its name cannot pass.
 */
export async function placedLabels(page: Page): Promise<PlacedLabelBox[]> {
  const labels = await page.evaluate(() => {
    const controller = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!;
    const ctx = document.createElement('canvas').getContext('2d')!;
    const font = getComputedStyle(document.body).getPropertyValue('--wall-font');
    return controller.placedLabels().map((l) => {
      ctx.font = `700 ${l.size}px ${font}`;
      return { ...l, textWidth: ctx.measureText(l.text).width };
    });
  });
  for (const l of labels) {
    if (l.box.width < l.textWidth || l.box.height < l.size)
      throw new Error(`label box of ${l.text} (${l.box.width}×${l.box.height}) smaller than its text (${l.textWidth}×${l.size})`);
  }
  return labels.map(({ textWidth: _w, ...l }) => l);
}

/** Pairs of labels whose boxes intersect, by name. */
export function boxesOverlap(labels: PlacedLabelBox[]): string[] {
  const out: string[] = [];
  labels.forEach((a, i) =>
    labels.slice(i + 1).forEach((b) => {
      if (a.box.x < b.box.x + b.box.width && b.box.x < a.box.x + a.box.width && a.box.y < b.box.y + b.box.height && b.box.y < a.box.y + a.box.height)
        out.push(`${a.text} × ${b.text}`);
    }),
  );
  return out;
}

/**
 * What does not fit on the wall, read from the laid-out page: category rows
 * and directives cut off by their panel, names cut short (text wider than its
 * box), ranking and ticker rows wrapped onto a second line, incident codes cut
 * off. Also counts what is shown whole.
 */
export function layoutProblems(
  page: Page,
): Promise<{ problems: string[]; categories: number; directives: string[]; rankingRows: number; tickerCodes: number }> {
  return page.evaluate(() => {
    const root = document.querySelector('gs-wall-display')!.shadowRoot!;
    const problems: string[] = [];
    const inside = (el: Element, box: DOMRect) => {
      const r = el.getBoundingClientRect();
      return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
    };
    const cut = (el: Element) => el.scrollWidth > el.clientWidth + 0.5;
    const panelOf = (tag: string) => root.querySelector(tag)!.closest('.panel')!.getBoundingClientRect();
    const lineHeight = (el: Element) => parseFloat(getComputedStyle(el).lineHeight);

    const chart = root.querySelector('gs-category-chart')!.shadowRoot!;
    let categories = 0;
    for (const name of chart.querySelectorAll('[data-category] .name')) {
      const whole = inside(name, panelOf('gs-category-chart')) && !cut(name);
      if (whole) categories++;
      else problems.push(`category "${name.textContent}" cut off`);
    }

    const ranking = root.querySelector('gs-district-ranking')!.shadowRoot!;
    const rows = [...ranking.querySelectorAll('tbody tr')];
    for (const th of ranking.querySelectorAll('th[data-ranking]')) if (cut(th)) problems.push(`ranking heading "${th.textContent}" cut short`);
    for (const [i, tr] of rows.entries()) {
      const td = tr.querySelector('td[data-ranking]')!;
      if (tr.getBoundingClientRect().height > 1.3 * lineHeight(td)) problems.push(`ranking row ${i + 1} wraps (${tr.getBoundingClientRect().height}px)`);
      if (!inside(tr, panelOf('gs-district-ranking'))) problems.push(`ranking row ${i + 1} cut off`);
      for (const name of tr.querySelectorAll('.name')) if (cut(name)) problems.push(`ranking name "${name.textContent}" cut short`);
    }

    const ticker = root.querySelector('gs-incident-ticker')!.shadowRoot!;
    const tickerBox = panelOf('gs-incident-ticker');
    let tickerCodes = 0;
    for (const li of ticker.querySelectorAll('li')) {
      if (li.getBoundingClientRect().bottom > tickerBox.bottom) break;
      const code = li.querySelector('.code')!;
      if (cut(code) || code.getBoundingClientRect().right > li.getBoundingClientRect().right + 0.5)
        problems.push(`ticker code ${li.getAttribute('data-code')} cut off`);
      else tickerCodes++;
      if (li.getBoundingClientRect().height > 1.3 * lineHeight(li)) problems.push(`ticker line ${li.getAttribute('data-code')} wraps`);
    }

    const directivePanel = root.querySelector('gs-directive-panel')!.shadowRoot!;
    const directives: string[] = [];
    for (const section of directivePanel.querySelectorAll('section[data-directive]')) {
      if (inside(section, panelOf('gs-directive-panel'))) directives.push(section.getAttribute('data-directive')!);
      else problems.push(`directive ${section.getAttribute('data-directive')} cut off`);
    }

    const kpis = root.querySelector('gs-kpi-panel')!;
    for (const el of kpis.shadowRoot!.querySelectorAll('*')) if (el.children.length === 0 && cut(el)) problems.push(`KPI text "${el.textContent}" cut short`);
    if (!inside(root.querySelector('gs-kpi-panel')!, panelOf('gs-kpi-panel'))) problems.push('KPI panel cut off');
    const h1 = root.querySelector('h1')!;
    if (cut(h1) || h1.getBoundingClientRect().right > window.innerWidth) problems.push('title cut off');
    return { problems, categories, directives, rankingRows: rows.length, tickerCodes };
  });
}

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
  app: { inject: App['inject'] }, db: Queryable, urgency: 'red' | 'yellow' | 'blue' = 'red',
): Promise<{ code: string; district: string }> {
  const [p] = await db.query<{ x: number; y: number }>('SELECT ST_X(pt) x, ST_Y(pt) y FROM (SELECT ST_PointOnSurface(boundary) pt FROM grid ORDER BY code LIMIT 1) s');
  const res = await app.inject({
    method: 'POST', url: '/api/incidents', headers: { authorization: `Bearer ${await dispatcherToken(db)}` },
    payload: { category: 'water_leak', urgency, description: '大屏测试：供水管道破裂', location: [p!.x, p!.y] },
  });
  if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
  const f = JSON.parse(res.body).incident;
  return { code: f.properties.code, district: f.properties.district_code };
}

let token: string | undefined;
async function dispatcherToken(db: Queryable): Promise<string> {
  if (!token) {
    const [u] = await db.query<{ id: number }>(
      "INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('wall-test-dispatcher', '大屏测试调度员', 'dispatcher', 'scrypt$unusable') RETURNING id");
    token = (await createTokenRepository(db).insert({ name: 'wall test', role: 'dispatcher', scope: null, unit: null, createdBy: u!.id, expiresAt: null })).token;
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

/** Reads the map canvas's pixel at CSS position (x, y) of the map (the drawing buffer is preserved for this). */
export function mapPixel(page: Page, x: number, y: number): Promise<[number, number, number, number]> {
  return page.evaluate(([px, py]) => {
    const map = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!;
    const canvas = map.getCanvas();
    const ratio = canvas.width / canvas.clientWidth;
    const c2d = document.createElement('canvas');
    c2d.width = 1;
    c2d.height = 1;
    const ctx = c2d.getContext('2d')!;
    ctx.drawImage(canvas, Math.round(px! * ratio), Math.round(py! * ratio), 1, 1, 0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data] as [number, number, number, number];
  }, [x, y]);
}

/** Where a point is drawn, in CSS pixels relative to the map, and the map's size. */
export function project(page: Page, lon: number, lat: number): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate(([lo, la]) => {
    const el = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!;
    const p = el.controller!.project(lo!, la!);
    return { ...p, width: el.clientWidth, height: el.clientHeight };
  }, [lon, lat]);
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

import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { createUser, login, pickPlaces, pointInGrid, TEST_PASSWORD, type Session } from '../helpers/identity.js';
import { createSeededApp, json, runStart, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { incidentPlaces } from '../helpers/incident-places.js';
import { phoneJpeg, solidPng } from '../helpers/test-images.js';
import { BACKEND } from '../helpers/test-database.js';
import { jpegSize, openFieldApp, phoneContext, reportThroughPage, signInAgain } from '../helpers/field-app-page.js';
import { FIELD_CATEGORIES } from '../../web/m/field-categories.js';
import { MESSAGES } from '../../server/errors/messages.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping field app tests: no Chromium at ${CHROMIUM_PATH}`);

/** Where the phone screens go, to be looked at (390×844, both languages). */
const SHOTS = process.env.FIELD_SHOTS ?? '/tmp/field-shots';

/**
 * The field app (/m) on an emulated phone over the real server: a grid
 * worker's report with photos, online and offline (the outbox surviving a
 * reload), and a handler's start and resolve. What the server stored is read
 * back with SQL.
 */
describe.skipIf(!chromiumAvailable)(`field app (/m) in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  let places: Awaited<ReturnType<typeof pickPlaces>>;
  let worker: Session;
  let inGrid: [number, number];
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    ctx = await createSeededApp({ ...SMALL_CITY, now: runStart() }, { auth: { anonymousRead: false } });
    places = await pickPlaces(ctx.db);
    await createUser(ctx.db, { username: 'g-worker', role: 'grid_worker', scope: places.grid });
    await createUser(ctx.db, { username: 'd-one', role: 'dispatcher' });
    await createUser(ctx.db, { username: 'h-sanitation', role: 'handler', unit: 'sanitation' });
    // Disputes go to the street office of the grid's street (demo-units.ts).
    await createUser(ctx.db, { username: 'h-street', role: 'handler', unit: `street_office.${places.street}` });
    // A second worker of the same grid, for the outbox's hard cases (its sessions are ended on purpose).
    await createUser(ctx.db, { username: 'g-outbox', role: 'grid_worker', scope: places.grid });
    worker = await login(ctx.app, 'g-worker');
    inGrid = await pointInGrid(ctx.db, places.grid);
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });
  // A test's phones are closed when it ends: left open, each kept its map and live stream at work through the later tests.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  /**
   * A phone signed in as `username` on /m, waited on until its first screen. Through the login page (its form on a
   * phone's screen) for `viaLoginPage`; else with the session from the login API, as the login page gets it: a
   * page load less per phone (the login page stores nothing in the browser but the session cookie). `prepare` runs on
   * the new page before it loads.
   */
  async function phone(
    username: string,
    lang: 'zh' | 'en' = 'zh',
    viaLoginPage = false,
    prepare?: (page: Page) => Promise<unknown>,
    serviceWorkers: 'allow' | 'block' = 'allow',
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await phoneContext(browser, inGrid, lang, serviceWorkers);
    contexts.push(context);
    const query = lang === 'en' ? '?lang=en' : '';
    if (viaLoginPage) return { context, page: await openFieldApp(context, base, username, problems, query) };
    const page = await context.newPage();
    await prepare?.(page);
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${username} console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${username} page error: ${e.message}`));
    const res = await context.request.post(`${base}/api/auth/login`, { data: { username, password: TEST_PASSWORD } });
    expect(res.status(), await res.text()).toBe(200);
    await page.goto(`${base}/m${query}`);
    await page.waitForSelector('gs-field-app[data-state="ready"]', { timeout: 120_000 });
    return { context, page };
  }

  /** No console or page errors offline either (MapLibre's worker included: web/m/field-map.ts makes it from a blob). */
  function expectNoProblemsOffline(): void {
    expect(problems).toEqual([]);
    problems.splice(0, problems.length);
  }

  const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });
  const bigPhoto = { name: 'camera.png', mimeType: 'image/png', buffer: solidPng(3000, 2000, [190, 120, 60]) };
  /** For the outbox's cases, where the photo's size is beside the point: quick to downscale. */
  const smallPhoto = { name: 'small.png', mimeType: 'image/png', buffer: solidPng(640, 480, [90, 140, 60]) };
  const exifPhoto = { name: 'phone.jpg', mimeType: 'image/jpeg', buffer: phoneJpeg() };

  /** Incidents with this description and the number of their before photos, from the database. */
  const stored = (descriptions: string[]) =>
    ctx.db.query<{ code: string; description: string; category_code: string; urgency: string; grid_code: string; photos: number }>(
      `SELECT i.code, i.description, i.category_code, i.urgency, i.grid_code,
              (SELECT count(*)::int FROM incident_photo p WHERE p.incident_id = i.id AND p.kind = 'before') photos
         FROM incident i WHERE i.description = ANY($1) ORDER BY i.description`,
      [descriptions],
    );

  it('offers the 13 categories of the database, in its order', async () => {
    const rows = await ctx.db.query<{ code: string }>('SELECT code FROM incident_category ORDER BY sort_order');
    expect(FIELD_CATEGORIES.map((c) => c.code)).toEqual(rows.map((r) => r.code));
  });

  it('shows the worker inside their grid with its open incidents; a report with photos made online is stored with its photos, downscaled JPEG without EXIF', async () => {
    const { page } = await phone('g-worker', 'zh', true);
    const [grid] = await ctx.db.query<{ name: string; open: number }>(
      'SELECT g.name, (SELECT count(*)::int FROM incident i WHERE i.grid_code = g.code AND incident_is_open(i.status)) open FROM grid g WHERE g.code = $1',
      [places.grid],
    );
    await expect.poll(() => page.locator('[data-where]').getAttribute('data-where'), { timeout: 60_000 }).toBe('inside');
    expect(await page.locator('[data-where]').textContent()).toContain(grid!.name);
    await expect.poll(() => page.locator('[data-figure="open"] b').textContent(), { timeout: 60_000 }).toBe(String(grid!.open));
    // Until MapLibre has drawn, the grid and the phone are an outline from the kept boundary; the map hides it once drawn.
    const outline = page.locator('[data-screen="home"] [data-grid-outline]');
    await outline.locator('[data-me]').waitFor({ state: 'attached', timeout: 30_000 });
    expect(await outline.locator('path').count()).toBe(1);
    await page.locator('[data-screen="home"] gs-field-map[data-ready]').waitFor({ timeout: 60_000 });
    expect(await outline.isVisible()).toBe(false);
    await shoot(page, 'zh-home');

    // Around their grid, their community's grids, drawn and named within it (第二网格), as the database has them.
    const around = await ctx.db.query<{ code: string; name: string; level: string }>(
      `SELECT r.code, r.name, 'community' AS level FROM grid g JOIN region r ON r.code = g.community_code WHERE g.code = $1
       UNION ALL SELECT o.code, o.name, 'grid' FROM grid g JOIN grid o ON o.community_code = g.community_code WHERE g.code = $1`,
      [places.grid],
    );
    const community = around.find((a) => a.level === 'community')!;
    const homeMap = page.locator('[data-screen="home"] gs-field-map');
    await expect.poll(() => homeMap.getAttribute('data-areas'), { timeout: 60_000 }).toBe(String(around.length));
    const drawn = () => outlinesDrawn(page);
    // A neighbour shows beside theirs (the map leaves room around the grid).
    await expect.poll(async () => (await drawn()).filter((c) => c !== places.grid && c !== community.code).length, { timeout: 30_000 }).toBeGreaterThan(0);
    for (const code of await drawn()) expect(around.map((a) => a.code)).toContain(code);
    const names = await homeMap.locator('.area-name[data-shown]').evaluateAll((els) => els.map((el) => [(el as HTMLElement).dataset.area!, el.textContent!]));
    expect(names.length).toBeGreaterThan(0);
    for (const [code, text] of names) {
      const grid = around.find((a) => a.code === code && a.level === 'grid')!;
      expect(grid.name.startsWith(community.name)).toBe(true);
      expect(text, code).toBe(grid.name.slice(community.name.length));
    }

    // The worker walks 400 m out of their grid (outward from a corner, where that is outside): the card says how far
    // back, as PostGIS measures it, and the map frames them with the grid.
    const [out] = await ctx.db.query<{ x: number; y: number; metres: number; span: number }>(
      `WITH g AS (SELECT boundary, ST_PointOnSurface(boundary) inside FROM grid WHERE code = $1),
            p AS (SELECT ST_Project(c.geom::geography, 400, ST_Azimuth(g.inside, c.geom))::geometry pt, g.boundary
                    FROM g, ST_DumpPoints(g.boundary) c)
       SELECT ST_X(pt) x, ST_Y(pt) y, ST_Distance(boundary::geography, pt::geography)::float8 metres,
              ST_Distance(ST_SetSRID(ST_Point(ST_XMin(boundary), ST_YMin(boundary)), 4326)::geography,
                          ST_SetSRID(ST_Point(ST_XMax(boundary), ST_YMax(boundary)), 4326)::geography)::float8 span
         FROM p WHERE NOT ST_Intersects(boundary, pt) ORDER BY metres DESC LIMIT 1`,
      [places.grid],
    );
    // Near enough to be framed with the grid (within twice its size), which stays a shape on the map, not a speck.
    expect(out!.metres).toBeLessThan(2 * out!.span);
    await page.context().setGeolocation({ longitude: out!.x, latitude: out!.y, accuracy: 10 });
    await expect.poll(() => page.locator('[data-where]').getAttribute('data-where'), { timeout: 30_000 }).toBe('outside');
    const away = Number(await page.locator('[data-grid-away]').getAttribute('data-grid-away'));
    expect(Math.abs(away - out!.metres)).toBeLessThanOrEqual(Math.max(15, out!.metres * 0.02));
    expect(await page.locator('[data-grid-away]').textContent()).toBe(`距网格约 ${away} 米`);
    const map = page.locator('[data-screen="home"] gs-field-map');
    const meInMap = async () => {
      const [m, me] = await Promise.all([map.boundingBox(), map.locator('.me').boundingBox()]);
      return !!m && !!me && me.x >= m.x && me.y >= m.y && me.x + me.width <= m.x + m.width && me.y + me.height <= m.y + m.height;
    };
    await expect.poll(meInMap, { timeout: 30_000 }).toBe(true);
    await shoot(page, 'zh-home-outside');
    await page.context().setGeolocation({ longitude: inGrid[0], latitude: inGrid[1], accuracy: 10 });
    await expect.poll(() => page.locator('[data-where]').getAttribute('data-where'), { timeout: 30_000 }).toBe('inside');

    await reportThroughPage(page, { category: 'uncollected_garbage', urgency: 'yellow', description: '手机上报：垃圾桶满溢', photos: [bigPhoto, exifPhoto] });
    const sent = page.locator('[data-screen="outbox"] li[data-state="sent"]');
    await sent.waitFor({ timeout: 60_000 });
    await shoot(page, 'zh-outbox');
    const code = (await sent.getAttribute('data-code'))!;
    expect(code).toMatch(/^SJ\d{15}$/);
    expect(await stored(['手机上报：垃圾桶满溢'])).toEqual([
      { code, description: '手机上报：垃圾桶满溢', category_code: 'uncollected_garbage', urgency: 'yellow', grid_code: places.grid, photos: 2 },
    ]);
    const photos = await ctx.db.query<{ id: number; mime: string }>(
      'SELECT p.id, p.mime FROM incident_photo p JOIN incident i ON i.id = p.incident_id WHERE i.code = $1 ORDER BY p.bytes DESC',
      [code],
    );
    expect(photos.map((p) => p.mime)).toEqual(['image/jpeg', 'image/jpeg']);
    const res = await ctx.app.inject({ method: 'GET', url: `/api/incidents/${code}/photos/${photos[0]!.id}`, headers: worker.read });
    expect(jpegSize(res.rawPayload)).toEqual({ width: 1600, height: 1067 });
    for (const p of photos) {
      const bytes = (await ctx.app.inject({ method: 'GET', url: `/api/incidents/${code}/photos/${p.id}`, headers: worker.read })).rawPayload;
      expect(bytes.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    }
    await page.click('[data-tab="report"]');
    await shoot(page, 'zh-report');
    await page.click('[data-tab="tasks"]');
    await page.locator(`gs-tasks-view li[data-task="${code}"]`).waitFor({ timeout: 60_000 });
    await shoot(page, 'zh-tasks-worker');
    expect(problems).toEqual([]);
  });

  it('keeps two reports made offline across a reload and sends each exactly once when the phone is online again', async () => {
    const { context, page } = await phone('g-worker');
    // The service worker has cached the app shell: the reload below needs it.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // The grids around theirs, drawn once online, are kept for a map opened with no network.
    const homeMap = page.locator('[data-screen="home"] gs-field-map');
    await expect.poll(() => homeMap.getAttribute('data-areas'), { timeout: 60_000 }).not.toBeNull();
    const areas = await homeMap.getAttribute('data-areas');
    expect(Number(areas)).toBeGreaterThan(2);
    await context.setOffline(true);
    await page.locator('[data-offline]').waitFor({ timeout: 30_000 });
    const descriptions = ['离线上报一：井盖缺失', '离线上报二：路灯不亮'];
    await reportThroughPage(page, { category: 'road_damage', urgency: 'red', description: descriptions[0]!, photos: [bigPhoto] });
    await reportThroughPage(page, { category: 'streetlight_fault', urgency: 'blue', description: descriptions[1]!, photos: [bigPhoto] });
    const waiting = page.locator('[data-screen="outbox"] li[data-state="waiting"]');
    await expect.poll(() => waiting.count(), { timeout: 30_000 }).toBe(2);

    await page.reload();
    await page.waitForSelector('gs-field-app[data-state="ready"]', { timeout: 120_000 });
    // The map starts offline too: its worker's script comes from the service worker's cache (web/m/field-map.ts).
    await page.locator('[data-screen="home"] gs-field-map[data-ready]').waitFor({ timeout: 60_000 });
    await expect.poll(() => homeMap.getAttribute('data-areas'), { timeout: 30_000 }).toBe(areas);
    await page.click('[data-tab="outbox"]');
    await expect.poll(() => waiting.count(), { timeout: 30_000 }).toBe(2);
    await shoot(page, 'zh-outbox-offline');
    expect(await stored(descriptions)).toEqual([]);

    await context.setOffline(false);
    const sent = page.locator('[data-screen="outbox"] li[data-state="sent"]');
    await expect.poll(() => sent.count(), { timeout: 120_000 }).toBe(2);
    const rows = await stored(descriptions);
    expect(rows.map((r) => [r.description, r.photos])).toEqual([
      [descriptions[0], 1],
      [descriptions[1], 1],
    ]);
    expect((await sent.evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).sort()).toEqual(rows.map((r) => r.code).sort());
    expectNoProblemsOffline();
  });

  it('offers the same-category report made here minutes ago; adding the photo to it makes no new incident', async () => {
    const [first] = await stored(['手机上报：垃圾桶满溢']);
    const { page } = await phone('g-worker');
    const photo = { name: 'more.png', mimeType: 'image/png', buffer: solidPng(2000, 1500, [30, 90, 200]) };
    const offer = page.locator(`gs-report-form [data-nearby="${first!.code}"]`);
    await reportThroughPage(
      page,
      { category: 'uncollected_garbage', urgency: 'blue', description: '补充照片，不应成为新事件', photos: [photo] },
      'add',
      async () => {
        expect(await offer.textContent()).toContain('已有同类上报：补充到该事件？');
        await offer.scrollIntoViewIfNeeded();
        await shoot(page, 'zh-nearby');
      },
    );
    await page.locator(`[data-screen="outbox"] li[data-state="sent"][data-code="${first!.code}"]`).waitFor({ timeout: 60_000 });
    expect(await stored(['补充照片，不应成为新事件'])).toEqual([]);
    expect((await stored(['手机上报：垃圾桶满溢']))[0]!.photos).toBe(first!.photos + 1);
    expect(problems).toEqual([]);
  });

  /**
   * A handler's home map: the districts and streets of their area (the city) outlined under the dots, as the region
   * table has them, and names from that table in the page's language, no two over each other.
   */
  /** The codes of the area outlines the home map has drawn, once it has stopped moving (none while it moves). */
  const outlinesDrawn = (page: Page) =>
    page.evaluate(`(() => {
      const map = document.querySelector('gs-field-app').shadowRoot.querySelector('gs-field-map').kit.map;
      return map.isMoving() ? [] : [...new Set(map.queryRenderedFeatures({ layers: ['area-lines'] }).map((f) => f.properties.code))];
    })()`) as Promise<string[]>;

  async function expectAreas(page: Page, lang: 'zh' | 'en'): Promise<void> {
    const regions = await ctx.db.query<{ code: string; name: string; name_en: string | null }>(
      `SELECT code, name, name_en FROM region WHERE level IN ('district', 'street')`,
    );
    const byCode = new Map(regions.map((r) => [r.code, r]));
    const fieldMap = page.locator('[data-screen="home"] gs-field-map');
    await expect.poll(() => fieldMap.getAttribute('data-areas'), { timeout: 60_000 }).toBe(String(regions.length));
    const settled = () => outlinesDrawn(page);
    await expect.poll(async () => (await settled()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    for (const code of await settled()) expect(byCode.has(code), code).toBe(true);
    const names = await fieldMap.locator('.area-name[data-shown]').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { code: (el as HTMLElement).dataset.area!, text: el.textContent, box: [r.left, r.top, r.right, r.bottom] };
      }),
    );
    expect(names.length).toBeGreaterThan(0);
    for (const { code, text } of names) {
      const region = byCode.get(code)!;
      expect(text, code).toBe(lang === 'en' ? (region.name_en ?? region.name) : region.name);
    }
    for (const [i, a] of names.entries())
      for (const b of names.slice(i + 1)) {
        const apart = a.box[2]! <= b.box[0]! || b.box[2]! <= a.box[0]! || a.box[3]! <= b.box[1]! || b.box[3]! <= a.box[1]!;
        expect(apart, `${a.text} ${JSON.stringify(a.box)} over ${b.text} ${JSON.stringify(b.box)}`).toBe(true);
      }
  }

  it("lets a handler start their unit's incident and resolve it with an after photo, both offline: sent once each, in order", async () => {
    const dispatcher = await login(ctx.app, 'd-one');
    const made = await ctx.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: worker.write,
      payload: { category: 'uncollected_garbage', description: '处置测试：垃圾堆放', location: inGrid },
    });
    expect(made.statusCode, made.body).toBe(201);
    const code = json(made).incident.properties.code as string;
    for (const payload of [{ action: 'file' }, { action: 'dispatch', units: ['sanitation'] }]) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: dispatcher.write, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
    const statusOf = async () => (await ctx.db.query<{ status: string }>('SELECT status FROM incident WHERE code = $1', [code]))[0]!.status;

    // The task list is held until the map has drawn (its place then the phone's alone), as on a slow line: the map
    // must then take in the tasks that come.
    let releaseTasks!: () => void;
    const tasksHeld = new Promise<void>((resolve) => (releaseTasks = resolve));
    const { context, page } = await phone('h-sanitation', 'zh', false, (p) =>
      p.route('**/api/me/tasks', async (route) => {
        await tasksHeld;
        await route.fallback();
      }),
    );
    // A handler has no grid: the home map shows the unit's tasks, a dot each, and a tap on one opens it in the list.
    const inHand = await ctx.db.query<{ code: string }>(
      `SELECT i.code FROM incident_assignment a JOIN incident i ON i.id = a.incident_id
        WHERE a.unit_code = 'sanitation' AND a.status <> 'resolved' AND i.status IN ('dispatched', 'in_progress') ORDER BY 1`,
    );
    expect(inHand.map((r) => r.code)).toContain(code);
    await page.locator('[data-screen="home"] gs-field-map[data-ready]').waitFor({ timeout: 60_000 });
    releaseTasks();
    const dotCodes = () =>
      page.evaluate(`(() => {
        const map = document.querySelector('gs-field-app').shadowRoot.querySelector('gs-field-map').kit.map;
        return [...new Set(map.queryRenderedFeatures({ layers: ['task-dots'] }).map((f) => f.properties.code))].sort();
      })()`);
    await expect.poll(dotCodes, { timeout: 30_000 }).toEqual(inHand.map((r) => r.code));
    // Under them, the districts and streets of the city, and the names that fit (the phone's style has no basemap).
    await expectAreas(page, 'zh');
    // Beside the map, how many tasks wait and how many of them are past their deadline, as the database has them.
    const [late] = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM incident_assignment a JOIN incident i ON i.id = a.incident_id
        WHERE a.unit_code = 'sanitation' AND a.status <> 'resolved' AND i.status IN ('dispatched', 'in_progress') AND a.due_at < now()`,
    );
    expect(late!.n).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-figure="tasks"] b').textContent()).toBe(String(inHand.length));
    await expect.poll(() => page.locator('[data-figure="overdue"] b').textContent()).toBe(String(late!.n));
    await shoot(page, 'zh-home-handler');
    const dot = (await page.evaluate(`(() => {
      const el = document.querySelector('gs-field-app').shadowRoot.querySelector('gs-field-map');
      const p = el.kit.map.project(${JSON.stringify(json(made).incident.geometry.coordinates)});
      const box = el.getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    })()`)) as { x: number; y: number };
    await page.mouse.click(dot.x, dot.y);
    const picked = page.locator('gs-tasks-view li.focused');
    await picked.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-tab="tasks"]').getAttribute('aria-current')).toBe('page');
    // Several dots may lie under the finger; the one marked is one of them, in view.
    expect(inHand.map((r) => r.code)).toContain(await picked.getAttribute('data-task'));
    const box = (await picked.boundingBox())!;
    expect(box.y >= 0 && box.y + box.height <= page.viewportSize()!.height, `marked task at ${JSON.stringify(box)}`).toBe(true);
    const task = page.locator(`gs-tasks-view li[data-task="${code}"]`);
    await task.waitFor({ timeout: 60_000 });
    // Each task says where it is: a handler's tasks lie anywhere in the city.
    const where = await incidentPlaces(
      ctx.db,
      inHand.map((r) => r.code),
    );
    for (const { code: c } of inHand) expect(await page.locator(`gs-tasks-view li[data-task="${c}"] [data-place]`).textContent()).toBe(where.get(c)!.zh);
    // And how far it is from the phone (at inGrid), within 1 % of PostGIS's distance on the spheroid (the phone's is
    // Turf's great circle), in metres below a kilometre and in kilometres above.
    const far = await ctx.db.query<{ code: string; m: number }>(
      'SELECT code, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) m FROM incident WHERE code = ANY($1)',
      [inHand.map((r) => r.code), ...inGrid],
    );
    for (const { code: c, m } of far) {
      const away = page.locator(`gs-tasks-view li[data-task="${c}"] [data-away]`);
      const shown = Number(await away.getAttribute('data-away', { timeout: 30_000 }));
      expect(Math.abs(shown - m), `${c}: ${shown} m shown, ${m} m by PostGIS`).toBeLessThanOrEqual(m * 0.01 + 2);
      expect(await away.textContent()).toBe(shown < 1000 ? `距我 ${shown} 米` : `距我 ${(shown / 1000).toFixed(1)} 公里`);
    }
    // And the working hours left to its deadline as the API serves them (a tenth of an hour apart at most: the two asked
    // a moment apart), "over" once past it.
    const served = json(await ctx.app.inject({ method: 'GET', url: '/api/me/tasks', headers: (await login(ctx.app, 'h-sanitation')).read })).tasks as {
      code: string;
      working_hours_left: number;
    }[];
    expect(served.map((s) => s.code).sort()).toEqual(inHand.map((r) => r.code));
    for (const { code: c, working_hours_left: left } of served) {
      const text = (await page.locator(`gs-tasks-view li[data-task="${c}"] [data-hours-left]`).textContent())!;
      const [, word, hours] = /^(剩余|已超) ([\d.]+) 工作小时$/.exec(text) ?? [];
      expect(word, text).toBe(left >= 0 ? '剩余' : '已超');
      expect(Math.abs(Math.abs(left) - Number(hours)), text).toBeLessThanOrEqual(0.1 + 1e-9);
    }
    await shoot(page, 'zh-tasks-handler');
    // Started and resolved in a stairwell with no network: both steps wait in the outbox, the resolve with its photo.
    await context.setOffline(true);
    await page.locator('[data-offline]').waitFor({ timeout: 30_000 });
    await task.locator('[data-start]').click();
    await task.locator('[data-queued-start]').waitFor({ timeout: 30_000 });
    await task.locator('[data-open-resolve]').click();
    await task.locator('input[type="file"]').setInputFiles([bigPhoto]);
    await task.locator('[data-resolve]:not([disabled])').click();
    await task.locator('[data-queued]').waitFor({ timeout: 30_000 });
    const steps = page.locator('[data-screen="outbox"] li[data-kind="action"]');
    await expect.poll(() => steps.evaluateAll((li) => li.map((e) => e.getAttribute('data-state'))), { timeout: 30_000 }).toEqual(['waiting', 'waiting']);
    expect(await statusOf()).toBe('dispatched');
    // Opened again with no network, the map still has the area's outlines (kept on the phone) under the tasks.
    await page.reload();
    await page.locator('[data-offline]').waitFor({ timeout: 30_000 });
    await expectAreas(page, 'zh');
    await context.setOffline(false);
    await expect.poll(statusOf, { timeout: 60_000 }).toBe('resolved');
    await expect.poll(() => steps.evaluateAll((li) => li.map((e) => e.getAttribute('data-state'))), { timeout: 60_000 }).toEqual(['sent', 'sent']);
    const history = await ctx.db.query<{ action: string; from_status: string; to_status: string }>(
      `SELECT h.action, h.from_status, h.to_status FROM incident_history h JOIN incident i ON i.id = h.incident_id
        WHERE i.code = $1 AND h.action IN ('start', 'resolve') ORDER BY h.at, h.id`,
      [code],
    );
    expect(history).toEqual([
      { action: 'start', from_status: 'dispatched', to_status: 'in_progress' },
      { action: 'resolve', from_status: 'in_progress', to_status: 'resolved' },
    ]);
    const [after] = await ctx.db.query<{ photos: number }>(
      `SELECT (SELECT count(*)::int FROM incident_photo p WHERE p.incident_id = i.id AND p.kind = 'after') photos FROM incident i WHERE i.code = $1`,
      [code],
    );
    expect(after!.photos).toBe(1);
    expectNoProblemsOffline();
  });

  it('lets the grid worker check the resolved incident on site: photo, verdict and note go into its history', async () => {
    const [resolved] = await ctx.db.query<{ code: string }>("SELECT code FROM incident WHERE description = '处置测试：垃圾堆放' AND status = 'resolved'");
    const { page } = await phone('g-worker');
    await page.click('[data-tab="tasks"]');
    const task = page.locator(`gs-tasks-view li[data-task="${resolved!.code}"]`);
    await task.locator('[data-open-check]').click();
    await task.locator('input[type="file"]').setInputFiles([bigPhoto]);
    await task.locator('input[name="note"]').fill('现场已清理干净');
    await shoot(page, 'zh-check');
    await task.locator('[data-verdict="fixed"]:not([disabled])').click();
    const checks = () =>
      ctx.db.query<{ note: string; verdict: string; photos: number }>(
        `SELECT h.note, h.details->>'verdict' verdict,
                (SELECT count(*)::int FROM incident_photo p WHERE p.incident_id = i.id AND p.kind = 'check') photos
           FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'check'`,
        [resolved!.code],
      );
    await expect.poll(checks, { timeout: 30_000 }).toEqual([{ note: '现场已清理干净', verdict: 'fixed', photos: 1 }]);
    // Checked: no longer a task to check.
    await expect.poll(() => task.locator('[data-open-check]').count(), { timeout: 30_000 }).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shares the position only while switched on, and stops with one tap', async () => {
    const { page } = await phone('g-worker');
    const shared = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM worker_position'))[0]!.n;
    expect(await page.locator('[data-share]').getAttribute('data-share')).toBe('off');
    await page.click('[data-share]');
    await expect.poll(shared, { timeout: 30_000 }).toBe(1);
    await shoot(page, 'zh-sharing');
    await page.click('[data-share="on"]');
    await expect.poll(shared, { timeout: 30_000 }).toBe(0);
    expect(problems).toEqual([]);
  });

  it('sends a report cut off after the server took it again, with the same Idempotency-Key: one incident', async () => {
    // No service worker: the cut is made by routing the page's POST (phoneContext says why).
    const { context, page } = await phone('g-outbox', 'zh', false, undefined, 'block');
    const description = '断线重发：消防通道堵塞';
    const keys: string[] = [];
    let firstAnswer = 0;
    let cutOff!: () => void;
    const wasCut = new Promise<void>((resolve) => (cutOff = resolve));
    await page.route('**/api/incidents', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 1) return route.fallback();
      // The server gets the report and commits it; the connection drops before the phone hears the answer.
      firstAnswer = (await route.fetch()).status();
      await route.abort('connectionreset');
      cutOff();
    });
    await reportThroughPage(page, { category: 'road_damage', urgency: 'red', description, photos: [smallPhoto] });
    await wasCut;
    const item = page.locator('[data-screen="outbox"] li[data-kind="report"]');
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 60_000 }).toBe('waiting');
    expect(firstAnswer).toBe(201);
    expect((await stored([description])).map((r) => r.photos)).toEqual([0]);

    // The connection comes back: the outbox sends the report again, with the same key.
    const resent = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST', { timeout: 60_000 });
    await context.setOffline(true);
    await page.locator('[data-offline]').waitFor({ timeout: 30_000 });
    await context.setOffline(false);
    expect((await resent).headers()['idempotent-replayed']).toBe('true');
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 60_000 }).toBe('sent');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    const rows = await stored([description]);
    expect(rows.map((r) => [r.code, r.photos])).toEqual([[await item.getAttribute('data-code'), 1]]);
    const [kept] = await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM idempotency_key WHERE key = $1', [keys[0]]);
    expect(kept!.n).toBe(1);
    expectNoProblemsOffline();
  });

  it('keeps the reports when the sign-in ends while they wait, asks to sign in again, and sends each once after it', async () => {
    const { context, page } = await phone('g-outbox');
    await context.setOffline(true);
    await page.locator('[data-offline]').waitFor({ timeout: 30_000 });
    const descriptions = ['登录过期一：路面积水', '登录过期二：树木倒伏'];
    await reportThroughPage(page, { category: 'road_damage', urgency: 'yellow', description: descriptions[0]!, photos: [smallPhoto] });
    await reportThroughPage(page, { category: 'streetlight_fault', urgency: 'blue', description: descriptions[1]!, photos: [smallPhoto] });
    // The shift's sign-in runs out while the phone is offline: the clock passes its end (the sessions are moved a
    // shift into the past, as the check created_at < expires_at wants; the server's own expiry test does the rest).
    await ctx.db.query(
      `UPDATE user_session SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 minute'
        WHERE user_id = (SELECT id FROM app_user WHERE username = 'g-outbox')`,
    );
    const [sessions] = await ctx.db.query<{ live: number; ended: number }>(
      `SELECT count(*) FILTER (WHERE s.expires_at > now())::int live, count(*) FILTER (WHERE s.expires_at <= now())::int ended
         FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'g-outbox'`,
    );
    expect(sessions!.live).toBe(0);
    expect(sessions!.ended).toBeGreaterThan(0);
    await context.setOffline(false);
    await page.locator('[data-expired]').waitFor({ timeout: 60_000 });
    const waiting = page.locator('[data-screen="outbox"] li[data-state="waiting"][data-attention]');
    await expect.poll(() => waiting.count(), { timeout: 60_000 }).toBe(2);
    await shoot(page, 'zh-outbox-signed-out');
    expect(await stored(descriptions)).toEqual([]);

    await signInAgain(page, 'g-outbox');
    await page.click('[data-tab="outbox"]');
    const sent = page.locator('[data-screen="outbox"] li[data-state="sent"]');
    await expect.poll(() => sent.count(), { timeout: 120_000 }).toBe(2);
    expect((await stored(descriptions)).map((r) => [r.description, r.photos])).toEqual([
      [descriptions[0], 1],
      [descriptions[1], 1],
    ]);
    expectNoProblemsOffline();
  });

  it("keeps a report the server refuses (outside the grid) as needing attention, in the worker's language, and does not send it again by itself", async () => {
    const context = await phoneContext(browser, await pointInGrid(ctx.db, places.otherGrid));
    contexts.push(context);
    const page = await openFieldApp(context, base, 'g-outbox', problems);
    await expect.poll(() => page.locator('[data-where]').getAttribute('data-where'), { timeout: 60_000 }).toBe('outside');
    // Another district: kilometres from their grid, as PostGIS measures it.
    const [far] = await ctx.db.query<{ km: number }>(
      `SELECT ST_Distance(g.boundary::geography, ST_PointOnSurface(o.boundary)::geography)::float8 / 1000 km
         FROM grid g, grid o WHERE g.code = $1 AND o.code = $2`,
      [places.grid, places.otherGrid],
    );
    const farText = (await page.locator('[data-grid-away]').textContent())!;
    expect(farText).toMatch(/^距网格约 \d+\.\d 公里$/);
    expect(Math.abs(Number(farText.match(/[\d.]+/)![0]) - far!.km)).toBeLessThanOrEqual(Math.max(0.1, far!.km * 0.02));
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/incidents') && posts.push(r.headers()['idempotency-key'] ?? ''));
    const description = '网格外上报：应被拒收';
    await reportThroughPage(page, { category: 'road_damage', urgency: 'blue', description, photos: [smallPhoto] });
    const item = page.locator('[data-screen="outbox"] li[data-kind="report"]');
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 60_000 }).toBe('failed');
    expect(await item.getAttribute('data-attention')).not.toBeNull();
    // The reason after a full-width colon, as Chinese punctuates it.
    expect(await item.textContent()).toContain(`失败：${MESSAGES.outside_your_area!.zh}`);
    await shoot(page, 'zh-outbox-refused');

    // The connection drops and returns: the app sends what waits, and leaves the refused report alone.
    const sendDone = page.waitForResponse((r) => r.url().includes('/api/incidents?') && r.url().includes('limit=1'), { timeout: 60_000 });
    await context.setOffline(true);
    await page.locator('[data-offline]').waitFor({ timeout: 30_000 });
    await context.setOffline(false);
    await sendDone;
    expect(posts).toHaveLength(1);
    expect(await item.getAttribute('data-state')).toBe('failed');
    expect(await stored([description])).toEqual([]);
    expectNoProblemsOffline();
  });

  it('lets a handler record the mediations of a blue dispute; the third failure makes it yellow', async () => {
    const dispatcher = await login(ctx.app, 'd-one');
    const handler = await login(ctx.app, 'h-street');
    const made = await ctx.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: worker.write,
      payload: { category: 'neighbour_dispute', urgency: 'blue', description: '调解测试：楼上漏水纠纷', location: inGrid },
    });
    expect(made.statusCode, made.body).toBe(201);
    const code = json(made).incident.properties.code as string;
    const steps = [{ action: 'file' }, { action: 'dispatch', units: [`street_office.${places.street}`] }];
    for (const payload of steps) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: dispatcher.write, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
    for (const note of ['第一次调解：双方未到场', '第二次调解：未达成一致']) {
      const payload = { action: 'mediate', outcome: 'failed', note };
      const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: handler.write, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
    const state = async () =>
      (
        await ctx.db.query<{ urgency: string; failed: number; last: string }>(
          `SELECT i.urgency, count(m.*) FILTER (WHERE m.outcome = 'failed')::int failed,
                  (SELECT m2.note FROM incident_mediation m2 WHERE m2.incident_id = i.id ORDER BY m2.attempt DESC LIMIT 1) last
             FROM incident i LEFT JOIN incident_mediation m ON m.incident_id = i.id WHERE i.code = $1 GROUP BY i.id, i.urgency`,
          [code],
        )
      )[0];
    expect(await state()).toEqual({ urgency: 'blue', failed: 2, last: '第二次调解：未达成一致' });

    const { page } = await phone('h-street');
    await page.click('[data-tab="tasks"]');
    const task = page.locator(`gs-tasks-view li[data-task="${code}"]`);
    await task.locator('[data-open-mediate]').click();
    await task.locator('input[name="mediation-note"]').fill('第三次调解：仍未达成一致');
    await shoot(page, 'zh-mediation');
    // Tapped twice in one task (before the page draws again, as on a slow phone): one mediation all the same.
    await task.locator('[data-mediation="failed"]').evaluate((button: HTMLElement) => {
      button.click();
      button.click();
    });
    await expect.poll(state, { timeout: 60_000 }).toEqual({ urgency: 'yellow', failed: 3, last: '第三次调解：仍未达成一致' });
    await page.locator(`[data-screen="outbox"] li[data-code="${code}"][data-state="sent"]`).waitFor({ state: 'attached', timeout: 60_000 });
    expect(await page.locator(`[data-screen="outbox"] li[data-code="${code}"]`).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('shows every screen in English', async () => {
    const { page } = await phone('g-worker', 'en', true);
    // The grid is named in English: its community's English name and its number within the community (the last
    // three digits of its code), not its Chinese name.
    const [community] = await ctx.db.query<{ name_en: string }>('SELECT c.name_en FROM grid g JOIN region c ON c.code = g.community_code WHERE g.code = $1', [
      places.grid,
    ]);
    expect(community!.name_en).toMatch(/^[\x20-\x7e]+$/);
    const englishName = `${community!.name_en} Grid ${Number(places.grid.slice(-3))}`;
    await expect.poll(() => page.locator('[data-where]').textContent(), { timeout: 60_000 }).toContain(`You are in ${englishName}`);
    await page.locator('[data-screen="home"] gs-field-map[data-ready]').waitFor({ timeout: 60_000 });
    // The grids around theirs are named within the community in English too: "Grid 1", not the whole name.
    await page.locator('[data-screen="home"] gs-field-map[data-areas]').waitFor({ timeout: 60_000 });
    const gridNames = await page
      .locator('[data-screen="home"] gs-field-map .area-name[data-shown]')
      .evaluateAll((els) => els.map((el) => [(el as HTMLElement).dataset.area!, el.textContent] as const));
    expect(gridNames.length).toBeGreaterThan(0);
    for (const [code, text] of gridNames) expect(text, code).toBe(`Grid ${Number(code.slice(-3))}`);
    await shoot(page, 'en-home');
    for (const tab of ['report', 'tasks', 'outbox']) {
      await page.click(`[data-tab="${tab}"]`);
      if (tab === 'tasks') await page.locator('gs-tasks-view li').first().waitFor({ timeout: 60_000 });
      await shoot(page, `en-${tab}`);
    }
    expect(await page.locator('[data-tab="report"]').textContent()).toContain('Report');
    const handler = await phone('h-sanitation', 'en');
    await expect.poll(() => handler.page.locator('[data-figure="overdue"]').textContent()).toMatch(/^\d+Overdue$/);
    await handler.page.locator('[data-screen="home"] gs-field-map[data-ready]').waitFor({ timeout: 60_000 });
    await expectAreas(handler.page, 'en');
    await shoot(handler.page, 'en-home-handler');
    // Once the handler has moved the map, the task list read again (as after a step is sent) leaves it where they put it.
    const fieldMap = handler.page.locator('[data-screen="home"] gs-field-map');
    const mapCentre = () =>
      handler.page.evaluate(`(() => {
        const map = document.querySelector('gs-field-app').shadowRoot.querySelector('gs-field-map').kit.map;
        return map.isMoving() ? null : map.getCenter().toArray().map((v) => v.toFixed(6)).join(',');
      })()`);
    await expect.poll(mapCentre).not.toBeNull();
    const fitted = await mapCentre();
    const box = (await fieldMap.boundingBox())!;
    await handler.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await handler.page.mouse.down();
    await handler.page.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2 - 40, { steps: 8 });
    await handler.page.mouse.up();
    await expect.poll(mapCentre).not.toBe(fitted);
    await expect.poll(mapCentre).not.toBeNull();
    const moved = await mapCentre();
    await handler.page.evaluate(`document.querySelector('gs-field-app').shadowRoot.querySelector('gs-tasks-view').load()`);
    await handler.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await mapCentre()).toBe(moved);
    await handler.page.click('[data-tab="tasks"]');
    await handler.page.locator('gs-tasks-view li').first().waitFor({ timeout: 60_000 });
    const rows = handler.page.locator('gs-tasks-view li[data-task]');
    const shown = await rows.evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-task')!, li.querySelector('[data-place]')?.textContent]));
    const where = await incidentPlaces(
      ctx.db,
      shown.map(([c]) => c!),
    );
    expect(shown).toEqual(shown.map(([c]) => [c, where.get(c!)!.en]));
    for (const text of await rows.locator('[data-hours-left]').allTextContents()) expect(text).toMatch(/^[\d.]+ working hours? (left|over)$/);
    await rows.locator('[data-away]').first().waitFor({ timeout: 30_000 });
    for (const text of await rows.locator('[data-away]').allTextContents()) expect(text).toMatch(/^(\d{1,3} m|\d+\.\d km) away$/);
    await shoot(handler.page, 'en-tasks-handler');
    expect(problems).toEqual([]);
  });
});

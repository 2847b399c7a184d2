import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { createUser, login, pickPlaces, pointInGrid, type Session } from '../helpers/identity.js';
import { incidentPlaces } from '../helpers/incident-places.js';
import { openSignedIn } from '../helpers/signed-in-page.js';
import { createSeededApp, json, runStart, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { multipartBody, solidPng } from '../helpers/test-images.js';
import { BACKEND } from '../helpers/test-database.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping dispatch console tests: no Chromium at ${CHROMIUM_PATH}`);

/** Where the console's screenshots go, to be looked at (both languages, desk and laptop sizes). */
const SHOTS = process.env.DISPATCH_SHOTS ?? '/tmp/dispatch-shots';

/**
 * The dispatch console (/dispatch) in headless Chromium over the real server:
 * a grid worker's report reaches the open queue live, the dispatcher files
 * and dispatches it through the page, a second dispatcher acting first is
 * named, and the keyboard moves the selection. Expected states are read back
 * from the database.
 */
describe.skipIf(!chromiumAvailable)(`dispatch console in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  let worker: Session;
  let handler: Session;
  /** The incident the first test files and dispatches: it gets photos and is the one the screenshots show. */
  let dispatched = '';
  let inGrid: [number, number];
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    // Incidents up to now (the run's start), so that the queues hold today's reports; the same city as
    // the wall's and the explorer's, so the three files share one template instead of seeding three.
    ctx = await createSeededApp({ ...SMALL_CITY, now: runStart() }, { auth: { anonymousRead: false } });
    const places = await pickPlaces(ctx.db);
    await createUser(ctx.db, { username: 'd-one', role: 'dispatcher' });
    await createUser(ctx.db, { username: 'd-two', role: 'dispatcher' });
    await ctx.db.query("UPDATE app_user SET display_name = '李调度' WHERE username = 'd-two'");
    await createUser(ctx.db, { username: 'g-worker', role: 'grid_worker', scope: places.grid });
    await createUser(ctx.db, { username: 'l-leader', role: 'district_leader', scope: places.district });
    await createUser(ctx.db, { username: 'h-sanitation', role: 'handler', unit: 'sanitation' });
    worker = await login(ctx.app, 'g-worker');
    handler = await login(ctx.app, 'h-sanitation');
    inGrid = await pointInGrid(ctx.db, places.grid);
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });
  // Each test's consoles close when it ends: left open, they stay live, and every later test's reports and
  // transitions redraw their lists and maps (most of this file's CPU went to consoles no test looked at).
  // A console the next test goes on with is kept (`keep`) instead: a page and map load less.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  const kept = new Map<string, Page>();
  afterAll(async () => {
    for (const page of kept.values()) await page.context().close();
  });

  /** A dispatcher's console, signed in through the login page, loaded and live. */
  async function openConsole(username: string, query = '', viewport = { width: 1920, height: 1080 }): Promise<Page> {
    const ready = 'gs-dispatch-page[data-state="ready"][data-live="live"]';
    return openSignedIn(browser, base, username, { next: `/dispatch${query}`, ready, viewport, contexts, problems });
  }

  /** Keeps `username`'s console open for the next test, which goes on with it (`consoleOf`). */
  function keep(username: string, page: Page): void {
    const i = contexts.indexOf(page.context());
    if (i >= 0) contexts.splice(i, 1);
    kept.set(username, page);
  }

  /** The console the test before kept for `username`, on `queue` (its tab, as a dispatcher picks it), else a new one there. */
  async function consoleOf(username: string, queue: string): Promise<Page> {
    const page = kept.get(username);
    if (!page) return openConsole(username, `?queue=${queue}`);
    kept.delete(username);
    contexts.push(page.context());
    await page.click(`[role="tab"][data-queue="${queue}"]`);
    await page.locator(`[role="tab"][data-queue="${queue}"][aria-selected="true"]`).waitFor();
    return page;
  }

  /** A new report by the grid worker, through the API as the field app sends it. */
  async function report(description: string, urgency: 'red' | 'yellow' | 'blue' = 'blue'): Promise<string> {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: worker.write,
      payload: { category: 'uncollected_garbage', urgency, description, location: inGrid },
    });
    expect(res.statusCode, res.body).toBe(201);
    return json(res).incident.properties.code as string;
  }

  /** A photo of the incident, as the field app uploads it: a plain colour, so before and after are told apart at a glance. */
  async function photo(s: Session, code: string, kind: 'before' | 'after' | 'check', rgb: [number, number, number]): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(solidPng(320, 200, rgb))]), `${kind}.png`);
    const { payload, headers } = await multipartBody(form);
    const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/photos?kind=${kind}`, payload, headers: { ...s.write, ...headers } });
    expect(res.statusCode, res.body).toBe(201);
  }

  const count = async (page: Page, queue: string) => Number(await page.locator(`[data-count="${queue}"]`).textContent());
  const row = (page: Page, code: string) => page.locator(`gs-incident-list li[data-code="${code}"]`);
  const statusOf = async (code: string) => (await ctx.db.query<{ status: string }>('SELECT status FROM incident WHERE code = $1', [code]))[0]!.status;

  it("shows a grid worker's report in 待立案 without a reload; the dispatcher files it and dispatches it to a unit", async () => {
    const page = await openConsole('d-one');
    const [{ n: waiting }] = (await ctx.db.query<{ n: number }>("SELECT count(*)::int n FROM incident WHERE status = 'reported'")) as [{ n: number }];
    expect(await count(page, 'reported')).toBe(waiting);
    const code = await report('小区门口垃圾堆积三天未清运');
    // The grid worker shares their position from the field app (可视化调度).
    const shared = await ctx.app.inject({
      method: 'PUT',
      url: '/api/me/position',
      headers: worker.write,
      payload: { lon: inGrid[0], lat: inGrid[1], accuracy_m: 12 },
    });
    expect(shared.statusCode, shared.body).toBe(204);
    await row(page, code).waitFor({ timeout: 30_000 });
    expect(await count(page, 'reported')).toBe(waiting + 1);
    await expect.poll(() => row(page, code).textContent(), { timeout: 30_000 }).toContain('垃圾堆积三天');

    await row(page, code).click();
    await page.locator(`gs-incident-detail h2[data-code="${code}"]`).waitFor();
    // The map beside it says where the grid worker is and how long ago; showing it is an audited read.
    const [sharer] = (await ctx.db.query<{ id: number; display_name: string }>("SELECT id, display_name FROM app_user WHERE username = 'g-worker'")) as [
      { id: number; display_name: string },
    ];
    await expect.poll(() => page.locator(`gs-incident-map [data-position="${sharer.id}"]`).textContent(), { timeout: 30_000 }).toContain(sharer.display_name);
    const viewed = await ctx.db.query("SELECT 1 FROM audit_log WHERE action = 'grid_worker.position_viewed' AND target_type = 'user' AND target_id = $1", [
      String(sharer.id),
    ]);
    expect(viewed.length).toBeGreaterThan(0);
    await page.click('button[data-act="file"]');
    await page.locator('gs-incident-detail [data-status="filed"]').waitFor({ timeout: 30_000 });
    expect(await statusOf(code)).toBe('filed');
    expect(await count(page, 'reported')).toBe(waiting);

    await page.click('button[data-act="dispatch"]');
    // The usual unit for garbage is chosen; the deadline, as the server computes it, is shown before confirming.
    await expect.poll(() => page.locator('gs-action-dialog input[value="sanitation"]').isChecked(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.locator('gs-action-dialog [data-deadline]').textContent(), { timeout: 30_000 }).toContain('4 个工作小时');
    const previewed = page.locator('gs-action-dialog [data-deadline]');
    const [previewDue, previewFrom] = [Date.parse((await previewed.getAttribute('data-due'))!), Date.parse((await previewed.getAttribute('data-from'))!)];
    await page.click('gs-action-dialog button[data-confirm]');
    await page.locator('gs-incident-detail [data-status="dispatched"]').waitFor({ timeout: 30_000 });
    const [assigned] = await ctx.db.query<{ unit_code: string; due_at: Date }>(
      'SELECT a.unit_code, i.due_at FROM incident i JOIN incident_assignment a ON a.incident_id = i.id WHERE i.code = $1',
      [code],
    );
    expect(assigned!.unit_code).toBe('sanitation');
    expect(new Date((await page.locator('gs-incident-detail [data-due]').getAttribute('data-due'))!).getTime()).toBe(assigned!.due_at.getTime());
    // The dispatch came a moment after the preview: its deadline is later by at most that moment's working time.
    const [{ dispatched_at: dispatchedAt }] = (await ctx.db.query<{ dispatched_at: Date }>('SELECT dispatched_at FROM incident WHERE code = $1', [code])) as [
      { dispatched_at: Date },
    ];
    expect(assigned!.due_at.getTime() - previewDue).toBeGreaterThanOrEqual(0);
    expect(assigned!.due_at.getTime() - previewDue).toBeLessThanOrEqual(dispatchedAt.getTime() - previewFrom);
    expect(await page.locator('[data-notice]').textContent()).toContain('已派遣');
    expect(await page.locator('gs-incident-detail tr[data-unit="sanitation"]').count()).toBe(1);
    dispatched = code;

    // Photos before and after, side by side; a click shows one at full size.
    // (A photo alone sends no live event; the unit starting work does, and the record is read again then.)
    await photo(worker, code, 'before', [200, 120, 40]);
    await photo(handler, code, 'after', [40, 160, 90]);
    await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: handler.write, payload: { action: 'start' } });
    await page.locator('gs-incident-detail [data-status="in_progress"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('gs-incident-detail .photos img').count(), { timeout: 30_000 }).toBe(2);
    await page.locator('gs-incident-detail .photos img').first().click();
    await page.locator('gs-incident-detail .viewer img').waitFor();
    await page.locator('gs-incident-detail .viewer').click();
    await page.locator('gs-incident-detail .viewer').waitFor({ state: 'detached' });

    // Urging (督办) with a quick reply: the status stays, the record and the list row show it was urged.
    await page.click('button[data-act="urge"]');
    await page.locator('gs-action-dialog button[data-quick]').first().click();
    await page.click('gs-action-dialog button[data-confirm]');
    await page.locator('gs-incident-detail [data-urged]').waitFor({ timeout: 30_000 });
    await page.click('[role="tab"][data-queue="handling"]');
    await row(page, code).locator('[data-urged]').waitFor({ state: 'attached', timeout: 30_000 });
    const [urged] = await ctx.db.query<{ status: string; note: string }>(
      "SELECT i.status, h.note FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'urge'",
      [code],
    );
    expect(urged).toEqual({ status: 'in_progress', note: '已超期，请立即处置并反馈' });

    // The unit resolves it; the grid worker checks on site with a photo; the console shows the check beside the after photo.
    const resolved = await ctx.app.inject({
      method: 'POST',
      url: `/api/incidents/${code}/transitions`,
      headers: handler.write,
      payload: { action: 'resolve' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    await photo(worker, code, 'check', [90, 90, 200]);
    const checked = await ctx.app.inject({
      method: 'POST',
      url: `/api/incidents/${code}/transitions`,
      headers: worker.write,
      payload: { action: 'check', verdict: 'fixed', note: '现场已清理干净' },
    });
    expect(checked.statusCode, checked.body).toBe(200);
    await page.click('[role="tab"][data-queue="verify"]');
    await row(page, code).click();
    await page.locator('gs-incident-detail [data-site-check="fixed"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('gs-incident-detail figure[data-kind="check"] img').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('gs-incident-detail figure[data-kind="check"]').textContent()).toContain('现场已清理干净');
    keep('d-one', page);
  });

  it('maps the incident with its grid and a nearby same-category report; clicking that report marks the incident as its duplicate', async () => {
    // Two reports about 15 m apart, away from the other tests' point so that their markers stand alone.
    const [spot] = await ctx.db.query<{ x1: number; y1: number; x2: number; y2: number }>(
      `SELECT ST_X(a) x1, ST_Y(a) y1, ST_X(b) x2, ST_Y(b) y2 FROM (SELECT ST_Translate(ST_SetSRID(ST_MakePoint($1, $2), 4326), 0.00015, 0.0001) a,
              ST_Translate(ST_SetSRID(ST_MakePoint($1, $2), 4326), 0.0001, -0.00003) b) s`,
      inGrid,
    );
    const at = async (description: string, lon: number, lat: number) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/incidents',
        headers: worker.write,
        payload: { category: 'uncollected_garbage', description, location: [lon, lat] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return json(res).incident.properties.code as string;
    };
    const original = await at('垃圾箱旁堆放垃圾', spot!.x1, spot!.y1);
    const again = await at('垃圾箱旁堆放垃圾（再次上报）', spot!.x2, spot!.y2);
    // What the map must mark, worked out in SQL: same category, within 50 m, reported in the 24 hours before.
    const expected = (
      await ctx.db.query<{ code: string }>(
        `SELECT o.code FROM incident o, incident i WHERE i.code = $1 AND o.id <> i.id AND o.category_code = i.category_code AND o.status <> 'duplicate'
          AND o.reported_at BETWEEN i.reported_at - interval '24 hours' AND i.reported_at
          AND ST_DWithin(o.location::geography, i.location::geography, 50) ORDER BY o.code`,
        [again],
      )
    ).map((r) => r.code);
    expect(expected).toContain(original);

    const page = await consoleOf('d-one', 'reported');
    await row(page, again).click();
    const map = page.locator('gs-incident-map');
    await page.locator(`gs-incident-map[data-ready="${again}"]`).waitFor({ timeout: 60_000 });
    const shown = await map.locator('[data-duplicate]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-duplicate')!).sort());
    expect(shown).toEqual(expected);
    // Click the original's marker on the map: the mark-duplicate form opens filled in, and confirming marks it.
    const box = (await map.locator('[data-map]').boundingBox())!;
    const spotOnMap = (await map.evaluate((el, code) => (el as HTMLElementTagNameMap['gs-incident-map']).markerPosition(code), original))!;
    expect(spotOnMap.x).toBeGreaterThan(0);
    expect(spotOnMap.x).toBeLessThan(box.width);
    await page.mouse.click(box.x + spotOnMap.x, box.y + spotOnMap.y);
    await expect.poll(() => page.locator('gs-action-dialog input[name="duplicate_of"]').inputValue(), { timeout: 30_000 }).toBe(original);
    await page.click('gs-action-dialog button[data-confirm]');
    await page.locator('gs-incident-detail [data-status="duplicate"]').waitFor({ timeout: 30_000 });
    const [marked] = await ctx.db.query<{ status: string; original: string }>(
      'SELECT i.status, o.code AS original FROM incident i JOIN incident o ON o.id = i.duplicate_of WHERE i.code = $1',
      [again],
    );
    expect(marked).toEqual({ status: 'duplicate', original });

    // The grid's workers with their numbers; calling one (tel: link) notes it in the history.
    const workers = await ctx.db.query<{ id: number; phone: string }>(
      'SELECT w.id, w.phone FROM grid_worker w JOIN grid_worker_assignment a ON a.worker_id = w.id JOIN incident i ON i.grid_code = a.grid_code WHERE i.code = $1 ORDER BY w.id',
      [again],
    );
    const links = map.locator('a[data-worker]');
    await expect.poll(() => links.count(), { timeout: 30_000 }).toBe(workers.length);
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(workers.map((w) => `tel:${w.phone}`));
    await links.first().click();
    await page.locator('gs-incident-detail li[data-action="contact"]').waitFor({ timeout: 30_000 });
    const [{ n }] = (await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int n FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'contact'",
      [again],
    )) as [{ n: number }];
    expect(n).toBe(1);
    await page.context().close();
  });

  it('tells a dispatcher who acted first when another dispatcher dispatched the same report, and nothing is done twice', async () => {
    const code = await report('路边垃圾桶满溢');
    const first = await openConsole('d-one', '?queue=reported');
    const second = await openConsole('d-two', '?queue=reported');
    for (const page of [first, second]) await row(page, code).click();
    await first.click('button[data-act="file"]');
    // The other console follows live: the selected incident shows filed, and File is no longer offered.
    await second.locator('gs-incident-detail [data-status="filed"]').waitFor({ timeout: 30_000 });
    expect(await second.locator('button[data-act="file"]').count()).toBe(0);
    // Both open the dispatch form; the second confirms first.
    await first.click('button[data-act="dispatch"]');
    await second.click('button[data-act="dispatch"]');
    await second.locator('gs-action-dialog input[value="sanitation"]:checked').waitFor({ timeout: 30_000 });
    await second.click('gs-action-dialog button[data-confirm]');
    await second.locator('gs-incident-detail [data-status="dispatched"]').waitFor({ timeout: 30_000 });
    await first.locator('gs-action-dialog input[value="sanitation"]:checked').waitFor({ timeout: 30_000 });
    await first.click('gs-action-dialog button[data-confirm]');
    const notice = first.locator('[data-notice][role="alert"]');
    await notice.waitFor({ timeout: 30_000 });
    const [last] = await ctx.db.query<{ at: Date }>(
      "SELECT h.at FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'dispatch'",
      [code],
    );
    const clock = last!.at.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
    // Exactly the sentence, with the display name of who dispatched it first (from the 409's `acted`).
    expect((await notice.locator('span').textContent())?.trim()).toBe(`已由李调度于 ${clock} 派遣`);
    await first.locator('gs-incident-detail [data-status="dispatched"]').waitFor({ timeout: 30_000 });
    const [{ n }] = (await ctx.db.query<{ n: number }>(
      'SELECT count(*)::int n FROM incident_assignment a JOIN incident i ON i.id = a.incident_id WHERE i.code = $1',
      [code],
    )) as [{ n: number }];
    expect(n).toBe(1);
    expect(await statusOf(code)).toBe('dispatched');
    keep('d-one', first);
    keep('d-two', second);
  });

  /** The wall's KPIs, as shown, equal the stats API for the wall's own window (what the wall test checks too). */
  async function wallKpisMatchApi(wall: Page, reader: Session): Promise<boolean> {
    const from = await wall.locator('gs-wall-display [data-from]').getAttribute('data-from');
    const res = await ctx.app.inject({ method: 'GET', url: `/api/stats/summary?from=${encodeURIComponent(from!)}`, headers: reader.read });
    const api = json(res) as Record<string, number>;
    const shown = Object.fromEntries(
      await wall.locator('[data-kpi]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kpi'), e.getAttribute('data-value')])),
    );
    return ['reported', 'closed', 'closure_rate', 'open', 'overdue', 'red_open'].every((k) => shown[k] === String(api[k]));
  }

  it('runs the whole loop with two dispatchers and an open /wall: they race to file, one wins; dispatch with the previewed deadline, resolve, close', async () => {
    // A report already there, about 12 m away, in the same category: the new one's nearby duplicate.
    const [spot] = await ctx.db.query<{ x: number; y: number }>(
      'SELECT ST_X(p) x, ST_Y(p) y FROM (SELECT ST_Translate(ST_SetSRID(ST_MakePoint($1, $2), 4326), -0.0001, 0.00006) p) s',
      inGrid,
    );
    const nearby = await ctx.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: worker.write,
      payload: { category: 'uncollected_garbage', description: '楼栋旁生活垃圾散落', location: [spot!.x, spot!.y] },
    });
    expect(nearby.statusCode, nearby.body).toBe(201);
    const original = json(nearby).incident.properties.code as string;
    const [one, two, wall] = await Promise.all([
      consoleOf('d-one', 'reported'),
      consoleOf('d-two', 'reported'),
      openSignedIn(browser, base, 'd-one', {
        next: '/wall',
        ready: 'gs-wall-display[data-first-frame-ms]',
        viewport: { width: 1366, height: 768 },
        reducedMotion: 'reduce',
        contexts,
        problems,
      }),
    ]);
    await wall.locator('[data-connection="live"]').waitFor({ state: 'attached', timeout: 60_000 });
    // A line per event: the report's own line, then one per change of state. The report's line may be redrawn
    // from the incident's current state (a reload of the list), so a state is looked for on its change line.
    const ticker = (code: string, status: string) =>
      wall.locator(
        status === 'reported'
          ? `gs-incident-ticker li[data-code="${code}"][data-kind="incident.created"]`
          : `gs-incident-ticker li[data-code="${code}"][data-kind="incident.status_changed"][data-status="${status}"]`,
      );
    const reader = await login(ctx.app, 'd-one');

    // The report reaches both open queues live. The time is recorded, not asserted (a loaded CI machine is slow);
    // `npm run bench:dispatch` measures it.
    const sent = Date.now();
    const code = await report('小区南门垃圾桶满溢无人清理');
    await Promise.all([row(one, code).waitFor({ timeout: 30_000 }), row(two, code).waitFor({ timeout: 30_000 })]);
    console.info(`dispatch loop (${BACKEND}): report → 待立案 in ${Date.now() - sent} ms`);
    await ticker(code, 'reported').waitFor({ state: 'attached', timeout: 30_000 });

    // Both select it and press 立案 at once: both requests are held until both are sent, so they truly race.
    await Promise.all([one, two].map((p) => row(p, code).click()));
    await Promise.all([one, two].map((p) => p.locator(`gs-incident-detail h2[data-code="${code}"]`).waitFor()));
    let held = 0;
    let release!: () => void;
    const bothSent = new Promise<void>((r) => (release = r));
    for (const p of [one, two])
      await p.route(`**/api/incidents/${code}/transitions`, async (route) => {
        if (++held === 2) release();
        await bothSent;
        await route.continue();
      });
    await Promise.all([one, two].map((p) => p.click('button[data-act="file"]')));
    await bothSent;
    await Promise.all([one, two].map((p) => p.locator('gs-incident-detail [data-status="filed"]').waitFor({ timeout: 30_000 })));
    await Promise.all([one, two].map((p) => p.unrouteAll()));
    const filings = await ctx.db.query<{ at: Date; username: string; display_name: string }>(
      `SELECT h.at, u.username, u.display_name FROM incident_history h JOIN incident i ON i.id = h.incident_id JOIN app_user u ON u.id = h.actor_user_id
        WHERE i.code = $1 AND h.action = 'file'`,
      [code],
    );
    expect(filings).toHaveLength(1);
    const [winner, loser] = filings[0]!.username === 'd-one' ? [one, two] : [two, one];
    const clock = filings[0]!.at.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
    await expect
      .poll(() => loser.locator('[data-notice][role="alert"] span').textContent(), { timeout: 30_000 })
      .toBe(`已由${filings[0]!.display_name}于 ${clock} 立案`);
    expect(await winner.locator('[data-notice][role="alert"]').count()).toBe(0);
    await ticker(code, 'filed').waitFor({ state: 'attached', timeout: 30_000 });

    // The map beside it marks the report 12 m away as a possible duplicate (same category, 50 m, 24 h).
    await winner.locator(`gs-incident-map[data-ready="${code}"]`).waitFor({ timeout: 60_000 });
    await winner.locator(`gs-incident-map [data-duplicate="${original}"]`).waitFor({ state: 'attached', timeout: 30_000 });

    // Dispatch: the category's unit is chosen, and the deadline shown is the deadline-preview API's.
    await winner.click('button[data-act="dispatch"]');
    const [usual] = await ctx.db.query<{ code: string }>(
      "SELECT u.code FROM unit u JOIN incident_category c ON c.unit_type = u.unit_type WHERE c.code = 'uncollected_garbage' ORDER BY u.code LIMIT 1",
    );
    await winner.locator(`gs-action-dialog input[value="${usual!.code}"]:checked`).waitFor({ timeout: 30_000 });
    const shown = winner.locator('gs-action-dialog [data-deadline]:not([data-due=""])');
    await shown.waitFor({ timeout: 30_000 });
    const [shownDue, shownFrom] = [Date.parse((await shown.getAttribute('data-due'))!), Date.parse((await shown.getAttribute('data-from'))!)];
    const preview = json(
      await ctx.app.inject({ method: 'GET', url: `/api/incidents/${code}/deadline-preview?units=${usual!.code}`, headers: reader.read }),
    ) as { from: string; due_at: string };
    // Asked a moment later, the API's deadline is later by at most that moment's working time.
    expect(Date.parse(preview.due_at) - shownDue).toBeGreaterThanOrEqual(0);
    expect(Date.parse(preview.due_at) - shownDue).toBeLessThanOrEqual(Date.parse(preview.from) - shownFrom);
    await winner.click('gs-action-dialog button[data-confirm]');
    await winner.locator('gs-incident-detail [data-status="dispatched"]').waitFor({ timeout: 30_000 });
    const [assigned] = await ctx.db.query<{ unit_code: string; due_at: Date; dispatched_at: Date }>(
      'SELECT a.unit_code, i.due_at, i.dispatched_at FROM incident i JOIN incident_assignment a ON a.incident_id = i.id WHERE i.code = $1',
      [code],
    );
    expect(assigned!.unit_code).toBe(usual!.code);
    expect(assigned!.due_at.getTime() - shownDue).toBeGreaterThanOrEqual(0);
    expect(assigned!.due_at.getTime() - shownDue).toBeLessThanOrEqual(assigned!.dispatched_at.getTime() - shownFrom);
    await ticker(code, 'dispatched').waitFor({ state: 'attached', timeout: 30_000 });

    // The unit starts, photographs the result and resolves it (API, as the field app does).
    const step = async (payload: object) => {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: handler.write, payload });
      expect(res.statusCode, res.body).toBe(200);
    };
    await step({ action: 'start' });
    await photo(handler, code, 'after', [40, 160, 90]);
    await step({ action: 'resolve' });
    await winner.locator('gs-incident-detail [data-status="resolved"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => winner.locator('gs-incident-detail figure[data-kind="after"] img').count(), { timeout: 30_000 }).toBe(1);
    await ticker(code, 'resolved').waitFor({ state: 'attached', timeout: 30_000 });

    // The dispatcher verifies and closes it; the wall shows the closing and its KPIs equal the API.
    await winner.click('button[data-act="close"]');
    await winner.click('gs-action-dialog button[data-confirm]');
    await winner.locator('gs-incident-detail [data-status="closed"]').waitFor({ timeout: 30_000 });
    expect(await statusOf(code)).toBe('closed');
    await ticker(code, 'closed').waitFor({ state: 'attached', timeout: 30_000 });
    await expect.poll(() => wallKpisMatchApi(wall, reader), { timeout: 30_000, interval: 250 }).toBe(true);
  });

  it("maps the queue's incidents while none is open: a dot per row, counted by urgency; a click on one opens it, Esc comes back", async () => {
    const page = await openConsole('d-one', '?queue=handling');
    // The queue, from SQL: dispatched or in hand anywhere (the dispatcher's scope is the city), and where each is.
    const rows = await ctx.db.query<{ code: string; urgency: string }>("SELECT code, urgency FROM incident WHERE status IN ('dispatched', 'in_progress')");
    expect(rows.length).toBeGreaterThan(3);
    const map = page.locator('gs-queue-map');
    await expect.poll(() => map.getAttribute('data-dots'), { timeout: 60_000 }).toBe(String(rows.length));
    for (const u of ['red', 'yellow', 'blue']) {
      const shown = (await map.locator(`[data-urgency="${u}"]`).textContent())!.trim().split(/\s+/).at(-1);
      expect(shown, u).toBe(String(rows.filter((r) => r.urgency === u).length));
    }
    // Framed on the queue: every dot inside the map.
    await page.locator('gs-queue-map[data-ready]').waitFor({ timeout: 60_000 });
    const box = (await map.locator('[data-map]').boundingBox())!;
    const spots = async () =>
      (
        await map.evaluate(
          (el, codes) => codes.map((c) => (el as HTMLElementTagNameMap['gs-queue-map']).dotPosition(c)),
          rows.map((r) => r.code),
        )
      ).map((p) => p!);
    const inside = (p: { x: number; y: number }) => p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
    await expect.poll(async () => (await spots()).filter((p) => !inside(p)).length, { timeout: 30_000 }).toBe(0);
    // The dot farthest from any other on screen is clicked: it opens that incident's record, in place of the map.
    const at = await spots();
    const room = at.map((p, i) => Math.min(...at.filter((_, j) => j !== i).map((q) => Math.hypot(p.x - q.x, p.y - q.y))));
    const lone = room.indexOf(Math.max(...room));
    expect(room[lone]).toBeGreaterThan(12);
    await page.mouse.click(box.x + at[lone]!.x, box.y + at[lone]!.y);
    await page.locator(`gs-incident-detail h2[data-code="${rows[lone]!.code}"]`).waitFor({ timeout: 30_000 });
    expect(await map.count()).toBe(0);
    // Esc closes the record: the queue's map again, nothing selected.
    await page.keyboard.press('Escape');
    await expect.poll(() => map.getAttribute('data-dots'), { timeout: 30_000 }).toBe(String(rows.length));
    expect(await page.locator('gs-incident-detail').count()).toBe(0);
    expect(await page.locator('gs-incident-list li[aria-selected="true"]').count()).toBe(0);
    keep('d-one', page);
  });

  it('moves the selection with j and k, and shows the keys with ?', async () => {
    const page = await consoleOf('d-one', 'handling');
    const codes = await page.locator('gs-incident-list li').evaluateAll((lis) => lis.slice(0, 3).map((li) => li.getAttribute('data-code')));
    expect(codes).toHaveLength(3);
    const selected = () => page.locator('gs-incident-list li[aria-selected="true"]').getAttribute('data-code');
    await page.keyboard.press('j');
    await expect.poll(selected).toBe(codes[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(selected).toBe(codes[2]);
    await page.keyboard.press('k');
    await expect.poll(selected).toBe(codes[1]);
    await page.locator(`gs-incident-detail h2[data-code="${codes[1]}"]`).waitFor();
    await page.keyboard.press('?');
    await page.locator('[data-help]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-help]').waitFor({ state: 'detached' });
    keep('d-one', page);
  });

  it('keeps the selection and the scroll position when an incident arrives above them', async () => {
    const page = await consoleOf('d-one', 'handling');
    const codes = await page.locator('gs-incident-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
    const chosen = codes[Math.min(25, codes.length - 1)]!;
    await row(page, chosen).click();
    const list = page.locator('gs-incident-list');
    expect(await list.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    const before = (await row(page, chosen).boundingBox())!.y;
    // Live events update rows in place: the whole open list (pages of 5,000) is never fetched again.
    const reloads: string[] = [];
    page.on('request', (r) => r.url().includes('limit=5000') && reloads.push(r.url()));
    // A red incident dispatched by another dispatcher: it joins the queue above the selection.
    const other = await login(ctx.app, 'd-two');
    const code = await report('消防通道被杂物堵塞', 'red');
    for (const payload of [{ action: 'file' }, { action: 'dispatch', units: ['sanitation'] }]) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: other.write, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
    await page.locator(`gs-incident-list li[data-code="${code}"][data-status="dispatched"]`).waitFor({ state: 'attached', timeout: 30_000 });
    // What the events do not carry (the description) comes from the records, fetched together.
    await expect.poll(() => row(page, code).textContent(), { timeout: 30_000 }).toContain('消防通道被杂物堵塞');
    expect(reloads).toEqual([]);
    // Red comes first: the new incident lands among the red ones, above the selected row.
    const order = await page.locator('gs-incident-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')));
    expect(order.indexOf(code)).toBeLessThan(order.indexOf(chosen));
    expect(await page.locator('gs-incident-list li[aria-selected="true"]').getAttribute('data-code')).toBe(chosen);
    expect(Math.abs((await row(page, chosen).boundingBox())!.y - before)).toBeLessThan(2);
  });

  it("opens read-only for a district leader: their district's queues, no actions", async () => {
    const page = await openConsole('l-leader', '?queue=handling');
    expect(await page.locator('gs-incident-list li').count()).toBeGreaterThan(0);
    const [{ n }] = (await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int n FROM incident i WHERE i.status IN ('dispatched', 'in_progress') AND starts_with(i.grid_code, (SELECT scope_code FROM app_user WHERE username = 'l-leader'))",
    )) as [{ n: number }];
    expect(await count(page, 'handling')).toBe(n);
    await page.locator('gs-incident-list li').first().click();
    await page.locator('gs-incident-detail h2').waitFor();
    expect(await page.locator('button[data-act]').count()).toBe(0);
    expect(await page.locator('gs-console-header .who').textContent()).toContain('只读');
    const [scope] = await ctx.db.query<{ name: string }>("SELECT r.name FROM region r JOIN app_user u ON u.scope_code = r.code WHERE u.username = 'l-leader'");
    expect(await page.locator('gs-console-header [data-scope]').textContent()).toBe(scope!.name);
  });

  it('looks right with an incident selected, in Chinese and English, at 1920×1080 and 1366×768', async () => {
    const [grid] = await ctx.db.query<{ x0: number; y0: number; x1: number; y1: number }>(
      `SELECT ST_XMin(g.boundary) x0, ST_YMin(g.boundary) y0, ST_XMax(g.boundary) x1, ST_YMax(g.boundary) y1
         FROM incident i JOIN grid g ON g.code = i.grid_code WHERE i.code = $1`,
      [dispatched],
    );
    /** The grid's box, projected on the incident map, lies inside the map. */
    const gridShownWhole = (page: Page) =>
      page.locator('gs-incident-map').evaluate((el, b) => {
        const map = (el as unknown as { kit: { map?: { project(p: [number, number]): { x: number; y: number } } } }).kit.map;
        const box = el.shadowRoot!.querySelector('#map')!.getBoundingClientRect();
        if (!map) return false;
        return [map.project([b.x0, b.y0]), map.project([b.x1, b.y1])].every((p) => p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height);
      }, grid!);
    // The incident's district, named in English from the region table: the console shows it once its names follow a switch.
    const [district] = await ctx.db.query<{ name_en: string }>('SELECT r.name_en FROM incident i JOIN region r ON r.code = i.district_code WHERE i.code = $1', [
      dispatched,
    ]);
    // Where it is, district · street · grid, in each language, written out from the region and grid tables.
    const where = (await incidentPlaces(ctx.db, [dispatched])).get(dispatched)!;
    const [{ grid_code: gridCode }] = (await ctx.db.query<{ grid_code: string }>('SELECT grid_code FROM incident WHERE code = $1', [dispatched])) as [
      { grid_code: string },
    ];
    // Its row in the list: district · street · community, then the grid's code, written out from the region table.
    const [names] = await ctx.db.query<{ d: string; d_en: string | null; s: string; s_en: string | null; c: string; c_en: string | null }>(
      `SELECT d.name d, d.name_en d_en, s.name s, s.name_en s_en, c.name c, c.name_en c_en
         FROM incident i JOIN grid g ON g.code = i.grid_code JOIN region c ON c.code = g.community_code
         JOIN region s ON s.code = c.parent_code JOIN region d ON d.code = s.parent_code WHERE i.code = $1`,
      [dispatched],
    );
    const rowPlace = {
      zh: `${names!.d} · ${names!.s} · ${names!.c} ${gridCode}`,
      en: `${names!.d_en ?? names!.d} · ${names!.s_en ?? names!.s} · ${names!.c_en ?? names!.c} ${gridCode}`,
    };
    // One console, opened at the desk size and then narrowed to the laptop's (the layout follows the window), then
    // switched to English with its own button and widened again: no second page and map load.
    const page = await openConsole('d-one', '?queue=verify', { width: 1920, height: 1080 });
    await row(page, dispatched).click();
    for (const [lang, sizes] of [
      ['zh', [1920, 1366]],
      ['en', [1366, 1920]],
    ] as const) {
      if (lang === 'en') {
        // The place names come again from the API: once the console has them, its next update shows the incident's
        // place in English (it once waited for the console's 30 s clock to redraw).
        await page.click('gs-console-header [data-action="lang"]');
        await expect.poll(() => page.evaluate(() => location.search)).toContain('lang=en');
        type Console = HTMLElement & { ref: { placeNames: Map<string, string> }; updateComplete: Promise<unknown> };
        await page.waitForFunction(
          (name) => [...(document.querySelector('gs-dispatch-page') as unknown as Console).ref.placeNames.values()].includes(name),
          district!.name_en,
          { timeout: 30_000 },
        );
        const place = await page.evaluate(async () => {
          const console = document.querySelector('gs-dispatch-page') as unknown as Console;
          await console.updateComplete;
          const detail = console.shadowRoot!.querySelector('gs-incident-detail') as unknown as Console;
          await detail.updateComplete;
          return detail.shadowRoot!.textContent;
        });
        expect(place).toContain(district!.name_en);
      }
      for (const viewport of sizes.map((width) => (width === 1920 ? { width: 1920, height: 1080 } : { width: 1366, height: 768 }))) {
        await page.setViewportSize(viewport);
        await page.locator(`gs-incident-detail h2[data-code="${dispatched}"]`).waitFor();
        await expect.poll(() => page.locator('gs-incident-detail [data-place]').textContent()).toBe(`${where[lang]} ${gridCode}`);
        await expect.poll(() => row(page, dispatched).locator('.where').textContent()).toBe(rowPlace[lang]);
        await expect
          .poll(() => page.locator('gs-incident-detail .photos img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
          .toBe(true);
        await page.locator('gs-incident-detail ol.timeline li').first().waitFor();
        // The map beside it has drawn the incident and its grid.
        await page.locator(`gs-incident-map[data-ready="${dispatched}"]`).waitFor({ timeout: 60_000 });
        expect(await page.locator('h1').textContent()).toBe(lang === 'en' ? 'Dispatch console' : '事项交办调度台');
        // The dispatcher's scope is the whole city: named from the region table, in English where it has a name.
        const [city] = await ctx.db.query<{ name: string; name_en: string | null }>(
          "SELECT name, name_en FROM region WHERE level = 'city' ORDER BY code LIMIT 1",
        );
        expect(await page.locator('gs-console-header [data-scope]').textContent()).toBe(lang === 'en' ? (city!.name_en ?? city!.name) : city!.name);
        // The map frames the incident's grid whole at this size too (it fits again when the window changes size).
        await expect.poll(() => gridShownWhole(page), { timeout: 30_000 }).toBe(true);
        // The map has drawn at this size (two frames after the fit) before the picture is taken.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await page.screenshot({ path: `${SHOTS}/dispatch-${lang}-${viewport.width}x${viewport.height}-${BACKEND}.png` });
      }
    }
    // A 4K screen with no display scaling: the console at twice its desk size (root font 32 px, the title with it), nothing
    // wider than the screen.
    const titleAtDesk = await page.locator('h1').evaluate((h) => Number.parseFloat(getComputedStyle(h).fontSize));
    await page.setViewportSize({ width: 3840, height: 2160 });
    const fourK = await page.locator('h1').evaluate((h) => ({
      root: getComputedStyle(document.documentElement).fontSize,
      title: Number.parseFloat(getComputedStyle(h).fontSize),
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    }));
    expect(fourK).toEqual({ root: '32px', title: titleAtDesk * 2, overflow: 0 });
    // On a phone (a commander away from the desk): one column, the queue above the record, the header wrapped inside the
    // screen (it was cut off at the right, the record beside the queue clipped), nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(`gs-incident-detail h2[data-code="${dispatched}"]`).waitFor();
    const phone = await page.evaluate(() => {
      const root = document.querySelector('gs-dispatch-page')!.shadowRoot!;
      const queue = root.querySelector('.queue')!.getBoundingClientRect();
      const side = root.querySelector('.side')!.getBoundingClientRect();
      const header = root.querySelector('gs-console-header')!.shadowRoot!;
      const rights = [...header.querySelectorAll('h1, .live, .who, button, a')].map((e) => Math.round(e.getBoundingClientRect().right));
      // The search box's hint, measured in the box's own font, against the room inside it (it was cut to "Code, text, grid or").
      const filters = root.querySelector('gs-queue-filters')!.shadowRoot!;
      const search = filters.querySelector<HTMLInputElement>('input[data-filter="search"]')!;
      const style = getComputedStyle(search);
      const pen = document.createElement('canvas').getContext('2d')!;
      pen.font = `${style.fontSize} ${style.fontFamily}`;
      const room = search.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const filterRights = [...filters.querySelectorAll('select, input')].map((e) => Math.round(e.getBoundingClientRect().right));
      return {
        queueAbove: queue.bottom <= side.top + 1,
        sideWidth: side.width,
        rights: [...rights, ...filterRights],
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        hint: { width: pen.measureText(search.placeholder).width, room },
      };
    });
    expect(phone.hint.width, JSON.stringify(phone.hint)).toBeLessThanOrEqual(phone.hint.room);
    expect(phone.queueAbove).toBe(true);
    expect(phone.sideWidth).toBeGreaterThanOrEqual(390 * 0.95);
    expect(phone.rights.length).toBeGreaterThan(4);
    for (const right of phone.rights) expect(right).toBeLessThanOrEqual(390);
    expect(phone.overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/dispatch-en-390x844-${BACKEND}.png` });
    expect(problems).toEqual([]);
  });
});

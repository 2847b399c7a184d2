import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { createUser, login, pickPlaces, pointInGrid, type Session } from '../helpers/identity.js';
import { openSignedIn } from '../helpers/signed-in-page.js';
import { createSeededApp, json, runStart, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping dispatch console bulk tests: no Chromium at ${CHROMIUM_PATH}`);

const SHOTS = process.env.DISPATCH_SHOTS ?? '/tmp/dispatch-shots';

/**
 * The dispatch console's bulk work and filters in headless Chromium over the
 * real server: ticking new reports (click, Shift+click, x) and filing or
 * rejecting them together, each row showing its outcome, one of them filed
 * first by another dispatcher and named; the street filter; the "all" search
 * answered by the server; and the wall's ticker showing an urge (督办).
 * Expected values are read from the database.
 */
describe.skipIf(!chromiumAvailable)(`dispatch console bulk work, filters and search in Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  let worker: Session;
  let other: Session;
  let places: Awaited<ReturnType<typeof pickPlaces>>;
  let inGrid: [number, number];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ctx = await createSeededApp({ ...SMALL_CITY, now: runStart() }, { auth: { anonymousRead: false } });
    places = await pickPlaces(ctx.db);
    await createUser(ctx.db, { username: 'b-one', role: 'dispatcher' });
    await createUser(ctx.db, { username: 'b-two', role: 'dispatcher' });
    await createUser(ctx.db, { username: 'b-worker', role: 'grid_worker', scope: places.grid });
    await ctx.db.query("UPDATE app_user SET display_name = '王调度' WHERE username = 'b-two'");
    worker = await login(ctx.app, 'b-worker');
    other = await login(ctx.app, 'b-two');
    inGrid = await pointInGrid(ctx.db, places.grid);
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });
  // Each test's pages close when it ends: a console left open stays live and redraws on every later test's reports.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  async function signIn(next: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
    return openSignedIn(browser, base, 'b-one', { next, viewport, contexts });
  }
  async function openConsole(query = ''): Promise<Page> {
    const page = await signIn(`/dispatch${query}`);
    await page.waitForSelector('gs-dispatch-page[data-state="ready"][data-live="live"]', { timeout: 120_000 });
    return page;
  }
  async function report(description: string): Promise<string> {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: worker.write,
      payload: { category: 'uncollected_garbage', urgency: 'red', description, location: inGrid },
    });
    expect(res.statusCode, res.body).toBe(201);
    return json(res).incident.properties.code as string;
  }
  const row = (page: Page, code: string) => page.locator(`gs-incident-list li[data-code="${code}"]`);
  const statuses = async (codes: string[]) =>
    Object.fromEntries(
      (await ctx.db.query<{ code: string; status: string }>('SELECT code, status FROM incident WHERE code = ANY($1::text[])', [codes])).map((r) => [
        r.code,
        r.status,
      ]),
    );
  const clockOf = async (code: string, action: string) =>
    (
      await ctx.db.query<{ hhmm: string }>(
        `SELECT to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') hhmm FROM incident_history h JOIN incident i ON i.id = h.incident_id
          WHERE i.code = $1 AND h.action = $2`,
        [code, action],
      )
    )[0]!.hhmm;

  it('files ticked reports together (click, Shift+click, x), each row showing its outcome; one filed first elsewhere is named', async () => {
    // Red reports come first in the queue, newest last among them: report four, in order.
    const codes = [await report('批量一'), await report('批量二'), await report('批量三'), await report('批量四')];
    const page = await openConsole('?queue=reported');
    for (const code of codes) await row(page, code).waitFor({ timeout: 30_000 });
    const order = await page.locator('gs-incident-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
    const mine = [...codes].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    // Tick the first, Shift+click the third (a range of three), then x on the fourth after selecting it.
    await row(page, mine[0]!).locator('input[data-check]').click();
    await row(page, mine[2]!)
      .locator('input[data-check]')
      .click({ modifiers: ['Shift'] });
    const between = order.slice(order.indexOf(mine[0]!), order.indexOf(mine[2]!) + 1);
    await row(page, mine[3]!).click();
    await page.locator(`gs-incident-detail h2[data-code="${mine[3]}"]`).waitFor();
    await page.keyboard.press('x');
    const ticked = () => page.locator('gs-incident-list li[data-checked]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
    await expect.poll(ticked).toEqual([...between, mine[3]!]);
    expect(await page.locator('gs-bulk-bar [data-ticked]').getAttribute('data-ticked')).toBe(String(between.length + 1));
    await page.screenshot({ path: `${SHOTS}/dispatch-bulk-zh-1366x768-${BACKEND}.png` });

    // Another dispatcher files one of them first.
    const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${mine[1]}/transitions`, headers: other.write, payload: { action: 'file' } });
    expect(res.statusCode, res.body).toBe(200);
    await page.locator(`gs-incident-list li[data-code="${mine[1]}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    const targets = [mine[0]!, ...between.slice(1).filter((c) => c !== mine[1]), mine[3]!];
    // A ticked row that left the queue (filed elsewhere, heard live) is unticked.
    await expect.poll(ticked).toEqual(targets);
    await page.click('gs-bulk-bar button[data-bulk="file"]');
    for (const code of targets) await row(page, code).locator('[data-result="done"]').waitFor({ timeout: 30_000 });
    expect(Object.values(await statuses(targets)).every((s) => s === 'filed')).toBe(true);
    expect(await page.locator('gs-bulk-bar [data-outcome]').textContent()).toContain(`完成 ${targets.length} 项`);
  });

  it('names who acted first on a row the bulk step could not do, and rejects with one reason', async () => {
    const codes = [await report('驳回一'), await report('驳回二')];
    const page = await openConsole('?queue=reported&lang=en');
    for (const code of codes) await row(page, code).locator('input[data-check]').click({ timeout: 30_000 });
    // Filed elsewhere between the tick and the step, before this console hears of it: the server refuses that item.
    await page.evaluate(() => {
      // Hold the stream's news back: close the console's EventSource so the row stays ticked.
      for (const el of document.querySelectorAll('gs-dispatch-page')) (el as unknown as { data: { source?: EventSource } }).data.source?.close();
    });
    const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${codes[0]}/transitions`, headers: other.write, payload: { action: 'file' } });
    expect(res.statusCode, res.body).toBe(200);
    await page.click('gs-bulk-bar button[data-bulk="reject"]');
    await page.click('gs-bulk-bar button[data-bulk="confirm-reject"]');
    await page.locator('gs-bulk-bar [role="alert"]').waitFor();
    await page.locator('gs-bulk-bar button[data-quick]').first().click();
    await page.screenshot({ path: `${SHOTS}/dispatch-bulk-en-1366x768-${BACKEND}.png` });
    await page.click('gs-bulk-bar button[data-bulk="confirm-reject"]');
    await row(page, codes[1]!).locator('[data-result="done"]').waitFor({ timeout: 30_000 });
    const refused = row(page, codes[0]!).locator('[data-result="refused"]');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toContain(`Already filed by 王调度 at ${await clockOf(codes[0]!, 'file')}`);
    expect(await statuses(codes)).toEqual({ [codes[0]!]: 'filed', [codes[1]!]: 'rejected' });
    await page.screenshot({ path: `${SHOTS}/dispatch-bulk-results-en-1366x768-${BACKEND}.png` });
    const [note] = await ctx.db.query<{ note: string }>(
      "SELECT h.note FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 AND h.action = 'reject'",
      [codes[1]],
    );
    expect(note!.note).toBe('Outside grid management');
  });

  it('filters by street, and searches every incident on the server from "all" (place names included)', async () => {
    const page = await openConsole('?queue=handling');
    await page.selectOption('select[data-filter="district"]', places.district);
    await page.selectOption('select[data-filter="street"]', places.street);
    const shown = () => page.locator('gs-incident-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
    const [{ n }] = (await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int n FROM incident WHERE status IN ('dispatched', 'in_progress') AND street_code = $1",
      [places.street],
    )) as [{ n: number }];
    await expect.poll(async () => Number(await page.locator('[data-count="handling"]').textContent()), { timeout: 30_000 }).toBe(n);
    const inStreet = new Set((await ctx.db.query<{ code: string }>('SELECT code FROM incident WHERE street_code = $1', [places.street])).map((r) => r.code));
    expect((await shown()).every((c) => inStreet.has(c))).toBe(true);
    await page.selectOption('select[data-filter="street"]', '');
    await page.selectOption('select[data-filter="district"]', '');

    // A community's name: no code, text or grid holds it, so only the server's search finds these incidents.
    const [community] = await ctx.db.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [places.community]);
    const expected = new Set(
      (
        await ctx.db.query<{ code: string }>(
          `SELECT i.code FROM incident i WHERE i.code ILIKE $1 OR i.description ILIKE $1 OR i.grid_code LIKE $1
              OR EXISTS (SELECT 1 FROM region r WHERE r.code IN (i.district_code, i.street_code, i.community_code) AND (r.name ILIKE $1 OR r.name_en ILIKE $1))
            ORDER BY i.reported_at DESC LIMIT 500`,
          [`%${community!.name}%`],
        )
      ).map((r) => r.code),
    );
    expect(expected.size).toBeGreaterThan(0);
    await page.fill('input[data-filter="search"]', community!.name);
    await expect.poll(async () => page.locator('[role="tab"][data-queue="all"]').getAttribute('aria-selected')).toBe('true');
    await expect.poll(async () => (await shown()).length, { timeout: 30_000 }).toBe(Math.min(300, expected.size));
    expect((await shown()).every((c) => expected.has(c))).toBe(true);
  });

  it('urges ticked incidents in hand together with one note (督办): each gets its urge and shows it; a note is required', async () => {
    const page = await openConsole('?queue=handling');
    const order = () => page.locator('gs-incident-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
    await expect.poll(async () => (await order()).length, { timeout: 30_000 }).toBeGreaterThan(3);
    const first = (await order()).slice(0, 3);
    const before = await ctx.db.query<{ code: string; status: string }>('SELECT code, status FROM incident WHERE code = ANY($1::text[]) ORDER BY code', [
      first,
    ]);
    expect(before.every((r) => r.status === 'dispatched' || r.status === 'in_progress')).toBe(true);
    await row(page, first[0]!).locator('input[data-check]').click();
    await row(page, first[2]!)
      .locator('input[data-check]')
      .click({ modifiers: ['Shift'] });
    expect(await page.locator('gs-bulk-bar [data-ticked]').getAttribute('data-ticked')).toBe('3');
    // Triage's buttons are not offered here: urging is.
    expect(await page.locator('gs-bulk-bar button[data-bulk="file"]').count()).toBe(0);
    await page.click('gs-bulk-bar button[data-bulk="urge"]');
    await page.click('gs-bulk-bar button[data-bulk="confirm-urge"]');
    expect(await page.locator('gs-bulk-bar [role="alert"]').textContent()).toBe('请填写督办意见');
    // The first quick reply, as the console words it in Chinese.
    await page.locator('gs-bulk-bar button[data-quick]').first().click();
    await page.click('gs-bulk-bar button[data-bulk="confirm-urge"]');
    for (const code of first) await row(page, code).locator('[data-result="done"]').waitFor({ timeout: 30_000 });
    for (const code of first) await row(page, code).locator('[data-urged]').waitFor({ timeout: 30_000 });
    const urged = await ctx.db.query<{ code: string; status: string; note: string }>(
      `SELECT i.code, i.status, h.note FROM incident_history h JOIN incident i ON i.id = h.incident_id
        WHERE i.code = ANY($1::text[]) AND h.action = 'urge' ORDER BY i.code`,
      [first],
    );
    expect(urged).toEqual(before.map((r) => ({ code: r.code, status: r.status, note: '已超期，请立即处置并反馈' })));
    expect(await page.locator('gs-bulk-bar [data-outcome]').textContent()).toContain('完成 3 项');
  });

  it("shows an urge (督办) in the wall's ticker", async () => {
    // Reduced motion: the ticker is what is checked, and the red markers' pulse would keep software WebGL busy meanwhile.
    const page = await openSignedIn(browser, base, 'b-one', { next: '/wall', viewport: { width: 1366, height: 768 }, reducedMotion: 'reduce', contexts });
    await page.waitForSelector('[data-connection="live"]', { timeout: 180_000 });
    const code = await report('督办上墙');
    for (const payload of [{ action: 'file' }, { action: 'dispatch', units: ['sanitation'] }, { action: 'urge', note: '请加快处置' }]) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: other.write, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
    const line = page.locator(`gs-incident-ticker li[data-code="${code}"][data-kind="incident.urged"]`);
    await line.waitFor({ timeout: 30_000 });
    expect(await line.textContent()).toContain('督办');
  });
  // Last in the file: it adds 320 new reports, which the tests above would see in their queue.
  it('draws a queue longer than 300 rows 300 at a time as it is scrolled, to its last row; j from the 300th row goes on to the 301st; all of it ticked at once and filed', async () => {
    // New reports from SQL, each a minute older than the last, blue (after any red or yellow); serials 7…, where the API's are 9… and the seeder's 0….
    await ctx.db.query(
      `INSERT INTO incident (code, category_code, urgency, description, location, reported_at, reporter)
       SELECT 'SJ' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad((7000000 + g)::text, 7, '0'), 'uncollected_garbage', 'blue',
              '长队列 ' || g, ST_SetSRID(ST_MakePoint($1, $2), 4326), now() - make_interval(mins => g), 'long-queue test'
         FROM generate_series(1, 320) g`,
      inGrid,
    );
    // The queue's working order, written out here: red, yellow, blue; oldest first; the code breaks ties.
    const expected = (
      await ctx.db.query<{ code: string }>(
        `SELECT code FROM incident WHERE status = 'reported'
          ORDER BY CASE urgency WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END, reported_at, code`,
      )
    ).map((r) => r.code);
    expect(expected.length).toBeGreaterThan(300);
    expect(expected.length).toBeLessThanOrEqual(600);
    const page = await openConsole();
    const list = page.locator('gs-incident-list');
    const drawn = () => list.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
    await expect.poll(async () => Number(await page.locator('[data-count="reported"]').textContent()), { timeout: 30_000 }).toBe(expected.length);
    await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBe(300);
    expect(await drawn()).toEqual(expected.slice(0, 300));
    expect(await list.locator('[data-more]').textContent()).toContain(`300 / ${expected.length}`);

    // Scrolled to the end: the rest are drawn, in order, the last report reachable; nothing says there are more.
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBe(expected.length);
    expect(await drawn()).toEqual(expected);
    expect(await list.locator('[data-more]').count()).toBe(0);

    // Another queue and back: 300 again; the button under them draws the rest too.
    await page.click('[role="tab"][data-queue="handling"]');
    await page.click('[role="tab"][data-queue="reported"]');
    await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBe(300);
    // Clicked where it is, off screen: scrolled into view, the end of the list would draw the rest by itself.
    await list.locator('[data-more] button').evaluate((b) => (b as HTMLButtonElement).click());
    await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBe(expected.length);

    // From the 300th row, j selects the 301st: drawn, selected and in view.
    await page.click('[role="tab"][data-queue="handling"]');
    await page.click('[role="tab"][data-queue="reported"]');
    await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBe(300);
    await list.locator(`li[data-code="${expected[299]}"]`).click();
    await page.keyboard.press('j');
    const selected = list.locator('li[aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('data-code'), { timeout: 30_000 }).toBe(expected[300]);
    await expect
      .poll(
        () =>
          selected.evaluate((li) => {
            const [r, box] = [li.getBoundingClientRect(), (li.getRootNode() as ShadowRoot).host.getBoundingClientRect()];
            return r.top >= box.top && r.bottom <= box.bottom;
          }),
        { timeout: 30_000 },
      )
      .toBe(true);

    // Every row of the queue ticked at once by the box over the rows, drawn or not (back to the first 300, and the selected
    // 301st), then filed together: more than one request takes (100), every one filed.
    await page.click('[role="tab"][data-queue="handling"]');
    await page.click('[role="tab"][data-queue="reported"]');
    await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBe(301);
    await list.locator('input[data-check-all]').check();
    expect(await page.locator('gs-bulk-bar [data-ticked]').getAttribute('data-ticked')).toBe(String(expected.length));
    await page.click('gs-bulk-bar button[data-bulk="file"]');
    await expect.poll(() => page.locator('gs-bulk-bar [data-outcome]').textContent(), { timeout: 120_000 }).toBe(`完成 ${expected.length} 项`);
    const [{ left }] = (await ctx.db.query<{ left: number }>("SELECT count(*)::int AS left FROM incident WHERE code = ANY($1::text[]) AND status <> 'filed'", [
      expected,
    ])) as [{ left: number }];
    expect(left).toBe(0);
  });
});

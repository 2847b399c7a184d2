import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildApp, type App } from '../../server/app.js';
import { chromiumAvailable, CHROMIUM_PATH, LAYOUT_ONLY_ELSEWHERE, launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { createSeededApp, runStart, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createTokenRepository } from '../../server/repositories/token-repository.js';
import { createUser, login } from '../helpers/identity.js';
import { openSignedIn } from '../helpers/signed-in-page.js';
import {
  boxesOverlap,
  communitySamplePoints,
  gridSamplePoints,
  hexRgb,
  layoutProblems,
  mapPixels,
  placedLabels,
  project,
  projectAll,
  reportIncident,
  transitionIncident,
  whitePixelsIn,
} from '../helpers/wall-page.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping wall tests: no Chromium at ${CHROMIUM_PATH}`);

describe.skipIf(!chromiumAvailable)(`home page, API docs and wall display in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let app: App;
  let browser: Browser;
  let base: string;
  let port: number;
  beforeAll(async () => {
    // Incidents up to now, so that today's and this month's windows hold some.
    ctx = await createSeededApp({ ...SMALL_CITY, now: runStart() });
    app = ctx.app;
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(base).port);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (app !== ctx?.app) await app?.close();
    await ctx?.close();
  });

  const api = (path: string) => fetch(base + path).then((r) => r.json());

  /**
   * Three directives running: the demo's two plus one that the district with
   * the most streets (the district wall's) has answered while the others have
   * not. Created once, before the first test that needs them.
   */
  let directivesReady: Promise<string> | undefined;
  const runningDirectives = () =>
    (directivesReady ??= (async () => {
      const [{ district } = { district: '' }] = await ctx.db.query<{ district: string }>(
        "SELECT left(code, 6) AS district FROM region WHERE level = 'street' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
      );
      await createUser(ctx.db, { username: 'wall-chief', role: 'commander' });
      const chief = await login(app, 'wall-chief');
      const res = await app.inject({
        method: 'POST',
        url: '/api/directives',
        headers: chief.write,
        payload: { title: '排查老旧小区燃气管道隐患', deadline: new Date(Date.now() + 6 * 3_600_000).toISOString() },
      });
      expect(res.statusCode, res.body).toBe(201);
      const answered = await app.inject({
        method: 'POST',
        url: `/api/directives/${JSON.parse(res.body).id}/answers`,
        headers: chief.write,
        payload: { district, kind: 'report', text: '已排查12个小区，发现隐患3处，均已处置。' },
      });
      expect(answered.statusCode, answered.body).toBe(200);
      return district;
    })());

  /**
   * Opens the wall and waits for its first complete frame, collecting anything that goes wrong.
   * With reduced motion (all but the first test) the red markers do not pulse: each open wall's
   * pulse kept a third of a core busy, slowing every other test on the machine.
   * Only a test that reads the map's canvas back (`readback`) asks the wall to keep each frame: on
   * software WebGL every kept frame costs a full-screen copy, and the wall in use does not keep them.
   */
  async function openWall(
    query = '',
    viewport = { width: 1920, height: 1080 },
    {
      motion = false,
      readback = false,
      at = base,
      beforeGoto,
    }: { motion?: boolean; readback?: boolean; at?: string; beforeGoto?: (page: Page) => Promise<void> } = {},
  ): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport, reducedMotion: motion ? 'no-preference' : 'reduce' });
    await beforeGoto?.(page);
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on(
      'request',
      (r) => !r.url().startsWith(at) && !r.url().startsWith('data:') && !r.url().startsWith('blob:') && problems.push(`outside request: ${r.url()}`),
    );
    // ?readback keeps the map's drawing buffer so the pixel checks can read it.
    await page.goto(`${at}/wall${query}${readback ? `${query ? '&' : '?'}readback` : ''}`);
    // Generous: several browsers and test databases share two cores here.
    await page.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 180_000 });
    return { page, problems };
  }

  /**
   * One wall (1920×1080, reduced motion) for the live tests below, which follow it through events, a burst,
   * a change of boundaries and, last, a server restart: a page load is most of what each of them cost when
   * it opened its own. Opened by the first of them that runs (the first look at the wall); the restart test closes it.
   */
  let liveWall: Promise<{ page: Page; problems: string[] }> | undefined;
  const openLiveWall = () => (liveWall ??= openWall());

  async function expectKpisMatchApi(page: Page): Promise<void> {
    const from = await page.$eval('[data-from]', (e) => e.getAttribute('data-from')!);
    const summary = await api(`/api/stats/summary?from=${encodeURIComponent(from)}`);
    const midnight = new Date(Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000).toISOString();
    const today = await api(`/api/stats/summary?from=${encodeURIComponent(midnight)}`);
    const shown = Object.fromEntries(await page.$$eval('[data-kpi]', (els) => els.map((e) => [e.getAttribute('data-kpi'), e.getAttribute('data-value')])));
    expect(shown).toEqual({
      reported: String(summary.reported),
      closed: String(summary.closed),
      closure_rate: String(summary.closure_rate),
      open: String(summary.open),
      overdue: String(summary.overdue),
      new_today: String(today.reported),
      red_open: String(summary.red_open),
    });
    const rate = await page.$eval('[data-kpi="closure_rate"] b', (e) => e.textContent);
    expect(rate).toBe(`${(summary.closure_rate * 100).toFixed(1)}%`);
  }

  // The home page and /docs, on this file's city: a file of their own cost a seeded copy, a server and a browser more.
  it('shows the city KPIs from the stats API in Chinese, with no console errors and no outside requests', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => !r.url().startsWith(base) && problems.push(`outside request: ${r.url()}`));
    await page.goto(base);
    await page.waitForSelector('[data-kpi="reported"]');
    const stats = await fetch(`${base}/api/stats/summary`).then((r) => r.json());
    const shown = await page.$$eval('[data-kpi] b', (els) => els.map((e) => e.textContent));
    expect(shown).toEqual([
      stats.reported.toLocaleString('zh-CN'),
      stats.closed.toLocaleString('zh-CN'),
      `${(stats.closure_rate * 100).toFixed(1)}%`,
      stats.open.toLocaleString('zh-CN'),
    ]);
    expect(await page.textContent('h1')).toContain('网格化治理');
    // Chinese text must be drawn with a CJK font, not tofu boxes: the heading is wider than its Latin fallback would be.
    const width = await page.$eval('h1', (h) => h.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(200);
    // Every grid is drawn, filled with its district's colour.
    await page.waitForSelector('#city-map path[data-grid]');
    const [{ n }] = (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid')) as [{ n: number }];
    expect(await page.$$eval('#city-map path[data-grid]', (ps) => ps.length)).toBe(n);
    // The legend: every district in code order, its Chinese name and then its English one (the page is bilingual).
    const districts = await ctx.db.query<{ name: string; name_en: string | null }>("SELECT name, name_en FROM region WHERE level = 'district' ORDER BY code");
    expect(districts.every((d) => d.name_en)).toBe(true);
    expect(await page.$$eval('#legend li', (lis) => lis.map((li) => li.textContent))).toEqual(districts.map((d) => `${d.name} ${d.name_en}`));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `home-${BACKEND}.png`), fullPage: true });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it("gives every page an icon the server has (a browser asks for it on each page's first load)", async () => {
    const pages = ['/', '/login.html', '/wall', '/dispatch', '/directives', '/explore', '/plan', '/m', '/admin'];
    for (const path of pages) {
      const html = await fetch(base + path).then((r) => r.text());
      const icons = [...html.matchAll(/<link rel="icon" href="([^"]+)" type="([^"]+)">/g)];
      expect(icons.length, path).toBe(1);
      const [, href, type] = icons[0]!;
      const icon = await fetch(new URL(href!, base + path));
      expect(icon.status, `${path}: ${href}`).toBe(200);
      expect(icon.headers.get('content-type'), href).toMatch(new RegExp(`^${type!.replace('+', '\\+')}`));
      expect(await icon.text(), href).toMatch(/^<svg /);
    }
  });

  it('lists every page with the roles it is for, and fits the whole map on a 1920×1080 screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(base);
    await page.waitForSelector('#city-map path[data-grid]');
    // Who may use which page, as README's role table has it (an independent list, not route-access.ts).
    const ALL = 'commander district_leader staff dispatcher handler grid_worker planner viewer';
    const rows = await page.$$eval('#directory tr[data-page]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-page'), tr.getAttribute('data-roles'), !!tr.querySelector('.yours')]),
    );
    // The anonymous reader counts as a viewer: the wall, the explorer and the docs are theirs.
    expect(rows).toEqual([
      ['/wall', ALL, true],
      ['/dispatch', 'commander district_leader dispatcher', false],
      ['/directives', 'commander district_leader staff dispatcher', false],
      ['/explore', ALL, true],
      ['/plan', 'commander planner', false],
      ['/m', 'handler grid_worker', false],
      ['/admin', 'commander', false],
      ['/docs', ALL, true],
    ]);
    expect(await page.textContent('#directory tr[data-page="/plan"]')).toContain('网格规划员 Planner');
    // The whole map is on screen, drawn at a useful size, and nothing on the page is wider than the screen.
    const box = await page.$eval('#city-map', (svg) => {
      const r = svg.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: r.height, right: r.right };
    });
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(1080);
    expect(box.height).toBeGreaterThan(400);
    // The city is centred in its drawing (the SVG's own units): as much room on the left as on the right, above as below.
    const drawn = await page.$eval('#city-map', (svg) => {
      const b = (svg as SVGSVGElement).getBBox();
      const v = (svg as SVGSVGElement).viewBox.baseVal;
      return { left: b.x - v.x, right: v.x + v.width - (b.x + b.width), top: b.y - v.y, bottom: v.y + v.height - (b.y + b.height) };
    });
    expect(Math.abs(drawn.left - drawn.right), JSON.stringify(drawn)).toBeLessThan(1);
    expect(Math.abs(drawn.top - drawn.bottom), JSON.stringify(drawn)).toBeLessThan(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1920);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `home-1920-${BACKEND}.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const phone = await page.$eval('#city-map', (svg) => svg.getBoundingClientRect().width);
    expect(phone).toBeGreaterThan(300);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `home-390-${BACKEND}.png`), fullPage: true });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  // A district's user sees their district's grids, each in the colour its street has in the legend (the legend lists
  // the summary's children: streets here). It was filled black (the grids were looked up by district).
  it("colours a district leader's home map by street, as its legend says", async () => {
    const [{ district } = { district: '' }] = await ctx.db.query<{ district: string }>(
      "SELECT left(code, 6) AS district FROM region WHERE level = 'street' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    );
    await createUser(ctx.db, { username: 'home-leader', role: 'district_leader', scope: district });
    const problems: string[] = [];
    const page = await openSignedIn(browser, base, 'home-leader', { next: '/', ready: '#city-map path[data-grid]', problems });
    // Legend items as the page words them: the Chinese name, then the English one where there is one.
    const streets = new Map(
      (
        await ctx.db.query<{ code: string; name: string; name_en: string | null }>(
          "SELECT code, name, name_en FROM region WHERE level = 'street' AND code LIKE $1 || '%'",
          [district],
        )
      ).map((s) => [s.code, s.name_en ? `${s.name} ${s.name_en}` : s.name]),
    );
    const [{ grids } = { grids: 0 }] = await ctx.db.query<{ grids: number }>('SELECT count(*)::int AS grids FROM grid WHERE district_code = $1', [district]);
    const legend = new Map(
      await page.$$eval('#legend li', (lis) => lis.map((li) => [li.textContent, getComputedStyle(li.querySelector('i')!).backgroundColor])),
    );
    expect(new Set(legend.keys())).toEqual(new Set(streets.values()));
    expect(new Set(legend.values()).size, 'a colour per street').toBe(Math.min(streets.size, 9));
    const drawn = await page.$$eval('#city-map path[data-grid]', (ps) =>
      ps.map((p) => ({ code: p.getAttribute('data-grid')!, fill: getComputedStyle(p).fill })),
    );
    expect(drawn.length).toBe(grids);
    const wrong = drawn.filter(({ code, fill }) => legend.get(streets.get(code.slice(0, 9))!) !== fill);
    expect(wrong.slice(0, 5), `${wrong.length} grids not in their street's colour`).toEqual([]);
    // Who is signed in, where: the district in both languages, as the page's other words are.
    const [place] = await ctx.db.query<{ name: string; name_en: string }>('SELECT name, name_en FROM region WHERE code = $1', [district]);
    expect(await page.textContent('#who')).toContain(`区县领导 District leader · ${place!.name} ${place!.name_en}`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `home-district-leader-1920-${BACKEND}.png`) });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.context().close();
  });

  it("says on a department handler's wall and home page that the figures are their unit's incidents only; a grid's wall that it has nothing below to rank; a street's wall names and ranks its communities; a community's its grids", async () => {
    const [unit] = await ctx.db.query<{ code: string; name: string; name_en: string | null }>(
      'SELECT u.code, u.name, u.name_en FROM unit u JOIN incident_assignment a ON a.unit_code = u.code GROUP BY u.code ORDER BY count(*) DESC, u.code LIMIT 1',
    );
    await createUser(ctx.db, { username: 'wall-handler', role: 'handler', unit: unit!.code });
    const problems: string[] = [];
    // Each role's wall, signed in as the role's user; their console errors are gathered in `problems`.
    const wallAs = (username: string, next = '/wall') =>
      openSignedIn(browser, base, username, { next, ready: 'gs-wall-display[data-first-frame-ms]', problems, reducedMotion: 'reduce' });
    const page = await wallAs('wall-handler', '/wall?lang=en');
    // The city's title, and beside it whose incidents these are (they were the unit's figures under the city's name alone).
    expect(await page.getAttribute('gs-wall-display [data-unit]', 'data-unit')).toBe(unit!.code);
    expect(await page.textContent('gs-wall-display [data-unit]')).toBe(`Only incidents assigned to ${unit!.name_en ?? unit!.name}`);
    const from = await page.getAttribute('gs-wall-display [data-from]', 'data-from');
    const [{ reported } = { reported: -1 }] = await ctx.db.query<{ reported: number }>(
      `SELECT count(*)::int AS reported FROM incident i
        WHERE i.reported_at >= $1 AND EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $2)`,
      [from, unit!.code],
    );
    await expect.poll(() => page.getAttribute('gs-wall-display [data-kpi="reported"]', 'data-value')).toBe(String(reported));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-handler-1920-en-${BACKEND}.png`) });
    await page.goto(`${base}/`);
    await page.waitForSelector('#kpi-unit[data-unit]');
    expect(await page.textContent('#kpi-unit')).toBe(`仅统计${unit!.name}承办的事件 · Only incidents assigned to ${unit!.name_en ?? unit!.name}`);
    await page.context().close();

    // A grid worker's wall: one grid, no unit, and no empty ranking table but a line saying why there is none.
    const [{ grid: gridCode } = { grid: '' }] = await ctx.db.query<{ grid: string }>('SELECT min(code) AS grid FROM grid');
    await createUser(ctx.db, { username: 'wall-grid', role: 'grid_worker', scope: gridCode });
    const grid = await wallAs('wall-grid', '/wall?lang=en');
    expect(await grid.textContent('gs-wall-display gs-district-ranking [data-ranking="none"]')).toBe('A grid is the smallest area: nothing below it to rank');
    expect(await grid.$('gs-wall-display [data-unit]')).toBeNull();
    // Titled by the grid's English name, its community's and its number (it was the Chinese name on the English wall).
    const [{ title } = { title: '' }] = await ctx.db.query<{ title: string }>(
      "SELECT coalesce(c.name_en || ' Grid ' || right(g.code, 3)::int, g.name) AS title FROM grid g JOIN region c ON c.code = g.community_code WHERE g.code = $1",
      [gridCode],
    );
    expect(await grid.textContent('gs-wall-display h1')).toBe(`${title} Grid Governance Command Centre`);
    await grid.screenshot({ path: join(SCREENSHOT_DIR, `wall-grid-1920-en-${BACKEND}.png`) });
    await grid.context().close();

    // A street's wall: its communities named on the map and in the ticker, ranked per 1,000 of their residents (the map
    // named the street alone, every ticker line named the street, and the ranking showed — for each community).
    const [{ street } = { street: '' }] = await ctx.db.query<{ street: string }>(
      "SELECT parent_code AS street FROM region WHERE level = 'community' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    );
    const communities = await ctx.db.query<{ code: string; name: string; population: number | null }>(
      "SELECT code, name, population FROM region WHERE level = 'community' AND parent_code = $1 ORDER BY code",
      [street],
    );
    await createUser(ctx.db, { username: 'wall-street', role: 'staff', scope: street });
    const streetWall = await wallAs('wall-street');
    const names = new Set(communities.map((c) => c.name));
    await expect.poll(async () => (await placedLabels(streetWall)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const labels = await placedLabels(streetWall);
    expect(labels.filter((l) => !names.has(l.text)).map((l) => l.text)).toEqual([]);
    expect(boxesOverlap(labels), 'map labels overlap').toEqual([]);
    const tickerPlaces = await streetWall.$$eval('gs-wall-display gs-incident-ticker li .place', (els) => els.map((e) => e.textContent));
    expect(tickerPlaces.length).toBeGreaterThan(0);
    expect(tickerPlaces.filter((p) => !names.has(p!))).toEqual([]);
    const perThousand = await streetWall.$$eval('gs-wall-display gs-district-ranking td[data-ranking="per_1k"]', (tds) =>
      tds.map((td) => [td.getAttribute('data-code'), td.querySelector('.value')!.textContent]),
    );
    const peopled = new Set(communities.filter((c) => (c.population ?? 0) > 0).map((c) => c.code));
    expect(peopled.size).toBeGreaterThan(0);
    expect(perThousand.filter(([code, v]) => peopled.has(code!) && v === '—')).toEqual([]);
    // Its heat cells are as fine as the street is shown: they were the city view's (~500 m), drawn as blobs past its edges.
    const heatZooms = await streetWall.waitForFunction(
      () => {
        const wall = document.querySelector('gs-wall-display') as unknown as { fittedZoom: number; data: { heatZoom?: number | null; heat?: unknown } };
        return wall.fittedZoom > 10 && wall.data.heat && wall.data.heatZoom === Math.floor(wall.fittedZoom) && [wall.fittedZoom, wall.data.heatZoom];
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(await heatZooms.jsonValue(), 'fitted zoom, heat zoom').toBeTruthy();
    // Its district's directives name the district (本区 is the district's own wall's word: the street is not the district).
    const [district] = await ctx.db.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [street.slice(0, 6)]);
    await streetWall.waitForSelector('gs-directive-panel section[data-directive]');
    const tallies = await streetWall.$$eval('gs-wall-display >> gs-directive-panel section[data-directive]', (els) =>
      els.map((e) => ({ id: Number(e.getAttribute('data-directive')), text: e.querySelector('.tally')!.textContent!.trim() })),
    );
    const targets = await ctx.db.query<{ id: number; status: string }>(
      'SELECT directive_id AS id, status FROM directive_target WHERE district_code = $1 AND directive_id = ANY($2::int[])',
      [street.slice(0, 6), tallies.map((d) => d.id)],
    );
    const said = new Map(targets.map((d) => [d.id, `${district!.name}${d.status === 'waiting' ? '待回复' : '已回复'}`]));
    expect(tallies).toEqual(tallies.map((d) => ({ id: d.id, text: said.get(d.id) })));
    await streetWall.screenshot({ path: join(SCREENSHOT_DIR, `wall-street-1920-zh-${BACKEND}.png`) });
    await streetWall.context().close();

    // A community's wall: its grids named on the map, in the rankings and in the ticker without the community's name that
    // the title carries (the map named nothing, and 文化路社区第三网格 left the rankings' columns cut off at 文化路社).
    const [{ community } = { community: '' }] = await ctx.db.query<{ community: string }>(
      'SELECT community_code AS community FROM grid GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1',
    );
    const grids = await ctx.db.query<{ code: string; short: string }>(
      `SELECT g.code, btrim(substr(g.name, char_length(c.name) + 1)) AS short
         FROM grid g JOIN region c ON c.code = g.community_code WHERE g.community_code = $1 AND starts_with(g.name, c.name)`,
      [community],
    );
    expect(grids.length).toBeGreaterThan(1);
    const shortNames = new Set(grids.map((g) => g.short));
    await createUser(ctx.db, { username: 'wall-community', role: 'staff', scope: community });
    const communityWall = await wallAs('wall-community');
    await expect.poll(async () => (await placedLabels(communityWall)).length, { timeout: 30_000 }).toBeGreaterThan(1);
    const gridLabels = await placedLabels(communityWall);
    expect(gridLabels.filter((l) => !shortNames.has(l.text)).map((l) => l.text)).toEqual([]);
    expect(boxesOverlap(gridLabels), 'map labels overlap').toEqual([]);
    const ranked = await communityWall.$$eval('gs-wall-display gs-district-ranking td[data-ranking] .name', (els) =>
      els.map((e) => ({ text: e.textContent, clipped: e.scrollWidth > e.clientWidth + 1 })),
    );
    expect(ranked.length).toBe(3 * Math.min(grids.length, 12));
    expect(ranked.filter((r) => !shortNames.has(r.text!) || r.clipped)).toEqual([]);
    const gridTicker = await communityWall.$$eval('gs-wall-display gs-incident-ticker li .place', (els) => els.map((e) => e.textContent));
    expect(gridTicker.length).toBeGreaterThan(0);
    expect(gridTicker.filter((p) => !shortNames.has(p!))).toEqual([]);
    await communityWall.screenshot({ path: join(SCREENSHOT_DIR, `wall-community-1920-zh-${BACKEND}.png`) });
    // And its home page's legend, bilingual: 第三网格 Grid 3.
    const legendNames = await ctx.db.query<{ text: string }>(
      `SELECT btrim(substr(g.name, char_length(c.name) + 1)) || CASE WHEN c.name_en IS NULL THEN '' ELSE ' Grid ' || right(g.code, 3)::int END AS text
         FROM grid g JOIN region c ON c.code = g.community_code WHERE g.community_code = $1`,
      [community],
    );
    await communityWall.goto(`${base}/`);
    await communityWall.waitForSelector('#legend li');
    const legendShown = await communityWall.$$eval('#legend li', (els) => els.map((e) => e.textContent!.trim()));
    expect(legendShown.sort()).toEqual(legendNames.map((r) => r.text).sort());
    expect(problems, problems.join('\n')).toEqual([]);
    await communityWall.context().close();
  });

  // A province of 100k grids must not send the home page every polygon (nor draw a part of them): over the tile
  // threshold it draws the districts. The seeded city is over the threshold of a second server on the same database.
  it('draws the districts on the home page of an area over the grid threshold, says how many grids they hold, and fetches no grid polygons', async () => {
    const tiled = await buildApp({ db: ctx.db, auth: { anonymousRead: true }, workflow: { sweepEveryMs: 0 }, tileGridThreshold: 1 });
    const served: string[] = [];
    tiled.addHook('onRequest', async (request) => void served.push(request.url));
    try {
      const at = await tiled.listen({ host: '127.0.0.1', port: 0 });
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(at);
      await page.waitForSelector('#city-map path[data-outline]');
      const districts = await ctx.db.query<{ code: string; name: string; name_en: string | null }>(
        "SELECT code, name, name_en FROM region WHERE level = 'district' ORDER BY code",
      );
      const [{ grids } = { grids: 0 }] = await ctx.db.query<{ grids: number }>('SELECT count(*)::int AS grids FROM grid');
      const drawn = await page.$$eval('#city-map path[data-outline]', (ps) => ps.map((p) => [p.getAttribute('data-outline'), p.getAttribute('fill')]));
      expect(drawn.map(([code]) => code).sort()).toEqual(districts.map((d) => d.code));
      expect(await page.$$eval('#city-map path[data-grid]', (ps) => ps.length)).toBe(0);
      // Each district in its legend colour.
      const legend = new Map(
        await page.$$eval('#legend li', (lis) => lis.map((li) => [li.textContent, getComputedStyle(li.querySelector('i')!).backgroundColor])),
      );
      const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
      const legendText = (d: { name: string; name_en: string | null }) => (d.name_en ? `${d.name} ${d.name_en}` : d.name);
      expect(new Map(drawn.map(([code, fill]) => [legendText(districts.find((d) => d.code === code)!), rgb(fill!)]))).toEqual(legend);
      const note = await page.textContent('#preview-note');
      expect(note).toContain(`${grids.toLocaleString('zh-CN')} 个网格，按区县显示`);
      expect(note).toContain(`${grids.toLocaleString('en')} grids, shown by district`);
      expect(
        served.filter((u) => u.startsWith('/api/grids')),
        'no grid list asked for',
      ).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `home-districts-1920-${BACKEND}.png`) });
      expect(problems, problems.join('\n')).toEqual([]);
      await page.close();
    } finally {
      await tiled.close();
    }
  });

  it('serves the API docs offline, under the Content-Security-Policy', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && outside.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}/docs`);
    await page.getByText('/api/grids', { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(outside).toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `docs-${BACKEND}.png`) });
    // Closed: this file's wall tests run after it in the same browser.
    await page.close();
  });

  /**
   * Samples grids' pixels on the map's canvas (a wall opened with heat=off and readback) and checks each
   * against the legend's class for its value, computed here from GET /api/map/grid-metrics.
   */
  async function expectGridColoursAsLegend(page: Page, by: 'grid' | 'community' = 'grid'): Promise<void> {
    const legend = await page.$$eval('gs-map-legend li', (els) =>
      els.map((e) => ({
        colour: e.getAttribute('data-colour')!,
        min: e.getAttribute('data-min')!,
        max: e.getAttribute('data-max')!,
      })),
    );
    const classes = legend.filter((l) => l.min !== '').map((l) => ({ colour: l.colour, min: Number(l.min) }));
    const noData = legend.find((l) => l.min === '')!.colour;
    const from = await page.$eval('[data-from]', (e) => e.getAttribute('data-from')!);
    const metrics = await api(`/api/map/grid-metrics?from=${encodeURIComponent(from)}`);
    // The default metric: incidents per 1,000 residents over the window; a community's from its grids' sums.
    const sums = (code: string): number[] =>
      by === 'grid'
        ? metrics.grids[code]
        : Object.entries(metrics.grids as Record<string, number[]>)
            .filter(([grid]) => grid.startsWith(code))
            .reduce((acc, [, t]) => acc.map((v, i) => v + t[i]!), [0, 0, 0, 0, 0, 0]);
    const expected = (code: string) => {
      const [reported, , , , , pop] = sums(code) as [number, number, number, number, number, number];
      if (!(pop > 0)) return noData;
      const v = (reported / pop) * 1000;
      return classes.reduce((c, k) => (v >= k.min ? k.colour : c), classes[0]!.colour);
    };
    // District names and open red incidents are drawn over the grids in the same canvas: no samples under them.
    const labels = await placedLabels(page);
    const red = await api(`/api/incidents?from=${encodeURIComponent(from)}&urgency=red&status=reported,filed,dispatched,in_progress,resolved&limit=2000`);
    const markerPoints = await Promise.all(red.features.map((f: any) => project(page, f.geometry.coordinates[0], f.geometry.coordinates[1])));
    const underLabel = (p: { x: number; y: number }) =>
      labels.some(({ box: b }) => p.x > b.x - 6 && p.x < b.x + b.width + 6 && p.y > b.y - 6 && p.y < b.y + b.height + 6) ||
      markerPoints.some((m) => Math.hypot(m.x - p.x, m.y - p.y) < 24);
    let checked = 0;
    const misses: string[] = [];
    const seen = new Set<string>();
    // Projected and read in bulk (one round trip, one copy of the canvas), then checked one by one.
    const grids = by === 'grid' ? await gridSamplePoints(ctx.db) : await communitySamplePoints(ctx.db);
    const projected = await projectAll(
      page,
      grids.flatMap(
        (g) =>
          [
            [g.lon, g.lat],
            [g.lon + g.radius, g.lat],
          ] as [number, number][],
      ),
    );
    const samples = grids
      .map((g, i) => ({ g, p: projected[2 * i]!, radiusPx: projected[2 * i + 1]!.x - projected[2 * i]!.x }))
      .filter(({ p, radiusPx }) => !(radiusPx < 4 || p.x < 0 || p.y < 0 || p.x > p.width || p.y > p.height || underLabel(p)))
      .slice(0, 60);
    const pixels = await mapPixels(
      page,
      samples.map(({ p }) => p),
    );
    for (const [k, { g }] of samples.entries()) {
      const want = expected(g.code);
      const got = pixels[k]!;
      if (hexRgb(want).some((c, i) => Math.abs(c - got[i]!) > 3)) misses.push(`${g.code}: want ${want}, got rgb(${got.slice(0, 3).join(',')})`);
      seen.add(want);
      ++checked;
    }
    expect(checked).toBeGreaterThanOrEqual(by === 'grid' ? 30 : 10);
    expect(misses, misses.join('\n')).toEqual([]);
    expect(seen.size, 'several legend classes seen').toBeGreaterThanOrEqual(3);
  }

  it('colours the grids on the canvas as the legend says, and draws the Chinese district names', async () => {
    // The heatmap is drawn over the grids in the same canvas and would tint them: off for this check.
    const { page, problems } = await openWall('?heat=off', undefined, { readback: true });
    await expectGridColoursAsLegend(page);
    const outlines = await api('/api/map/outlines?levels=district');
    const labels = await placedLabels(page);

    // Every district's name is placed, and drawn (white text) where it was placed.
    expect(labels.map((l) => l.text).sort()).toEqual(outlines.features.map((f: any) => f.properties.name).sort());
    const mapBox = (await (await page.$('gs-wall-map'))!.boundingBox())!;
    for (const { text, box } of labels.slice(0, 3)) {
      const white = await whitePixelsIn(page, { x: mapBox.x + box.x, y: mapBox.y + box.y, width: box.width, height: box.height });
      expect(white, `label of ${text}`).toBeGreaterThan(20);
    }
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  // Issue 17: a region of more grids than GRIDSCOPE_TILE_GRID_THRESHOLD is drawn from vector tiles. The seeded
  // city is over the threshold of a second server on the same database (no second city is seeded).
  it('draws a region over the grid threshold from vector tiles, never its GeoJSON, coloured as grid-metrics and the legend say', async () => {
    const [{ grids } = { grids: 0 }] = await ctx.db.query<{ grids: number }>('SELECT count(*)::int AS grids FROM grid');
    // The biggest district is at the threshold (still polygons), the city over it (tiles).
    const [district] = await ctx.db.query<{ code: string; n: number }>(
      'SELECT district_code code, count(*)::int n FROM grid GROUP BY 1 ORDER BY 2 DESC LIMIT 1',
    );
    const threshold = district!.n;
    const tiled = await buildApp({ db: ctx.db, auth: { anonymousRead: true }, workflow: { sweepEveryMs: 0 }, tileGridThreshold: threshold });
    // What the server was asked, tile requests included (MapLibre's worker fetches tiles: the page may not report them).
    const served: string[] = [];
    tiled.addHook('onRequest', async (request) => void served.push(request.url));
    try {
      const at = await tiled.listen({ host: '127.0.0.1', port: 0 });
      const { page, problems } = await openWall('?heat=off', undefined, { readback: true, at });
      const asked = served.map((u) => new URL(u, at));
      const zoom = await page.evaluate(() => document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!.getZoom());
      expect(
        asked.filter((u) => /^\/tiles\/grids\/\d+\/\d+\/\d+\.mvt$/.test(u.pathname)).length,
        `grid tiles asked for at zoom ${zoom}: ${served.join(' ')}`,
      ).toBeGreaterThan(0);
      // The whole-city view's tiles were asked for before the map loaded (prefetchTiles): exactly those the map drew
      // from, no others; and the grid figures once.
      const prefetched = await page.evaluate(() => document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.prefetchedTiles);
      const tilesServed = new Set(asked.filter((u) => u.pathname.startsWith('/tiles/grids/')).map((u) => u.pathname + u.search));
      expect(prefetched.length).toBeGreaterThan(0);
      expect(new Set(prefetched.map((u) => new URL(u).pathname + new URL(u).search)), `tiles served: ${[...tilesServed].join(' ')}`).toEqual(tilesServed);
      expect(asked.filter((u) => u.pathname === '/api/map/grid-metrics').length, 'grid figures asked for once').toBe(1);
      const gridAnswers = asked.filter((u) => u.pathname === '/api/map/grids' || u.pathname === '/api/grids');
      expect(gridAnswers.length).toBeGreaterThan(0);
      expect(
        gridAnswers.map((u) => u.search),
        'only asked whether to use tiles',
      ).toEqual(gridAnswers.map(() => '?tiles=auto'));
      const body = await fetch(`${at}/api/map/grids?tiles=auto`).then((r) => r.text());
      expect(body.length, 'a few hundred bytes, not the polygons').toBeLessThan(1000);
      const answer = JSON.parse(body);
      expect(answer.features).toEqual([]);
      const [x] = await ctx.db.query<{ w: number; s: number; e: number; n: number }>(
        'SELECT ST_XMin(b) w, ST_YMin(b) s, ST_XMax(b) e, ST_YMax(b) n FROM (SELECT ST_Extent(boundary) b FROM grid) q',
      );
      expect(answer.tiled).toEqual({
        threshold,
        grids,
        bbox: [x!.w, x!.s, x!.e, x!.n].map((v) => expect.closeTo(v, 9)),
        tiles: '/tiles/grids/{z}/{x}/{y}.mvt',
        minzoom: 6,
        maxzoom: 16,
        revision: expect.any(String),
        communities: { tiles: '/tiles/communities/{z}/{x}/{y}.mvt', minzoom: 6, maxzoom: 16 },
      });
      // A region at the threshold still gets its polygons.
      const own = await fetch(`${at}/api/map/grids?tiles=auto&simplify=0&region=${district!.code}`).then((r) => r.json());
      expect([own.tiled, own.features.length]).toEqual([undefined, district!.n]);

      // Each drawn grid's feature state: its value is incidents per 1,000 residents, as computed here from the API.
      const from = await page.$eval('[data-from]', (e) => e.getAttribute('data-from')!);
      const metrics = await fetch(`${at}/api/map/grid-metrics?from=${encodeURIComponent(from)}`).then((r) => r.json());
      const drawn = await page.evaluate(() => {
        const map = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!;
        const ids = new Set(map.queryRenderedFeatures({ layers: ['grid-tiles-fill'] }).map((f) => f.id as number));
        return [...ids].map((id) => ({ id, state: map.getFeatureState({ source: 'grid-tiles', sourceLayer: 'grids', id }) }));
      });
      expect(drawn.length, 'the whole city in view').toBe(grids);
      const wrong = drawn.filter(({ id, state }) => {
        const [reported, , , , , pop] = metrics.grids[String(id)];
        const want = pop > 0 ? (reported / pop) * 1000 : null;
        return want === null ? state.value !== null : Math.abs(state.value - want) > 1e-9;
      });
      expect(wrong).toEqual([]);
      // And on the canvas, the colours the legend gives those values.
      await expectGridColoursAsLegend(page);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-tiles-1920-${BACKEND}.png`) });
      expect(problems, problems.join('\n')).toEqual([]);
      await page.close();
    } finally {
      await tiled.close();
    }
  });

  // A region whose grids would be specks on the wall's screen is coloured by community (web/wall/wall-grouping.ts; the
  // 100k-grid city's wall does so by itself). `by=community` asks for it whatever the size, as on this small city.
  it("colours a tiled region by community when asked: community tiles only, each community its grids' figures added up, as the legend says", async () => {
    const tiled = await buildApp({ db: ctx.db, auth: { anonymousRead: true }, workflow: { sweepEveryMs: 0 }, tileGridThreshold: 1 });
    const served: string[] = [];
    tiled.addHook('onRequest', async (request) => void served.push(request.url));
    try {
      const at = await tiled.listen({ host: '127.0.0.1', port: 0 });
      // Where the tiles are is held back until deck.gl's layers are on the map: tiles added after them must still lie
      // under them (appended on top, their opaque fill hid the outlines, names and markers).
      const beforeGoto = async (page: Page) => {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        await page.route(
          (url) => url.pathname === '/api/map/grids',
          async (route) => {
            await held;
            await route.continue();
          },
        );
        void page
          .waitForFunction(
            () => {
              const map = document.querySelector('gs-wall-display')?.shadowRoot?.querySelector('gs-wall-map')?.controller?.map;
              return Boolean(map?.getLayersOrder().some((id) => map.getLayer(id)?.type === 'custom'));
            },
            undefined,
            { timeout: 120_000 },
          )
          .then(release, release);
      };
      const { page, problems } = await openWall('?heat=off&by=community&lang=en', undefined, { readback: true, at, beforeGoto });
      const order = await page.evaluate(() =>
        document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!.getLayersOrder(),
      );
      const firstDeck = order.findIndex((id) => id.startsWith('deck-'));
      expect(firstDeck, order.join(' > ')).toBeGreaterThan(order.indexOf('community-tiles-edges'));
      expect(order.indexOf('community-tiles-fill'), order.join(' > ')).toBeGreaterThan(-1);
      // And so the names drawn by deck.gl are on the canvas over the communities.
      const mapBox = (await (await page.$('gs-wall-map'))!.boundingBox())!;
      for (const { text, box } of (await placedLabels(page)).slice(0, 3)) {
        const white = await whitePixelsIn(page, { x: mapBox.x + box.x, y: mapBox.y + box.y, width: box.width, height: box.height });
        expect(white, `label of ${text}`).toBeGreaterThan(20);
      }
      const paths = served.map((u) => new URL(u, at).pathname);
      expect(
        paths.filter((p) => p.startsWith('/tiles/grids/')),
        'no grid tiles',
      ).toEqual([]);
      expect(paths.filter((p) => /^\/tiles\/communities\/\d+\/\d+\/\d+\.mvt$/.test(p)).length, 'community tiles').toBeGreaterThan(0);
      const heading = await page.$eval('gs-wall-display', (d) => d.shadowRoot!.querySelector('gs-map-legend')!.shadowRoot!.querySelector('h3')!.textContent);
      expect(heading).toBe('Incidents per 1,000 residents by community');

      // Each drawn community's feature state: incidents per 1,000 residents of its grids together, from the grid figures.
      const from = await page.$eval('[data-from]', (e) => e.getAttribute('data-from')!);
      const metrics = await fetch(`${at}/api/map/grid-metrics?from=${encodeURIComponent(from)}`).then((r) => r.json());
      const sums = new Map<string, { reported: number; population: number }>();
      for (const [grid, [reported, , , , , population]] of Object.entries(metrics.grids as Record<string, number[]>)) {
        const s = sums.get(grid.slice(0, 12)) ?? { reported: 0, population: 0 };
        sums.set(grid.slice(0, 12), { reported: s.reported + reported!, population: s.population + population! });
      }
      const [{ communities } = { communities: 0 }] = await ctx.db.query<{ communities: number }>(
        "SELECT count(*)::int AS communities FROM region WHERE level = 'community'",
      );
      const drawn = await page.evaluate(() => {
        const map = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!;
        const ids = new Set(map.queryRenderedFeatures({ layers: ['community-tiles-fill'] }).map((f) => f.id as number));
        return [...ids].map((id) => ({ id, state: map.getFeatureState({ source: 'community-tiles', sourceLayer: 'communities', id }) }));
      });
      expect(drawn.length, 'every community in view').toBe(communities);
      const wrong = drawn.filter(({ id, state }) => {
        const s = sums.get(String(id));
        const want = s && s.population > 0 ? (s.reported / s.population) * 1000 : null;
        return want === null ? state.value !== null : Math.abs(state.value - want) > 1e-9;
      });
      expect(wrong).toEqual([]);
      await expectGridColoursAsLegend(page, 'community');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-communities-1920-en-${BACKEND}.png`) });
      expect(problems, problems.join('\n')).toEqual([]);
      await page.close();
    } finally {
      await tiled.close();
    }
  });

  // Whether a tiled region is coloured by grid or by community follows the zoom it is shown at: a wall made larger in place
  // (a browser going full screen on a larger screen) shows grids, communities again when made smaller, and a tour's
  // district (decided by its zoom before the flight) grids.
  it("colours a tiled region by community where its grids would be specks, by grid once a larger window or a tour's district shows them, by community again when it shrinks", async () => {
    // The mean grid's side on screen at zoom z, from SQL: the grids' extent in Web Mercator metres shared by the grids,
    // at 512·2^z px for the world's 40,075,016.686 m.
    const [x] = await ctx.db.query<{ area: number; grids: number }>(
      'SELECT ST_Area(ST_Transform(ST_SetSRID(ST_Extent(boundary)::geometry, 4326), 3857)) AS area, count(*)::int AS grids FROM grid',
    );
    const side = (zoom: number) => (Math.sqrt(x!.area / x!.grids) * 512 * 2 ** zoom) / 40_075_016.686;
    // Windows cheaper to draw than a 1920 wall and its 4K: the test city's grids are ~28 px a side at 1280×720 and ~58 px
    // at 2560×1440, and the limit lies between (checked below).
    const [small, large] = [
      { width: 1280, height: 720 },
      { width: 2560, height: 1440 },
    ];
    const minGridPixels = 40;
    const wall = { metric: 'per_1k', window: '30d', minGridPixels } as const;
    const tiled = await buildApp({ db: ctx.db, auth: { anonymousRead: true }, workflow: { sweepEveryMs: 0 }, tileGridThreshold: 1, wall });
    try {
      const at = await tiled.listen({ host: '127.0.0.1', port: 0 });
      const { page, problems } = await openWall('?heat=off&lang=en', small, { readback: true, at });
      // What the map draws, the legend's heading, and the zoom, once the drawn tiles are coloured and the map is still.
      const view = () =>
        page.evaluate(() => {
          const root = document.querySelector('gs-wall-display')!.shadowRoot!;
          const map = root.querySelector('gs-wall-map')!.controller!.map!;
          return {
            layers: ['grid-tiles-fill', 'community-tiles-fill'].filter((id) => map.getLayer(id)),
            heading: root.querySelector('gs-map-legend')!.shadowRoot!.querySelector('h3')!.textContent,
            zoom: map.getZoom(),
          };
        });
      const settled = (layer: string) =>
        page.waitForFunction(
          (layer) => {
            const map = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!.controller!.map!;
            return Boolean(map.getLayer(layer)) && map.loaded() && map.areTilesLoaded() && !map.isMoving();
          },
          layer,
          { timeout: 60_000 },
        );
      const atSmall = await view();
      expect(side(atSmall.zoom), 'the mean grid under the limit').toBeLessThan(minGridPixels);
      expect(atSmall).toMatchObject({ layers: ['community-tiles-fill'], heading: 'Incidents per 1,000 residents by community' });

      await page.setViewportSize(large);
      await settled('grid-tiles-fill');
      const atLarge = await view();
      expect(atLarge).toMatchObject({ layers: ['grid-tiles-fill'], heading: 'Incidents per 1,000 residents' });
      expect(side(atLarge.zoom), 'the mean grid over the limit').toBeGreaterThan(minGridPixels);
      await expectGridColoursAsLegend(page, 'grid');

      await page.setViewportSize(small);
      await settled('community-tiles-fill');
      expect(await view()).toMatchObject({ layers: ['community-tiles-fill'], heading: 'Incidents per 1,000 residents by community' });
      await expectGridColoursAsLegend(page, 'community');
      // No name under the legend: the camera moved so that the leftmost name would sit under the legend's top right corner.
      const underLegend = await page.evaluate(() => {
        const root = document.querySelector('gs-wall-display')!.shadowRoot!;
        const controller = root.querySelector('gs-wall-map')!.controller!;
        const map = controller.map!.getContainer().getBoundingClientRect();
        const l = root.querySelector('gs-map-legend')!.getBoundingClientRect();
        const legend = { x: l.left - map.left, y: l.top - map.top, width: l.width, height: l.height };
        const leftmost = controller.placedLabels().reduce((a, b) => (b.box.x < a.box.x ? b : a)).box;
        controller.map!.panBy([leftmost.x - (legend.x + legend.width - 40), leftmost.y - (legend.y + 10)], { duration: 0 });
        return { legend, boxes: controller.placedLabels().map((p) => ({ text: p.text, ...p.box })) };
      });
      const { legend, boxes } = underLegend;
      expect(legend.width).toBeGreaterThan(100);
      expect(boxes.length).toBeGreaterThan(0);
      const overlaps = (a: typeof legend, b: typeof legend) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(boxes.filter((b) => overlaps(b, legend))).toEqual([]);
      expect(problems, problems.join('\n')).toEqual([]);
      await page.close();

      // A tour (?tour=5) flies from the city to its first district 5 s after the districts are known, even when they came
      // before the map had loaded: at a district's zoom the grids are over the limit, and are drawn.
      const touring = await openWall('?heat=off&lang=en&tour=5', small, { at });
      const stop = await touring.page.waitForFunction(
        (cityZoom) => {
          const root = document.querySelector('gs-wall-display')!.shadowRoot!;
          const map = root.querySelector('gs-wall-map')!.controller!.map!;
          const heading = root.querySelector('gs-map-legend')!.shadowRoot!.querySelector('h3')!.textContent;
          return map.getZoom() > cityZoom + 0.5 && map.getLayer('grid-tiles-fill') && !map.getLayer('community-tiles-fill') && heading;
        },
        atSmall.zoom,
        { timeout: 60_000 },
      );
      expect(await stop.jsonValue()).toBe('Incidents per 1,000 residents');
      expect(touring.problems, touring.problems.join('\n')).toEqual([]);
      await touring.page.close();
    } finally {
      await tiled.close();
    }
  });

  // The first look at the live wall, with its red markers pulsing; then the screen asks for reduced motion and the
  // tests below follow the same wall through events (a page load each was most of what they cost).
  it('loads with no console errors and no outside requests; the KPIs equal the stats API', async () => {
    // The seeded city's red incidents fall where its random draws put them, which moves with the run's start: at some hours
    // none is open within the wall's window (1 Dec 2026, 16:50 UTC). One reported now gives the markers something to pulse.
    await reportIncident(app, ctx.db, 'red');
    // What the browser is told to keep: every script and stylesheet (content-hashed names) for a year without asking
    // again, the page itself never without asking.
    const caching = new Map<string, string | undefined>();
    // The libraries' production builds, as `npm start` serves them (Lit's development build says so on the console).
    const warnings: string[] = [];
    const watchLoad = async (p: Page) => {
      p.on('response', (r) => caching.set(new URL(r.url()).pathname, r.headers()['cache-control']));
      p.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    };
    const opened = openWall('', undefined, { motion: true, beforeGoto: watchLoad });
    liveWall = opened;
    const { page, problems } = await opened;
    expect(warnings.filter((w) => /dev(elopment)? (mode|build)/i.test(w))).toEqual([]);
    const assets = [...caching].filter(([path]) => path.startsWith('/assets/'));
    expect(assets.filter(([path]) => path.endsWith('.js')).length).toBeGreaterThan(1);
    for (const [path, header] of assets) expect(header, path).toBe('public, max-age=31536000, immutable');
    expect(caching.get('/wall')).toBe('no-cache');
    await expectKpisMatchApi(page);
    expect(await page.$$eval('gs-district-ranking td[data-ranking]', (els) => els.length)).toBe(27);
    expect(await page.$$eval('gs-category-chart li', (els) => els.length)).toBe(13);
    // Each category's bar: its reports in the window, the part not closed brighter, never longer than the bar
    // (counted here in SQL; open incidents reported before the window are not part of it).
    const from = await page.$eval('[data-from]', (e) => e.getAttribute('data-from')!);
    const counted = await ctx.db.query<{ code: string; reported: number; closed: number }>(
      `SELECT c.code, count(i.id)::int AS reported, count(i.id) FILTER (WHERE i.status = 'closed')::int AS closed
         FROM incident_category c LEFT JOIN incident i ON i.category_code = c.code AND i.reported_at >= $1::timestamptz
        GROUP BY c.code`,
      [from],
    );
    const max = Math.max(1, ...counted.map((c) => c.reported));
    const bars = await page.$$eval('gs-category-chart li', (lis) =>
      lis.map((li) => ({
        code: li.getAttribute('data-category')!,
        all: Number.parseFloat((li.querySelector('.all') as HTMLElement).style.width),
        unclosed: Number.parseFloat((li.querySelector('.unclosed') as HTMLElement).style.width),
      })),
    );
    // Widths in per cent of the track, as the style attribute keeps them (a few significant digits).
    const wrongBars = counted.filter((c) => {
      const bar = bars.find((b) => b.code === c.code);
      return !bar || Math.abs(bar.all - (c.reported / max) * 100) > 0.01 || Math.abs(bar.unclosed - ((c.reported - c.closed) / max) * 100) > 0.01;
    });
    expect(wrongBars, JSON.stringify(bars)).toEqual([]);
    expect(await page.textContent('gs-wall-display >> h1')).toContain('指挥中心');
    await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-1920-${BACKEND}.png`) });
    expect(problems, problems.join('\n')).toEqual([]);
    // The markers pulse until the screen asks for reduced motion, and stop when it does, without a reload.
    const pulsing = () =>
      page.$eval(
        'gs-wall-display',
        (w) => (w.shadowRoot!.querySelector('gs-wall-map')!.controller as unknown as { pulseClock: { isRunning: boolean } }).pulseClock.isRunning,
      );
    await expect.poll(pulsing, { timeout: 30_000 }).toBe(true);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await expect.poll(pulsing, { timeout: 30_000 }).toBe(false);
  });

  // Latency is measured by `npm run bench:wall-soak`; a test on a loaded CI machine only checks
  // that the incident arrives live (no reload) and the KPIs follow, within generous bounds.
  it('shows a new incident in the ticker and the KPIs live, without a reload', async () => {
    const { page, problems } = await openLiveWall();
    await page.waitForSelector('[data-banner="live"], [data-connection="live"]', { timeout: 30_000 }).catch(() => undefined);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    const { code } = await reportIncident(app, ctx.db, 'red');
    await page.waitForSelector(`gs-incident-ticker li[data-code="${code}"]`, { timeout: 30_000 });
    await expect
      .poll(
        () =>
          expectKpisMatchApi(page).then(
            () => true,
            () => false,
          ),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    await expectKpisMatchApi(page);
    expect(navigations, 'the wall must not reload to show a new incident').toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  // The wall patches its KPIs from the events and asks the API only once a burst has settled: after that
  // reconciliation they must equal the API exactly, whatever the events could or could not tell.
  it('after a burst of reports and transitions, the KPIs equal the API once it settles, without a reload', async () => {
    const { page, problems } = await openLiveWall();
    await page.waitForSelector('[data-connection="live"]', { timeout: 30_000 });
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    const reds = [await reportIncident(app, ctx.db, 'red'), await reportIncident(app, ctx.db, 'red')];
    const blue = await reportIncident(app, ctx.db, 'blue');
    await transitionIncident(app, ctx.db, reds[0]!.code, 'reject', '现场核实不属实');
    await transitionIncident(app, ctx.db, blue.code, 'file');
    for (const { code } of [...reds, blue]) await page.waitForSelector(`gs-incident-ticker li[data-code="${code}"]`, { timeout: 30_000 });
    await expect
      .poll(
        () =>
          expectKpisMatchApi(page).then(
            () => true,
            () => false,
          ),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    await expectKpisMatchApi(page);
    // The rejected red incident's marker is gone from the map, the other's is there: one wait for both, since the
    // markers may show the new red one before they follow the rejection (CI once looked in between).
    const markers = () => page.$eval('gs-wall-display', (w) => w.shadowRoot!.querySelector('gs-wall-map')!.redMarkers.map((m) => m.code));
    await expect
      .poll(
        async () => {
          const codes = await markers();
          return { shown: codes.includes(reds[1]!.code), rejectedShown: codes.includes(reds[0]!.code) };
        },
        { timeout: 30_000 },
      )
      .toEqual({ shown: true, rejectedShown: false });
    expect(navigations, 'the wall must not reload to follow a burst').toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('takes new grid polygons when the boundaries change, and keeps its copy while they do not', async () => {
    const { page, problems } = await openLiveWall();
    const [grid] = await ctx.db.query<{ code: string; population: number }>('SELECT code, population FROM grid ORDER BY code LIMIT 1');
    // What the map holds for that grid, after the check the wall runs every few minutes; true when it loaded new polygons.
    const check = (): Promise<{ population: number; reloaded: boolean }> =>
      page.evaluate(`(async () => {
      const map = document.querySelector('gs-wall-display').shadowRoot.querySelector('gs-wall-map');
      const before = map.grids;
      await map.reloadGridsIfChanged();
      const f = map.grids.features.find((g) => String(g.id) === '${grid!.code}');
      return { population: f.properties.population, reloaded: map.grids !== before };
    })()`);
    expect(await check()).toEqual({ population: grid!.population, reloaded: false });
    try {
      await ctx.db.query('UPDATE grid_all SET population = population + 5 WHERE code = $1', [grid!.code]);
      expect(await check()).toEqual({ population: grid!.population + 5, reloaded: true });
      expect(await check()).toEqual({ population: grid!.population + 5, reloaded: false });
    } finally {
      await ctx.db.query('UPDATE grid_all SET population = $2 WHERE code = $1', [grid!.code, grid!.population]);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  // Last of the live wall's tests: its page sees the server go away (and logs the failed requests).
  it('after a server restart, says it is disconnected, then reconnects and shows what happened meanwhile', async () => {
    const { page } = await openLiveWall();
    liveWall = undefined;
    await app.close();
    await page.waitForSelector('[data-banner="offline"]', { timeout: 30_000 });
    expect(await page.$eval('gs-kpi-panel', (e) => e.hasAttribute('stale'))).toBe(true);
    // Reported while this server is down, through another instance on the same database.
    const other = await buildApp({ db: ctx.db, auth: { anonymousRead: true }, workflow: { sweepEveryMs: 0 } });
    const { code } = await reportIncident(other, ctx.db, 'yellow');
    await other.close();
    app = await buildApp({ db: ctx.db, auth: { anonymousRead: true } });
    await app.listen({ host: '127.0.0.1', port });
    await page.waitForSelector(`gs-incident-ticker li[data-code="${code}"]`, { timeout: 20_000 });
    await page.waitForSelector('[data-banner="offline"]', { state: 'detached', timeout: 30_000 });
    expect(await page.$eval('gs-kpi-panel', (e) => e.hasAttribute('stale'))).toBe(false);
    await expectKpisMatchApi(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-reconnected-${BACKEND}.png`) });
    await page.close();
  });

  // The title's words and the urgency legend's classes do not come from the database: PGlite run only.
  it.skipIf(LAYOUT_ONLY_ELSEWHERE)('renders the 4K layout in English with the urgency metric', async () => {
    const { page, problems } = await openWall('?lang=en&metric=urgency', { width: 3840, height: 2160 });
    expect(await page.textContent('gs-wall-display >> h1')).toContain('Command Centre');
    expect(await page.$$eval('gs-map-legend li', (els) => els.map((e) => e.textContent?.trim()))).toEqual(['None', 'Blue', 'Yellow', 'Red', 'No data']);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-3840-en-${BACKEND}.png`) });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  /**
   * The walls of the fitting tests below, one per language: opened at 1920×1080 and then made 3840×2160 in place
   * (a browser going full screen on a 4K wall), which costs a redraw instead of a second page load on software WebGL.
   * Each holds the names' sizes at 1920, which a 4K wall doubles.
   */
  const fitWalls = new Map<string, { page: Page; problems: string[]; sizes: Map<string, number> }>();

  /**
   * Makes an open wall `viewport` in place and waits until it has taken the new size: the city fitted again,
   * names sized for the new width, and the heatmap asked again at the zoom a wall opened at that size asks for
   * (its cells follow the zoom), received and drawn.
   */
  async function resizeWall(page: Page, viewport: { width: number; height: number }): Promise<void> {
    const zoom = 9 + Math.log2(Math.max(1, viewport.width / 1920));
    const heat = page.waitForResponse((r) => r.url().includes('/api/map/heatmap?') && Number(new URL(r.url()).searchParams.get('zoom')) === zoom, {
      timeout: 60_000,
    });
    await page.setViewportSize(viewport);
    const bins = ((await (await heat).json()) as { bins: [number, number, number][] }).bins;
    await page.waitForFunction(
      (want) => {
        const el = document.querySelector('gs-wall-display')!.shadowRoot!.querySelector('gs-wall-map')!;
        const map = el.controller!.map!;
        const got = el.heatBins ?? [];
        return got.length === want.length && got.every((b, i) => b.join() === want[i]!.join()) && map.loaded() && !map.isMoving();
      },
      bins,
      { timeout: 60_000 },
    );
    // Drawn: two animation frames after the last change.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  /**
   * A phone's wall: nothing wider than the screen, the map across it and tall, the legend under the map (so the city is
   * fitted to the map's whole width, not beside the legend), and no text under 12 px.
   */
  async function expectPhoneColumn(page: Page): Promise<void> {
    const layout = await page.evaluate(() => {
      const root = document.querySelector('gs-wall-display')!.shadowRoot!;
      const map = root.querySelector('gs-wall-map')!.getBoundingClientRect();
      const legend = root.querySelector('gs-map-legend')!.getBoundingClientRect();
      const small: string[] = [];
      const walk = (node: Element | ShadowRoot) => {
        for (const el of node.querySelectorAll('*')) {
          if (el.shadowRoot) walk(el.shadowRoot);
          const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
          if (text && parseFloat(getComputedStyle(el).fontSize) < 12) small.push(`${el.tagName} "${el.textContent!.trim().slice(0, 20)}"`);
        }
      };
      walk(root);
      return { scrollWidth: document.documentElement.scrollWidth, width: innerWidth, map, legendTop: legend.top, small };
    });
    expect(layout.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(layout.width);
    expect(layout.map.width).toBeGreaterThan(0.9 * layout.width);
    expect(layout.map.height).toBeGreaterThan(400);
    expect(layout.legendTop, 'legend under the map').toBeGreaterThanOrEqual(layout.map.bottom);
    expect(layout.small, 'text under 12 px').toEqual([]);
    const inset = await page.evaluate(() => (document.querySelector('gs-wall-display') as unknown as { legendInset: number }).legendInset);
    expect(inset, 'the city fitted to the whole map').toBe(0);
  }

  // Issue 13, items 11 and 13: every panel fits in both languages on both sizes, names do not collide,
  // every running directive shows, and the title names the city, as the API does.
  for (const [lang, width, height] of [
    ['zh', 1920, 1080],
    ['zh', 3840, 2160],
    ['en', 1920, 1080],
    ['en', 3840, 2160],
    // A phone: one scrolling column (a leader opening the wall's link).
    ['zh', 390, 844],
    ['en', 390, 844],
  ] as const) {
    // One size and language on both backends; the others only check layout (LAYOUT_ONLY_ELSEWHERE).
    const layoutOnly = LAYOUT_ONLY_ELSEWHERE && !(lang === 'zh' && width === 1920);
    it.skipIf(layoutOnly)(`fits every panel and label at ${width}×${height} in ${lang}`, async () => {
      await runningDirectives();
      // The 4K check takes the 1920 wall of its language when that test ran (the PGlite run), else opens its own.
      const opened = width > 1920 ? fitWalls.get(lang) : undefined;
      fitWalls.delete(lang);
      const { page, problems } = opened ?? { ...(await openWall(lang === 'en' ? '?lang=en' : '', { width, height })), sizes: undefined };
      if (opened) await resizeWall(page, { width, height });
      const { regions } = await api('/api/regions');
      const city = regions[0];
      await page.waitForSelector(`gs-wall-display >> h1[data-place="${city.code}"]`);
      expect(await page.textContent('gs-wall-display >> h1')).toContain(lang === 'en' ? (city.name_en ?? city.name) : city.name);
      const running = (await api('/api/directives?status=open')).directives;
      expect(running.length).toBeGreaterThanOrEqual(3);
      await page.waitForSelector(`gs-directive-panel section[data-directive="${running[0].id}"]`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-fit-${width}-${lang}-${BACKEND}.png`) });

      const layout = await layoutProblems(page);
      expect(layout.categories, 'category rows shown whole').toBe(13);
      expect(layout.directives.sort(), 'running directives shown whole').toEqual(running.map((d: { id: number }) => String(d.id)).sort());
      expect(layout.rankingRows).toBe(9);
      expect(layout.tickerCodes).toBeGreaterThan(5);
      expect(layout.problems, layout.problems.join('\n')).toEqual([]);

      if (width < 900) await expectPhoneColumn(page);
      const labels = await placedLabels(page);
      // A phone's map is too small for all nine names at their size: the ones that fit, none overlapping.
      expect(labels.filter((l) => l.level === 'district').length).toBeGreaterThanOrEqual(width < 900 ? 7 : 9);
      expect(boxesOverlap(labels), 'map labels overlap').toEqual([]);
      // Sizes are designed for 1920 px; a 4K wall doubles them (also when it became 4K after it loaded).
      if (opened) expect(new Map(labels.map((l) => [l.text, l.size]))).toEqual(new Map([...opened.sizes].map(([t, s]) => [t, 2 * s])));
      expect(problems, problems.join('\n')).toEqual([]);
      // Kept for the 4K check of this language when that one runs here, else closed.
      if (width === 1920 && !LAYOUT_ONLY_ELSEWHERE) fitWalls.set(lang, { page, problems, sizes: new Map(labels.map((l) => [l.text, l.size])) });
      else await page.close();
    });
  }

  // Issue 13, item 12: a district's wall, started with a token scoped to the district (430202 in the demo city;
  // here the district with the most streets).
  for (const [lang, width, height] of [
    ['zh', 1920, 1080],
    ['en', 3840, 2160],
  ] as const) {
    it.skipIf(LAYOUT_ONLY_ELSEWHERE && width > 1920)(
      `shows a district wall (token scoped to the district) at ${width}×${height} in ${lang}: street names, legend beside the district, streets in the ticker, its answered directive`,
      async () => {
        const district = await runningDirectives();
        const [viewer] = await ctx.db.query<{ id: number }>("SELECT id FROM app_user WHERE username = 'wall-chief'");
        const { token } = await createTokenRepository(ctx.db).insert({
          name: `district wall ${lang}`,
          role: 'viewer',
          scope: district,
          unit: null,
          createdBy: viewer!.id,
          expiresAt: null,
        });
        const { page, problems } = await openWall(`?token=${token}${lang === 'en' ? '&lang=en' : ''}`, { width, height });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-district-${width}-${lang}-${BACKEND}.png`) });
        const streets = await ctx.db.query<{ code: string; name: string; name_en: string | null }>(
          "SELECT code, name, name_en FROM region WHERE level = 'street' AND code LIKE $1 || '%' ORDER BY code",
          [district],
        );
        const streetName = (s: { name: string; name_en: string | null }) => (lang === 'en' ? (s.name_en ?? s.name) : s.name);
        expect(streets.length).toBeGreaterThanOrEqual(1);

        const labels = await placedLabels(page);
        expect(labels.map((l) => l.level)).not.toContain('district');
        expect(labels.map((l) => l.text).sort()).toEqual(streets.map(streetName).sort());
        expect(boxesOverlap(labels), 'map labels overlap').toEqual([]);

        // The legend does not cover the district: its box on screen lies right of the legend.
        const [bbox] = await ctx.db.query<{ x0: number; y0: number; x1: number; y1: number }>(
          'SELECT ST_XMin(boundary) x0, ST_YMin(boundary) y0, ST_XMax(boundary) x1, ST_YMax(boundary) y1 FROM region WHERE code = $1',
          [district],
        );
        const westmost = await project(page, bbox!.x0, (bbox!.y0 + bbox!.y1) / 2);
        const legend = (await (await page.$('gs-map-legend'))!.boundingBox())!;
        const map = (await (await page.$('gs-wall-map'))!.boundingBox())!;
        expect(map.x + westmost.x, 'district west edge right of the legend').toBeGreaterThanOrEqual(legend.x + legend.width);

        // Every ticker line names the incident's street (from the database), not the district.
        await page.waitForSelector('gs-incident-ticker li[data-code]');
        const lines = await page.$$eval('gs-wall-display >> gs-incident-ticker li[data-code]', (els) =>
          els.map((e) => ({ code: e.getAttribute('data-code')!, place: e.querySelector('.place')!.textContent!.trim() })),
        );
        expect(lines.length).toBeGreaterThan(3);
        const places = await ctx.db.query<{ code: string; name: string; name_en: string | null }>(
          'SELECT i.code, r.name, r.name_en FROM incident i JOIN region r ON r.code = i.street_code WHERE i.code = ANY($1::text[])',
          [lines.map((l) => l.code)],
        );
        // Listed in English without the level's word (Subdistrict, Town, Township), which every street shares.
        const listed = (p: { name: string; name_en: string | null }) => streetName(p).replace(/ (Subdistrict|Town|Township)$/, '');
        const byCode = new Map(places.map((p) => [p.code, listed(p)]));
        expect(lines.map((l) => l.place)).toEqual(lines.map((l) => byCode.get(l.code)));

        // The directive this district has answered while other districts have not is shown, marked as answered here.
        const running = await ctx.db.query<{ id: number; own: string }>(
          `SELECT d.id, t.status AS own FROM directive d JOIN directive_target t ON t.directive_id = d.id AND t.district_code = $1
          WHERE EXISTS (SELECT 1 FROM directive_target w WHERE w.directive_id = d.id AND w.status = 'waiting') ORDER BY d.id`,
          [district],
        );
        expect(running.some((d) => d.own !== 'waiting')).toBe(true);
        await page.waitForSelector('gs-directive-panel section[data-directive]');
        const shown = await page.$$eval('gs-wall-display >> gs-directive-panel section[data-directive]', (els) =>
          els.map((e) => ({
            id: Number(e.getAttribute('data-directive')),
            own: e.querySelector('[data-status]')!.getAttribute('data-status'),
            text: e.querySelector('.tally')!.textContent!.trim(),
          })),
        );
        expect(shown.map(({ id, own }) => ({ id, own })).sort((a, b) => a.id - b.id)).toEqual(running);
        for (const d of shown) if (d.own !== 'waiting') expect(d.text).toBe(lang === 'en' ? 'This district has answered' : '本区已回复');

        const layout = await layoutProblems(page);
        expect(layout.problems, layout.problems.join('\n')).toEqual([]);
        expect(problems, problems.join('\n')).toEqual([]);
        await page.close();
      },
    );
  }
});

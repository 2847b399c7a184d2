import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, LAYOUT_ONLY_ELSEWHERE, launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { breadcrumb, clickShape, shownKpis, switchLanguage, waitForPlace } from '../helpers/explore-page.js';
import { createUser, pickPlaces, TEST_PASSWORD } from '../helpers/identity.js';
import { createSeededApp, runStart, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping explorer tests: no Chromium at ${CHROMIUM_PATH}`);

describe.skipIf(!chromiumAvailable)(`district explorer in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  let places: Awaited<ReturnType<typeof pickPlaces>>;
  beforeAll(async () => {
    // Incidents up to now, so the default window (the last 30 days) holds some.
    ctx = await createSeededApp({ ...SMALL_CITY, now: runStart() }, { auth: { anonymousRead: false } });
    places = await pickPlaces(ctx.db);
    await createUser(ctx.db, { username: 'e-chief', role: 'commander' });
    await createUser(ctx.db, { username: 'e-leader', role: 'district_leader', scope: places.district });
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  /** A signed-in browser context and a page in it, collecting anything that goes wrong. */
  async function signedIn(username: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    const res = await context.request.post(`${base}/api/auth/login`, { data: { username, password: TEST_PASSWORD } });
    expect(res.status()).toBe(200);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => !/^(data|blob):/.test(r.url()) && !r.url().startsWith(base) && problems.push(`outside request: ${r.url()}`));
    return { context, page, problems };
  }

  /** The API's figures for what the page shows: its URL's place and window, asked with the page's own session. */
  async function apiFor(context: BrowserContext, page: Page, path = '/api/explore/children', extra = ''): Promise<any> {
    const q = new URL(page.url()).searchParams;
    const to = new Date(Date.parse(`${q.get('to')}T00:00:00+08:00`) + 86_400_000).toISOString();
    // Shapes take no window.
    const query = new URLSearchParams(path.endsWith('/shapes') ? {} : { from: `${q.get('from')}T00:00:00+08:00`, to });
    if (q.get('region')) query.set('region', q.get('region')!);
    return (await context.request.get(`${base}${path}?${query}${extra}`)).json();
  }

  async function expectFiguresMatch(context: BrowserContext, page: Page): Promise<any> {
    const body = await apiFor(context, page);
    const shown = await shownKpis(page);
    for (const k of ['reported', 'closed', 'closure_rate', 'open', 'overdue', 'per_1k', 'mean_hours_to_close']) {
      expect(shown[k], k).toBe(String(body.totals[k]));
    }
    return body;
  }

  it('drills from the city to one grid by clicking the map; breadcrumb, figures, URL and reload agree; the CSV equals the API', async () => {
    const { context, page, problems } = await signedIn('e-chief');
    const heat: string[] = [];
    page.on('request', (r) => new URL(r.url()).pathname === '/api/map/heatmap' && heat.push(r.url()));
    await page.goto(`${base}/explore`);
    await waitForPlace(page);
    let body = await expectFiguresMatch(context, page);
    expect(body.place.level).toBe('city');
    expect(await page.textContent('gs-explore-page h1')).toContain('区县态势分析');
    // The districts' names as the page writes them (its children table) and as the map labels them, against the database's.
    const named = await ctx.db.query<{ code: string; name: string }>("SELECT code, name FROM region WHERE level = 'district' ORDER BY code");
    await expect
      .poll(() =>
        page
          .locator('gs-explore-page #all-children tbody tr')
          .evaluateAll((rows) => rows.map((r) => ({ code: (r as HTMLElement).dataset.code, name: r.querySelector('a.place')?.textContent?.trim() }))),
      )
      .toEqual(named);
    const mapNames = (await apiFor(context, page, '/api/explore/shapes')).features.map((f: any) => ({ code: f.id, name: f.properties.name }));
    expect(mapNames.sort((a: any, b: any) => a.code.localeCompare(b.code))).toEqual(named);
    const path = [places.district, places.street, places.community, places.grid];
    for (const code of path) {
      const shapes = await apiFor(context, page, '/api/explore/shapes');
      const target = shapes.features.find((f: any) => f.id === code);
      expect(target, `shape ${code} on the map`).toBeTruthy();
      if (code === places.community) {
        // At the street, before going down: the full children table as CSV, against the API.
        await page.click('gs-explore-page details summary');
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#all-children button[data-export]')]);
        const bytes = readFileSync((await download.path())!);
        expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const lines = bytes
          .toString('utf8')
          .slice(1)
          .trimEnd()
          .split('\r\n')
          .map((l) => l.split(','));
        expect(lines[0]!.slice(0, 4)).toEqual(['代码', '名称', '人口', '上报']);
        const api = await apiFor(context, page);
        expect(lines.slice(1).map((l) => [l[0], l[1], Number(l[3]), Number(l[7])])).toEqual(
          api.children.map((c: any) => [c.code, c.name, c.reported, c.overdue]),
        );
        expect(lines.slice(1).map((l) => (l[5] === '' ? null : Number(l[5])))).toEqual(api.children.map((c: any) => c.closure_rate));
      }
      await clickShape(page, code, target.properties.label);
      expect(new URL(page.url()).searchParams.get('region')).toBe(code);
      body = await expectFiguresMatch(context, page);
      expect(await breadcrumb(page)).toEqual([...body.ancestors.map((a: any) => a.code), code]);
    }
    expect(await breadcrumb(page)).toEqual([(await apiFor(context, page)).ancestors[0].code, ...path]);
    // The grid's heatmap is its community's on the same map (the grid only outlined): the map kept its camera.
    const lastHeat = new URL(heat.at(-1)!);
    expect(lastHeat.searchParams.get('region')).toBe(places.community);
    const heatBins = (await (await context.request.get(lastHeat.toString())).json()).bins;
    await expect
      .poll(() =>
        page.evaluate(() => document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!.heatBins),
      )
      .toEqual(heatBins);
    // The grid's panel: households and workers as the API has them.
    const grid = await (await context.request.get(`${base}/api/explore/grids/${places.grid}`)).json();
    expect(await page.textContent('gs-grid-panel [data-field="households"]')).toBe(grid.households.toLocaleString('zh-CN'));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-grid-${BACKEND}.png`) });

    // Reload: the same view, exactly.
    const url = page.url();
    const before = await shownKpis(page);
    await page.reload();
    await waitForPlace(page, places.grid);
    expect(page.url()).toBe(url);
    expect(await shownKpis(page)).toEqual(before);
    expect(await breadcrumb(page)).toEqual([(await apiFor(context, page)).ancestors[0].code, ...path]);

    // The breadcrumb goes back up.
    await page.click(`gs-explore-page [data-crumb="${places.district}"]`);
    await waitForPlace(page, places.district);
    await expectFiguresMatch(context, page);
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  });

  it('shows a district leader their district with its heatmap, and 404s the rest', async () => {
    const { context, page, problems } = await signedIn('e-leader');
    await page.goto(`${base}/explore?metric=per_1k`);
    await waitForPlace(page, places.district);
    const figures = await expectFiguresMatch(context, page);
    expect(await breadcrumb(page)).toEqual([places.district]);
    const legend = await page.$$eval('gs-map-legend li', (els) => els.map((e) => e.getAttribute('data-min')));
    // A few streets: the legend lists their values; more: ranges.
    const values = [...new Set(figures.children.map((c: any) => c.per_1k).filter((v: number | null) => v !== null))] as number[];
    if (values.length <= 4) expect(legend).toEqual([...values.sort((a, b) => b - a).map(String), '']);
    else expect(legend.length).toBeGreaterThanOrEqual(3);
    const heat = await apiFor(context, page, '/api/map/heatmap', '&zoom=10');
    expect(heat.bins.length).toBeGreaterThan(10);
    // The page's own heatmap has arrived; deck.gl draws it in the next frame.
    await page.waitForFunction(
      () => document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!.heatBins.length > 10,
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-district-heatmap-${BACKEND}.png`) });
    const res = await context.request.get(`${base}/api/explore/children?region=${places.otherDistrict}`);
    expect(res.status()).toBe(404);
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  });

  it("asks for a place's figures once per view change (the whole window and the map's period are one request)", async () => {
    const { context, page, problems } = await signedIn('e-chief');
    // A page load asks for the heatmap only for the place as the map shows it once fitted (it used to ask for the map's
    // start view first, at the level's default zoom and no bounds, and cancel that when the fit moved the camera). The
    // legend, drawn once its figures arrive, can move the fit once more: a second request for the same zoom, then.
    const heat: string[] = [];
    page.on('request', (r) => new URL(r.url()).pathname === '/api/map/heatmap' && heat.push(r.url()));
    await page.goto(`${base}/explore?region=${places.street}`);
    await waitForPlace(page, places.street);
    const busy = () => page.evaluate(() => document.querySelector('gs-explore-page')!.hasAttribute('data-busy'));
    // Every heatmap request since `from` is for `region` as the map shows it once fitted; the last one for its bounds too.
    const heatSince = async (from: number, region: string) => {
      await expect.poll(async () => heat.length > from && !(await busy()), { timeout: 30_000 }).toBe(true);
      const shown = await page.evaluate(() => {
        const map = document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!.mapController!
          .map!;
        const b = map.getBounds();
        return { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(4)).join(','), zoom: String(Math.floor(map.getZoom())) };
      });
      const params = heat.slice(from).map((u) => new URL(u).searchParams);
      expect(
        params.map((q) => [q.get('region'), q.get('zoom')]),
        heat.slice(from).join('\n'),
      ).toEqual(params.map(() => [region, shown.zoom]));
      expect(params.every((q) => q.get('bbox') !== null)).toBe(true);
      expect(params.at(-1)!.get('bbox')).toBe(shown.bbox);
    };
    await heatSince(0, places.street);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/explore/children') asked.push(r.url());
    });
    // One view change: up to the district by its breadcrumb.
    let from = heat.length;
    await page.click(`a[data-crumb="${places.district}"]`);
    await waitForPlace(page, places.district);
    expect(asked, asked.join('\n')).toHaveLength(1);
    expect(new URL(asked[0]!).searchParams.get('region')).toBe(places.district);
    await heatSince(from, places.district);
    // Up to the city: its heatmap is asked for as the map shows the city, never with the district's camera (it was: the
    // city's legend, wider than the district's, refitted the district's shapes before the city's arrived).
    const [{ city } = { city: '' }] = await ctx.db.query<{ city: string }>("SELECT code AS city FROM region WHERE level = 'city'");
    from = heat.length;
    await page.click(`a[data-crumb="${city}"]`);
    await waitForPlace(page, city);
    await heatSince(from, city);
    await expectFiguresMatch(context, page);
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  });

  it("sends a district leader who follows another district's link to their own district, with a notice in the page's language", async () => {
    for (const lang of ['zh', 'en'] as const) {
      const again = await signedIn('e-leader');
      const languages: string[] = [];
      again.page.on('request', (r) => r.url().includes('/api/explore/') && languages.push(r.headers()['accept-language'] ?? ''));
      await again.page.setViewportSize({ width: 1920, height: 1080 });
      await again.page.goto(`${base}/explore?region=${places.otherDistrict}${lang === 'en' ? '&lang=en' : ''}`);
      await waitForPlace(again.page, places.district);
      expect(new URL(again.page.url()).searchParams.get('region')).toBeNull();
      const notice = await again.page.textContent('gs-explore-page [data-notice="moved-to-scope"]');
      expect(notice).toContain(places.otherDistrict);
      const [{ name, name_en }] = (await ctx.db.query<{ name: string; name_en: string | null }>('SELECT name, name_en FROM region WHERE code = $1', [
        places.district,
      ])) as [{ name: string; name_en: string | null }];
      if (lang === 'zh') {
        expect(notice).toContain('不在您的管辖范围内');
        expect(notice).toContain(name);
        expect(notice).not.toMatch(/[A-Za-z]{3,}/);
      } else {
        expect(notice).toContain('outside your scope');
        expect(notice).toContain(name_en ?? name);
      }
      expect(await again.page.$('gs-explore-page [role="alert"]')).toBeNull();
      // The API is asked in the page's language, so any error it words is in that language too.
      expect(new Set(languages)).toEqual(new Set([lang]));
      await again.page.screenshot({ path: join(SCREENSHOT_DIR, `explore-moved-to-scope-${lang}-1920-${BACKEND}.png`) });
      await keepDesktopLabels(again.page);
      await again.page.setViewportSize({ width: 390, height: 844 });
      await again.page.waitForSelector('gs-explore-page [data-notice="moved-to-scope"]');
      await expect.poll(() => namesUnderLegend(again.page), { timeout: 30_000 }).toEqual({ placed: true, under: [] });
      await again.page.screenshot({ path: join(SCREENSHOT_DIR, `explore-moved-to-scope-${lang}-390-${BACKEND}.png`) });
      // The refused requests themselves show up as "Failed to load resource" (404); nothing else may go wrong.
      const unexpected = again.problems.filter((p) => !/Failed to load resource.*404/.test(p));
      expect(unexpected, unexpected.join('\n')).toEqual([]);
      await again.context.close();
    }
  });

  it.skipIf(LAYOUT_ONLY_ELSEWHERE)(
    "keeps a community's grid names apart, and lists the values themselves when a place has only a few; folds the controls on a phone",
    async () => {
      const { context, page, problems } = await signedIn('e-chief');
      await page.setViewportSize({ width: 1920, height: 1080 });
      // Chinese as opened, then English with the page's own button (no second page load).
      await page.goto(`${base}/explore?region=${places.community}&metric=reported`);
      for (const lang of ['zh', 'en'] as const) {
        if (lang === 'en') await switchLanguage(page, 'en');
        await waitForPlace(page, places.community);
        const body = await apiFor(context, page);
        // The names drawn: at least one, and no two boxes touch.
        await page.waitForFunction(
          () =>
            (document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!.mapController?.labels
              .length ?? 0) > 0,
        );
        const boxes = await page.evaluate(
          () => document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!.mapController!.labels,
        );
        for (const [i, a] of boxes.entries()) {
          for (const b of boxes.slice(i + 1)) {
            const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
            expect(apart, `${a.code} and ${b.code} overlap`).toBe(true);
          }
        }
        expect(boxes.every((b) => body.children.some((c: any) => c.code === b.code))).toBe(true);
        // Its grids listed by what follows the community's name (第三网格, "Grid 3"): the breadcrumb names the community.
        const short = await ctx.db.query<{ code: string; zh: string; en: string }>(
          `SELECT g.code, btrim(substr(g.name, char_length(c.name) + 1)) AS zh, 'Grid ' || right(g.code, 3)::int AS en
             FROM grid g JOIN region c ON c.code = g.community_code WHERE g.community_code = $1 AND starts_with(g.name, c.name) ORDER BY g.code`,
          [places.community],
        );
        expect(short.length).toBeGreaterThan(1);
        const listed = await page.$$eval('gs-explore-page >> gs-ranking-table#all-children tr[data-code]', (rows) =>
          rows.map((r) => [r.getAttribute('data-code'), r.querySelector('a.place')!.textContent]),
        );
        expect(listed.filter(([code]) => short.some((g) => g.code === code))).toEqual(short.map((g) => [g.code, g[lang]]));
        const values = [...new Set(body.children.map((c: any) => c.reported))] as number[];
        const legend = await page.$$eval('gs-map-legend li', (els) => els.map((e) => [e.getAttribute('data-min'), e.textContent!.trim()]));
        if (values.length <= 4) {
          expect(legend.slice(0, -1)).toEqual(values.sort((a, b) => b - a).map((v) => [String(v), v.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN')]));
        }
        await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-community-${lang}-1920-${BACKEND}.png`) });
        await keepDesktopLabels(page);
        await page.setViewportSize({ width: 390, height: 844 });
        // On a phone the controls fold behind one button that names the window and the metric, so the map starts in the
        // first half of the first screen; the button unfolds them and folds them again.
        const metricSelect = page.locator('gs-explore-page gs-filter-bar select[name="metric"]');
        const toggle = page.locator('gs-explore-page gs-filter-bar button[data-action="filters"]');
        const q = new URL(page.url()).searchParams;
        await expect.poll(() => metricSelect.isVisible()).toBe(false);
        expect(await toggle.textContent()).toContain(`${q.get('from')} – ${q.get('to')} · ${lang === 'zh' ? '事件数' : 'Incidents'}`);
        expect((await page.locator('gs-explore-page #map-a').boundingBox())!.y).toBeLessThan(844 / 2);
        await toggle.click();
        expect(await metricSelect.isVisible()).toBe(true);
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        await toggle.click();
        await expect.poll(() => metricSelect.isVisible()).toBe(false);
        // Names are placed again for the phone's map; none is drawn under the legend (the place is fitted clear of it, but
        // a name is wider than the shape under it). Boxes compared in page pixels, written out here, not the page's own test.
        await expect.poll(() => namesUnderLegend(page), { timeout: 30_000 }).toEqual({ placed: true, under: [] });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-community-${lang}-390-${BACKEND}.png`) });
        await page.setViewportSize({ width: 1920, height: 1080 });
      }
      // One grid: one value, shown as itself (not "≥ 28 / 0 – 28"). Back in Chinese, opened from the community's children table.
      await switchLanguage(page, 'zh');
      await page.click('gs-explore-page details summary');
      await page.click(`gs-explore-page #all-children tr[data-code="${places.grid}"] a.place`);
      await waitForPlace(page, places.grid);
      expect(new URL(page.url()).searchParams.get('metric')).toBe('reported');
      const grid = await apiFor(context, page);
      const legend = await page.$$eval('gs-map-legend li', (els) => els.map((e) => [e.getAttribute('data-min'), e.textContent!.trim()]));
      expect(legend).toEqual([
        [String(grid.totals.reported), grid.totals.reported.toLocaleString('zh-CN')],
        ['', '无数据'],
      ]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-grid-legend-${BACKEND}.png`) });
      // A community of this city whose grid names, in English on a phone, reach the legend's corner: one of them was drawn
      // under the legend (the names are placed clear of it now, or left out).
      await keepDesktopLabels(page);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/explore?region=430203001004&lang=en`);
      await waitForPlace(page, '430203001004');
      await expect.poll(() => namesUnderLegend(page), { timeout: 30_000 }).toEqual({ placed: true, under: [] });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-names-clear-of-legend-en-390-${BACKEND}.png`) });
      expect(problems, problems.join('\n')).toEqual([]);
      await context.close();
    },
  );

  it('compares two periods as a difference map, in English', async () => {
    const { context, page, problems } = await signedIn('e-chief');
    await page.goto(`${base}/explore?region=${places.district}&lang=en&compare=diff&metric=reported`);
    await waitForPlace(page, places.district);
    expect(await page.textContent('gs-explore-page h1')).toContain('District explorer');
    const q = new URL(page.url()).searchParams;
    expect(q.get('bfrom')).toBeTruthy();
    expect(await page.textContent('gs-map-legend h3')).toContain('Difference');
    const shown = await page.$$eval('gs-kpi-strip [data-kpi="reported"] small', (els) => els.map((e) => e.getAttribute('data-compared')));
    const b = await (
      await context.request.get(
        `${base}/api/explore/children?region=${places.district}&from=${q.get('bfrom')}T00:00:00%2B08:00&to=${new Date(Date.parse(`${q.get('bto')}T00:00:00+08:00`) + 86_400_000).toISOString()}`,
      )
    ).json();
    expect(shown).toEqual([String(b.totals.reported)]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-diff-en-${BACKEND}.png`) });
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  });
  it.skipIf(LAYOUT_ONLY_ELSEWHERE)(
    'fits the city beside the legend on a 1366×768 laptop, where that shows it larger than above the legend; doubles on a 4K screen',
    async () => {
      const { context, page, problems } = await signedIn('e-chief');
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(`${base}/explore`);
      await waitForPlace(page);
      const shapes = await (await context.request.get(`${base}/api/explore/shapes`)).json();
      const box = [0, 1, 2, 3].map((k) => (k < 2 ? Math.min : Math.max)(...shapes.features.map((f: any) => f.bbox[k] as number)));
      // The zoom the city would have fitted above the legend (the room the explorer kept before: 50 px above, 30 at the
      // sides, the legend's height and 24 px below), against the zoom it has, once the legend is drawn and the fit settled.
      const fitted = await page.waitForFunction(
        (bbox) => {
          const root = document.querySelector('gs-explore-page')!.shadowRoot!;
          const map = root.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')?.mapController?.map;
          const legendEl = root.querySelector('gs-map-legend')!;
          if (!map || (legendEl.shadowRoot?.querySelectorAll('li').length ?? 0) === 0) return false;
          const legend = legendEl.getBoundingClientRect();
          const mapBox = map.getContainer().getBoundingClientRect();
          const above = map.cameraForBounds(bbox as [number, number, number, number], {
            padding: { top: 50, right: 30, bottom: Math.ceil(legend.height) + 24, left: 30 },
          })?.zoom;
          const sw = map.project([bbox[0]!, bbox[1]!]);
          const ne = map.project([bbox[2]!, bbox[3]!]);
          const clear = mapBox.top + sw.y <= legend.top || mapBox.left + sw.x >= legend.right;
          const inside = sw.x >= 0 && ne.y >= 0 && ne.x <= mapBox.width && sw.y <= mapBox.height;
          return above !== undefined && clear ? { zoom: map.getZoom(), above, inside } : false;
        },
        box,
        { timeout: 30_000 },
      );
      const { zoom, above, inside } = (await fitted.jsonValue()) as { zoom: number; above: number; inside: boolean };
      expect(inside).toBe(true);
      // The test city is tall and narrow: beside the legend it is drawn at least 2^0.3 ≈ 1.23 times as large.
      expect(zoom).toBeGreaterThan(above + 0.3);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-city-zh-1366-${BACKEND}.png`) });

      // A 4K screen with no display scaling: the page's text twice the size (its root font 32 px), the map's names with it,
      // and the side panel wide enough for what it holds (its panel was in pixels and cut the tables).
      const labelHeights = () =>
        page.evaluate(() =>
          document
            .querySelector('gs-explore-page')!
            .shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!
            .mapController!.labels.map((l) => Math.round(l.bottom - l.top)),
        );
      const [desk] = await labelHeights();
      await page.setViewportSize({ width: 3840, height: 2160 });
      // A placed name's box is the text's size and 6 px of outline: 14 + 6 at the usual size, 28 + 6 here.
      await expect.poll(async () => (await labelHeights())[0], { timeout: 30_000 }).toBe((desk! - 6) * 2 + 6);
      const wide = await page.evaluate(() => {
        const aside = document.querySelector('gs-explore-page')!.shadowRoot!.querySelector('aside')!;
        return { root: getComputedStyle(document.documentElement).fontSize, cut: aside.scrollWidth - aside.clientWidth };
      });
      expect(wide).toEqual({ root: '32px', cut: 0 });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-city-zh-3840-${BACKEND}.png`) });
      expect(problems).toEqual([]);
      await context.close();
    },
  );

  it.skipIf(LAYOUT_ONLY_ELSEWHERE)(
    'compares two periods side by side: one scale, both fitted clear of the legend, moving together; the PNG has title, periods, scale bars and legend',
    async () => {
      const { context, page, problems } = await signedIn('e-chief');
      await page.setViewportSize({ width: 1920, height: 1080 });
      const shapes = await (await context.request.get(`${base}/api/explore/shapes?region=${places.district}`)).json();
      const box = [
        Math.min(...shapes.features.map((f: any) => f.bbox[0])),
        Math.min(...shapes.features.map((f: any) => f.bbox[1])),
        Math.max(...shapes.features.map((f: any) => f.bbox[2])),
        Math.max(...shapes.features.map((f: any) => f.bbox[3])),
      ];
      const camera = () =>
        page.evaluate(() => {
          const root = document.querySelector('gs-explore-page')!.shadowRoot!;
          return (['#map-a', '#map-b'] as const).map((id) => {
            const m = root.querySelector<HTMLElementTagNameMap['gs-explore-map']>(id)?.mapController?.map;
            return m ? { zoom: m.getZoom(), lon: m.getCenter().lng, lat: m.getCenter().lat } : null;
          });
        });
      // Opened in Chinese; English comes with the page's own button (one page load of two maps, not two): the
      // English legend's height refits both maps, as a page opened in English fits them.
      await page.goto(`${base}/explore?region=${places.district}&compare=side&metric=reported`);
      for (const lang of ['zh', 'en'] as const) {
        if (lang === 'en') await switchLanguage(page, 'en');
        await waitForPlace(page, places.district);
        // Settled: both maps exist, the legend is drawn, and the cameras agree.
        await page
          .waitForFunction(
            (bbox) => {
              const root = document.querySelector('gs-explore-page')!.shadowRoot!;
              const [a, b] = (['#map-a', '#map-b'] as const).map((id) => root.querySelector<HTMLElementTagNameMap['gs-explore-map']>(id)?.mapController?.map);
              const drawn = (['#map-a', '#map-b'] as const).every(
                (id) => (root.querySelector<HTMLElementTagNameMap['gs-explore-map']>(id)?.mapController?.frames ?? 0) > 0,
              );
              const legendRows = root.querySelector('gs-map-legend')?.shadowRoot?.querySelectorAll('li').length ?? 0;
              // And the fit has taken the legend's final size into account (it settles after the legend's rows are drawn):
              // the place lies above the legend or to its right.
              const legend = root.querySelector('gs-map-legend')!.getBoundingClientRect();
              const mapA = root.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!.getBoundingClientRect();
              const clear =
                !!a && (mapA.top + a.project([bbox[2]!, bbox[1]!]).y <= legend.top || mapA.left + a.project([bbox[0]!, bbox[1]!]).x >= legend.right);
              return !!a && !!b && drawn && legendRows > 0 && clear && a.getZoom() === b.getZoom();
            },
            box,
            { timeout: 30_000 },
          )
          .catch(async (e: Error) => {
            throw new Error(`${e.message}\ncameras: ${JSON.stringify(await camera())}\n${problems.join('\n')}`);
          });
        const [a, b] = await camera();
        expect(a!.zoom).toBe(b!.zoom);
        // The place's box, projected into each half, lies inside that half, and clear of the legend (above it or beside it).
        const legend = (await page.locator('gs-map-legend').boundingBox())!;
        for (const id of ['#map-a', '#map-b']) {
          const mapBox = (await page.locator(`gs-explore-map${id}`).boundingBox())!;
          const corners = await page.evaluate(
            ([sel, w, s, e, n]) => {
              const c = document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>(sel as string)!
                .mapController!;
              return [c.project(w as number, n as number), c.project(e as number, s as number)];
            },
            [id, ...box],
          );
          const [nw, se] = corners as [{ x: number; y: number }, { x: number; y: number }];
          expect(nw.x, `${id} left edge`).toBeGreaterThanOrEqual(0);
          expect(nw.y, `${id} top edge`).toBeGreaterThanOrEqual(0);
          expect(se.x, `${id} right edge`).toBeLessThanOrEqual(mapBox.width);
          expect(se.y, `${id} bottom edge`).toBeLessThanOrEqual(mapBox.height);
          const above = mapBox.y + se.y <= legend.y;
          const beside = mapBox.x + nw.x >= legend.x + legend.width;
          expect(above || beside, `${id} clear of the legend: box ${JSON.stringify(corners)}, legend ${JSON.stringify(legend)}`).toBe(true);
        }
        await page.screenshot({ path: join(SCREENSHOT_DIR, `explore-compare-${lang}-1920-${BACKEND}.png`) });
      }

      // Once fitted in both languages (a drag ends the fitting): in each language, drag and export.
      for (const lang of ['en', 'zh'] as const) {
        if (lang === 'zh') await switchLanguage(page, 'zh');
        const [a] = await camera();
        // Dragging the left map moves the right one to the same centre.
        const aBox = (await page.locator('gs-explore-map#map-a').boundingBox())!;
        await page.mouse.move(aBox.x + aBox.width / 2, aBox.y + aBox.height / 3);
        await page.mouse.down();
        // Two steps: each step is a frame of both maps in software WebGL (~0.3 CPU-s); the end camera is what is checked.
        await page.mouse.move(aBox.x + aBox.width / 2 + 150, aBox.y + aBox.height / 3 + 80, { steps: 2 });
        await page.mouse.up();
        await page.waitForFunction(
          (before) => {
            const root = document.querySelector('gs-explore-page')!.shadowRoot!;
            const [ma, mb] = (['#map-a', '#map-b'] as const).map(
              (id) => root.querySelector<HTMLElementTagNameMap['gs-explore-map']>(id)!.mapController!.map!,
            ) as [
              NonNullable<HTMLElementTagNameMap['gs-explore-map']['mapController']>['map'] & object,
              NonNullable<HTMLElementTagNameMap['gs-explore-map']['mapController']>['map'] & object,
            ];
            return ma.getCenter().lng !== before && ma.getCenter().lng === mb.getCenter().lng && ma.getCenter().lat === mb.getCenter().lat && !ma.isMoving();
          },
          a!.lon,
          { timeout: 15_000 },
        );
        const [a2, b2] = await camera();
        expect(a2!.lon).toBeLessThan(a!.lon);
        expect(b2).toEqual(a2);

        // The PNG: both maps under a title band with their periods, scale bars on them, the legend below.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('gs-explore-page .tools button[data-export="png"]')]);
        const png = readFileSync((await download.path())!);
        const file = join(SCREENSHOT_DIR, `explore-compare-export-${lang}-${BACKEND}.png`);
        writeFileSync(file, png);
        const width = png.readUInt32BE(16);
        const height = png.readUInt32BE(20);
        const bBox = (await page.locator('gs-explore-map#map-b').boundingBox())!;
        expect(width).toBeGreaterThanOrEqual(Math.floor(aBox.width + bBox.width) - 2);
        expect(height).toBeGreaterThan(aBox.height + 100);
        const layout = JSON.parse((await page.getAttribute('gs-explore-page', 'data-export-layout'))!);
        expect([layout.width, layout.height]).toEqual([width, height]);
        expect(layout.panels).toHaveLength(2);
        // Pixels that are not the background, counted in the PNG itself, where the title, periods and scale bars were drawn.
        const inked = await page.evaluate(
          async ([data, rects]) => {
            const img = await createImageBitmap(new Blob([Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0))], { type: 'image/png' }));
            const ctx = new OffscreenCanvas(img.width, img.height).getContext('2d')!;
            ctx.drawImage(img, 0, 0);
            return (rects as unknown as { x: number; y: number; w: number; h: number }[]).map((r) => {
              const px = ctx.getImageData(r.x, r.y, Math.max(1, r.w), Math.max(1, r.h)).data;
              let light = 0;
              for (let i = 0; i < px.length; i += 4) if (px[i]! + px[i + 1]! + px[i + 2]! > 400) light++;
              return light;
            });
          },
          [png.toString('base64'), [layout.title, ...layout.panels.map((p: any) => p.period), ...layout.panels.map((p: any) => p.scaleBar)]] as const,
        );
        expect(layout.title.y + layout.title.h).toBeLessThanOrEqual(layout.panels[0].y);
        for (const [i, n] of inked.entries()) expect(n, `light pixels in drawn part ${i}`).toBeGreaterThan(20);
        expect(layout.panels[0].scaleBar.label).toMatch(/^\d+ k?m$/);
        expect(layout.legend.y).toBeGreaterThanOrEqual(layout.panels[0].y + layout.panels[0].h);
      }
      expect(problems, problems.join('\n')).toEqual([]);
      await context.close();
    },
  );
});

/** The names on the first map whose boxes overlap the legend, once names are placed at the map's present size. */
function namesUnderLegend(page: Page): Promise<{ placed: boolean; under: string[] }> {
  return page.evaluate(() => {
    const root = document.querySelector('gs-explore-page')!.shadowRoot!;
    const mapEl = root.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!;
    const controller = mapEl.mapController!;
    const map = mapEl.getBoundingClientRect();
    const legend = root.querySelector('gs-map-legend')!.getBoundingClientRect();
    // Placed again since the 1920-pixel layout (a new list), for this size.
    const placed = controller.labels.length > 0 && controller.labels !== (window as unknown as { desktopLabels: unknown }).desktopLabels;
    const under = controller.labels
      .filter((l) => map.left + l.left < legend.right && map.left + l.right > legend.left && map.top + l.top < legend.bottom && map.top + l.bottom > legend.top)
      .map((l) => l.code);
    return { placed, under };
  });
}

/** Notes the names placed now, so that namesUnderLegend waits for them to be placed again after a resize. */
function keepDesktopLabels(page: Page): Promise<void> {
  return page.evaluate(() => {
    const labels = document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!
      .mapController!.labels;
    (window as unknown as { desktopLabels: unknown }).desktopLabels = labels;
  });
}

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { createUser, login, type Session } from '../helpers/identity.js';
import { createSeededApp, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { LOOSE_RULES } from '../plan/plan-fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping plan editor tests: no Chromium at ${CHROMIUM_PATH}`);

describe.skipIf(!chromiumAvailable)(`the boundary editor (/plan) in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  let session: Session;
  let community: string;
  beforeAll(async () => {
    ctx = await createSeededApp(SMALL_CITY, { auth: { anonymousRead: false }, planRules: LOOSE_RULES });
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    await createUser(ctx.db, { username: 'planner-web', role: 'planner' });
    session = await login(ctx.app, 'planner-web');
    // A community whose first grid is wide enough on screen to draw across.
    [{ community }] = (await ctx.db.query<{ community: string }>(
      `SELECT community_code AS community FROM grid GROUP BY community_code HAVING count(*) BETWEEN 3 AND 6 ORDER BY community_code LIMIT 1`,
    )) as [{ community: string }];
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(base + path, { ...init, headers: { ...session.write, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, body: await res.json() };
  };

  async function openEditor(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on(
      'request',
      (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:') && problems.push(`outside request: ${r.url()}`),
    );
    await page.context().addCookies([{ name: 'gs_session', value: session.cookie.split('=')[1]!, url: base }]);
    await page.goto(`${base}/plan`);
    await page.waitForSelector(`select[data-community] option[value="${community}"]`, { state: 'attached' });
    await page.selectOption('select[data-community]', community);
    return { page, problems };
  }

  /** Page coordinates of a lon/lat on the editor's map. */
  async function onMap(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
    const box = (await page.locator('gs-plan-map').boundingBox())!;
    const p = await page.locator('gs-plan-map').evaluate((el, [x, y]) => (el as any).project(x, y), [lon, lat]);
    return { x: box.x + p.x, y: box.y + p.y };
  }

  /** Points of the line being drawn with terra-draw's linestring tool (0 when none), read from the map's controller. */
  const splitLinePoints = (page: Page) =>
    page.locator('gs-plan-map').evaluate((el) => {
      const line = (el as any).controller.draw.getSnapshot().find((f: { geometry: { type: string } }) => f.geometry.type === 'LineString');
      return line ? (line.geometry.coordinates as unknown[]).length : 0;
    });

  /** The colour (RGBA) of one CSS pixel of the page as a screenshot shows it. */
  async function pixelOfScreenshot(page: Page, x: number, y: number): Promise<number[]> {
    const shot = await page.screenshot();
    return page.evaluate(
      async ({ png, x, y }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return [...g.getImageData(Math.round(x), Math.round(y), 1, 1).data];
      },
      { png: shot.toString('base64'), x, y },
    );
  }

  /** Codes of the published places the editor's map has drawn (MapLibre's rendered features), sorted. */
  const publishedDrawn = (page: Page) => page.locator('gs-plan-map').evaluate((el) => (el as any).publishedRendered() as string[]);
  const sorted = (codes: string[]) => [...codes].sort();

  /** What the page must say over the map while no plan is open (a table, not the page's). */
  const READ_ONLY_WORDS = { zh: '现行网格 · 只读', en: 'Published grids · read-only' };
  /** The button over the map that goes back up from a place looked into. */
  const UP_WORDS = { zh: '↑ 返回上一级', en: '↑ Up one level' };

  it("shows the scope's districts, then the chosen community's published grids, named and read-only, before any plan is open", async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.context().addCookies([{ name: 'gs_session', value: session.cookie.split('=')[1]!, url: base }]);
    await page.goto(`${base}/plan`);
    // Before a community is chosen: the districts of the planner's scope (the whole city).
    const districts = (await ctx.db.query<{ code: string }>("SELECT code FROM region WHERE level = 'district'")).map((r) => r.code);
    await waitUntil(async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(sorted(districts)), "the city's districts drawn", 60_000, 100);

    await page.waitForSelector(`select[data-community] option[value="${community}"]`, { state: 'attached' });
    // The map picks too: a click on the community's district shows its streets, on its street the street's communities,
    // on the community its grids (the picker then says which), each place's parts as the region table has them. Clicked
    // at a point inside each place, from PostGIS.
    const partsOf = async (parent: string) =>
      sorted((await ctx.db.query<{ code: string }>('SELECT code FROM region WHERE parent_code = $1', [parent])).map((r) => r.code));
    const clickPlace = async (code: string) => {
      const [at] = await ctx.db.query<{ x: number; y: number }>(
        'SELECT ST_X(p) x, ST_Y(p) y FROM (SELECT ST_PointOnSurface(boundary) p FROM region WHERE code = $1) s',
        [code],
      );
      const { x, y } = await onMap(page, at!.x, at!.y);
      await page.mouse.click(x, y);
    };
    const [district, street] = [community.slice(0, 6), community.slice(0, 9)];
    await clickPlace(district);
    await waitUntil(
      async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(await partsOf(district)),
      "the district's streets drawn",
      60_000,
      100,
    );
    await clickPlace(street);
    const communities = await partsOf(street);
    await waitUntil(async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(communities), "the street's communities drawn", 60_000, 100);
    // Up one level and down again: the street's communities once more, no community chosen, then the district's streets.
    await page.click('[data-action="up"]');
    await waitUntil(async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(await partsOf(district)), 'back up to the streets', 60_000, 100);
    expect(await page.locator('select[data-community]').inputValue()).toBe('');
    await clickPlace(street);
    await waitUntil(async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(communities), 'down to the communities again', 60_000, 100);
    // The place looked into is in the URL: a reload (or the link sent to a colleague) opens on the same communities.
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('place'))).toBe(street);
    await page.reload();
    await waitUntil(async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(communities), 'the communities after a reload', 60_000, 100);
    await clickPlace(community);
    await expect.poll(() => page.locator('select[data-community]').inputValue(), { timeout: 30_000 }).toBe(community);
    const grids = await ctx.db.query<{ code: string; name: string; community: string }>(
      'SELECT g.code, g.name, c.name AS community FROM grid g JOIN region c ON c.code = g.community_code WHERE g.community_code = $1',
      [community],
    );
    const codes = sorted(grids.map((g) => g.code));
    await waitUntil(async () => JSON.stringify(await publishedDrawn(page)) === JSON.stringify(codes), "the community's published grids drawn", 60_000, 100);
    // The camera shows the whole community (its extent from SQL), and again after the window changes size.
    const [extent] = await ctx.db.query<{ x0: number; y0: number; x1: number; y1: number }>(
      'SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(boundary) e FROM grid WHERE community_code = $1) s',
      [community],
    );
    const wholeCommunityShown = async () => {
      const box = (await page.locator('gs-plan-map').boundingBox())!;
      for (const [lon, lat] of [
        [extent!.x0, extent!.y0],
        [extent!.x1, extent!.y1],
      ] as const) {
        const p = await onMap(page, lon, lat);
        if (p.x < box.x || p.x > box.x + box.width || p.y < box.y || p.y > box.y + box.height) return false;
      }
      return true;
    };
    await waitUntil(wholeCommunityShown, 'the whole community on the map', 30_000, 100);

    // Named without the community's name the picker already shows (李家冲社区第五网格 → 第五网格); none overlapping.
    const labels = () =>
      page.$$eval('gs-plan-map [data-published-label]', (els) =>
        els.map((el) => ({ code: (el as HTMLElement).dataset.publishedLabel!, text: el.textContent!, box: el.getBoundingClientRect().toJSON() })),
      );
    await waitUntil(async () => (await labels()).length > 0, 'grid names on the map');
    const shown = await labels();
    for (const l of shown) {
      const g = grids.find((x) => x.code === l.code)!;
      expect(g, l.code).toBeDefined();
      expect(l.text).toBe(g.name.startsWith(g.community) ? g.name.slice(g.community.length) : g.name);
    }
    for (const a of shown)
      for (const b of shown)
        if (a !== b)
          expect(
            a.box.x + a.box.width <= b.box.x || b.box.x + b.box.width <= a.box.x || a.box.y + a.box.height <= b.box.y || b.box.y + b.box.height <= a.box.y,
          ).toBe(true);

    // Read-only, and said so: no editing tools until a plan is opened or started.
    expect(await page.textContent('[data-map-hint="read-only"] [data-words]')).toBe(READ_ONLY_WORDS.zh);
    expect((await page.textContent('[data-action="up"]'))?.trim()).toBe(UP_WORDS.zh);
    expect(await page.$('[data-tool]')).toBeNull();
    for (const lang of ['zh', 'en'] as const) {
      if (lang === 'en') {
        await page.click('[data-action="lang"]');
        await page.waitForSelector(`[data-map-hint="read-only"] [data-words] >> text="${READ_ONLY_WORDS.en}"`);
        expect((await page.textContent('[data-action="up"]'))?.trim()).toBe(UP_WORDS.en);
        // The names follow the page's language (Lijiachong Community Grid 5 → Grid 5).
        await waitUntil(async () => (await labels()).every((l) => /^[\x20-\x7e]+$/.test(l.text)), 'grid names in English');
      }
      for (const [width, height] of [
        [1920, 1080],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width, height });
        await waitUntil(wholeCommunityShown, `the whole community on the map at ${width}×${height}`, 30_000, 100);
        await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-published-${lang}-${width}-${BACKEND}.png`) });
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it('splits a grid with the drawing tool, validates live, publishes, and /api/grids serves the new grids', async () => {
    const { page, problems } = await openEditor();
    await page.click('[data-action="create"]');
    await page.waitForSelector('gs-plan-problems [data-valid]', { timeout: 30_000 });
    // The plan's own grids replace the published ones.
    await waitUntil(async () => (await publishedDrawn(page)).length === 0, 'the published grids gone once the plan is open');
    const plans = (await api(`/api/plans?community=${community}`)).body.plans;
    const planId = plans[0].id as number;
    const grids = (await api(`/api/plans/${planId}`)).body.features.features;
    // The grid with the widest interior: a horizontal line through its inner point.
    const [target] = await ctx.db.query<{ key: number; code: string; x0: number; x1: number; y: number; cx: number }>(
      `SELECT f.key, f.code, ST_XMin(f.boundary) - 0.002 x0, ST_XMax(f.boundary) + 0.002 x1, ST_Y(c.center) y, ST_X(c.center) cx
         FROM grid_plan_feature f, LATERAL ST_MaximumInscribedCircle(f.boundary) c
        WHERE f.plan_id = $1 AND f.revision = 0 ORDER BY c.radius DESC LIMIT 1`,
      [planId],
    );
    expect(grids.length).toBeGreaterThanOrEqual(3);

    // Select the grid, choose the split tool, draw a line across it.
    const inside = await onMap(page, target!.cx, target!.y);
    await page.mouse.click(inside.x, inside.y);
    await page.waitForSelector(`gs-plan-grid-table tr[data-key="${target!.key}"].selected`);
    await page.click('[data-tool="split"]');
    await page.waitForSelector('[data-editor="drawing_split"]');
    const a = await onMap(page, target!.x0, target!.y);
    const b = await onMap(page, target!.x1, target!.y);
    // Each click is taken by terra-draw before the next: the line in progress has the first point (and the
    // cursor's), then the second; clicking the last point again finishes it.
    await page.mouse.click(a.x, a.y);
    await waitUntil(async () => (await splitLinePoints(page)) >= 2, 'the split line to start');
    await page.mouse.click(b.x, b.y);
    await waitUntil(async () => (await splitLinePoints(page)) >= 3, 'the split line to take its second point');
    await page.mouse.click(b.x, b.y);

    // The server's answer: a new revision with two new grids, then validation responds.
    await page.waitForSelector('[data-editor="viewing"]');
    await page.waitForSelector('gs-plan-problems [data-valid]', { timeout: 30_000 });
    const after = (await api(`/api/plans/${planId}`)).body;
    expect(after.plan.revision).toBe(1);
    expect(after.features.features.filter((f: any) => f.properties.code === null)).toHaveLength(2);
    await page.waitForFunction(
      () =>
        document.querySelector('gs-plan-page')?.shadowRoot?.querySelector('gs-plan-grid-table')?.shadowRoot?.querySelectorAll('td[data-what-if]').length &&
        ![...document.querySelector('gs-plan-page')!.shadowRoot!.querySelector('gs-plan-grid-table')!.shadowRoot!.querySelectorAll('td[data-what-if]')].some(
          (td) => td.textContent === '…',
        ),
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-split-${BACKEND}.png`) });

    await page.click('[data-tool="publish"]');
    await page.waitForSelector('[data-status="ok"]', { timeout: 30_000 });
    const current = (await api(`/api/grids?region=${community}`)).body.features.map((f: any) => f.id);
    expect(current).not.toContain(target!.code);
    expect(current.length).toBe(grids.length + 1);
    const lineage = (await api(`/api/grids/lineage?region=${community}`)).body.lineage;
    expect(lineage.filter((l: any) => l.kind === 'split' && l.old_code === target!.code)).toHaveLength(2);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it('highlights a gap on the map and in the list, and will not publish', async () => {
    const plan = (await api('/api/plans', { method: 'POST', body: JSON.stringify({ name: 'gap', community }) })).body;
    const grid = (await api(`/api/plans/${plan.id}`)).body.features.features[0];
    const [shrunk] = await ctx.db.query<{ g: string }>('SELECT ST_AsGeoJSON(ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), -0.0008, 2), 9) g', [
      JSON.stringify(grid.geometry),
    ]);
    const edit = await api(`/api/plans/${plan.id}/edits`, {
      method: 'POST',
      body: JSON.stringify({ op: 'reshape', key: grid.properties.key, geometry: JSON.parse(shrunk!.g) }),
    });
    expect(edit.status).toBe(200);

    const { page, problems } = await openEditor();
    await page.click(`[data-open-plan="${plan.id}"]`);
    await page.waitForSelector('gs-plan-problems li[data-reason="gap"]', { timeout: 30_000 });
    expect(await page.isDisabled('[data-tool="publish"]')).toBe(true);
    // The gap is drawn: red where the grid used to reach, just inside its old edge.
    const [inGap] = await ctx.db.query<{ x: number; y: number }>(
      `SELECT ST_X(p) x, ST_Y(p) y FROM (SELECT ST_PointOnSurface(ST_Difference(b, ST_Buffer(b, -0.0008, 2))) p
         FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) b) s) t`,
      [JSON.stringify(grid.geometry)],
    );
    // Screenshots until the map has drawn the gap (the fit and the problem layer take a few frames;
    // the point is projected again each time, as the camera may still be moving).
    let pixel: number[] = [];
    await waitUntil(async () => {
      const at = await onMap(page, inGap!.x, inGap!.y);
      pixel = await pixelOfScreenshot(page, at.x, at.y);
      return pixel[0]! > 150 && pixel[1]! < 120;
    }, 'the gap drawn red on the map').catch(() => undefined); // on time-out, the assertions below say what is there
    await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-gap-${BACKEND}.png`) });
    expect(pixel[0]!, `rgb(${pixel.join(',')}) at the gap`).toBeGreaterThan(150);
    expect(pixel[1]!).toBeLessThan(120);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  /** The words the page must show for each reason, in each language (an independent table, not the page's). */
  const WORDS: Record<string, { zh: (name: string) => string; en: (name: string) => string }> = {
    gap: { zh: () => '此处不属于任何网格', en: () => 'not covered by any grid' },
    overlap: { zh: () => '两个网格重叠', en: () => 'grids overlap' },
    outside_community: { zh: (n) => `部分超出${n}`, en: (n) => `lies outside ${n}` },
  };

  it("opens the community and plan named in the URL, words every problem in the page's language, and undoes and redoes with Ctrl+Z / Ctrl+Y", async () => {
    const plan = (await api('/api/plans', { method: 'POST', body: JSON.stringify({ name: 'deep link', community }) })).body;
    const grid = (await api(`/api/plans/${plan.id}`)).body.features.features[0];
    const reshaped = async (distance: number) =>
      JSON.parse(
        (
          await ctx.db.query<{ g: string }>('SELECT ST_AsGeoJSON(ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), $2::float8, 2), 9) g', [
            JSON.stringify(grid.geometry),
            distance,
          ])
        )[0]!.g,
      );
    // Revision 1 leaves a gap; revision 2 pushes the grid over its neighbours (and, where they end, out of the community).
    for (const d of [-0.0008, 0.0008]) {
      const edit = await api(`/api/plans/${plan.id}/edits`, {
        method: 'POST',
        body: JSON.stringify({ op: 'reshape', key: grid.properties.key, geometry: await reshaped(d) }),
      });
      expect(edit.status).toBe(200);
    }
    const [{ name }] = (await ctx.db.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [community])) as [{ name: string }];

    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.context().addCookies([{ name: 'gs_session', value: session.cookie.split('=')[1]!, url: base }]);
    // A URL as the page reads it: its path and its parameters in any order.
    const sortedParams = (url: string) => [new URL(url).pathname, ...[...new URL(url).searchParams].sort(([a], [b]) => a.localeCompare(b))];
    let opened = '';
    for (const lang of ['zh', 'en'] as const) {
      if (lang === 'zh') await page.goto(`${base}/plan?community=${community}&plan=${plan.id}`);
      else {
        // The URL the Chinese page ends on still names the community and the plan: opened from it in English
        // (as a reload would, with the language added), the page opens both again.
        const again = new URL(page.url());
        expect(again.searchParams.get('community')).toBe(community);
        expect(again.searchParams.get('plan')).toBe(String(plan.id));
        again.searchParams.set('lang', 'en');
        opened = again.href;
        await page.goto(again.href);
      }
      await page.waitForSelector('gs-plan-page[data-restored]');
      expect(await page.$eval('select[data-community]', (s) => (s as HTMLSelectElement).value)).toBe(community);
      // The community is named in the page's language: district / street / community, from the regions' rows.
      const [names] = await ctx.db.query<{ zh: string; en: string }>(
        `SELECT concat_ws(' / ', d.name, s.name, c.name) AS zh, concat_ws(' / ', d.name_en, s.name_en, c.name_en) AS en
           FROM region c JOIN region s ON s.code = c.parent_code JOIN region d ON d.code = s.parent_code WHERE c.code = $1`,
        [community],
      );
      expect(await page.$eval('select[data-community]', (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent!.trim())).toBe(names![lang]);
      await page.waitForSelector(`[data-open-plan="${plan.id}"].active`, { timeout: 90_000 });
      await page.waitForSelector('gs-plan-problems li[data-reason="overlap"]', { timeout: 30_000 });

      // Every problem in the page's words, from its reason and params, as the server reports them.
      const report = await (await fetch(`${base}/api/plans/${plan.id}/validate`, { method: 'POST', headers: session.write })).json();
      expect(report.revision).toBe(2);
      const expected = report.problems.features.map((f: any) => {
        const sep = lang === 'zh' ? ' 与 ' : ' / ';
        return { reason: f.properties.reason, keys: f.properties.keys.map((k: number) => `#${k}`).join(sep), detail: WORDS[f.properties.reason]![lang](name) };
      });
      const shown = await page.$$eval('gs-plan-problems li', (lis) =>
        lis.map((li) => ({
          reason: li.getAttribute('data-reason'),
          keys: li.querySelector('[data-keys]')?.textContent ?? '',
          detail: li.querySelector('[data-detail]')!.textContent!.replace(/ · [\d,]+ m²$/, ''),
        })),
      );
      expect(shown).toEqual(expected);
      const listText = await page.$eval('gs-plan-problems ul', (ul) => ul.textContent!.replace(/m²/g, ''));
      if (lang === 'zh') {
        expect(listText).not.toMatch(/[A-Za-z]/);
        expect(await page.textContent('[data-plan-status]')).toBe('草稿');
      } else {
        expect(await page.textContent('[data-plan-status]')).toBe('draft');
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-problems-${lang}-1920-${BACKEND}.png`) });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-problems-${lang}-390-${BACKEND}.png`) });
      await page.setViewportSize({ width: 1920, height: 1080 });

      // Ctrl+Z back to revision 1 (only the gap), Ctrl+Y forward again; the server agrees each time.
      await page.keyboard.press('Control+z');
      await page.waitForFunction(
        () =>
          !document.querySelector('gs-plan-page')!.shadowRoot!.querySelector('gs-plan-problems')!.shadowRoot!.querySelector('li[data-reason="overlap"]') &&
          document.querySelector('gs-plan-page')!.shadowRoot!.querySelector('gs-plan-problems')!.shadowRoot!.querySelector('li[data-reason="gap"]'),
        null,
        { timeout: 30_000 },
      );
      expect((await api(`/api/plans/${plan.id}`)).body.plan.revision).toBe(1);
      await page.keyboard.press('Control+y');
      await page.waitForSelector('gs-plan-problems li[data-reason="overlap"]', { timeout: 30_000 });
      expect((await api(`/api/plans/${plan.id}`)).body.plan.revision).toBe(2);

      // The URL still names the plan: a reload opens it again. The Chinese page's URL is reopened in English above; the
      // English page's URL is still the one it was opened from (just above, a fresh load that restored all this), so
      // a reload would load that same page again.
      expect(new URL(page.url()).searchParams.get('plan')).toBe(String(plan.id));
      if (lang === 'en') expect(sortedParams(page.url())).toEqual(sortedParams(opened));
      expect(problems, problems.join('\n')).toEqual([]);
    }
    await page.close();
  });

  /** What the page must say of a problem that was there before the plan, and of one the plan made (a table, not the page's). */
  const PIECES_WORDS = {
    zh: { warningsHeading: '不影响发布', reason: '不连续（多块）', detail: (n: number) => `分成 ${n} 块` },
    en: { warningsHeading: 'not blocking', reason: 'not contiguous', detail: (n: number) => `${n} separate pieces` },
  };

  it('lists a problem already there on an untouched grid as a warning that does not block, and one the plan makes as an error that does', async () => {
    // Published grids a and b share an edge; a small disc strictly inside b is given to a, so a is in two pieces
    // before any plan. c is another neighbour of a: deleting c into a touches a, making its two pieces the plan's own.
    const [pick] = await ctx.db.query<{ a: string; b: string; c: string; disc: string; ax: number; ay: number; cx: number; cy: number }>(
      `WITH g AS (SELECT code, boundary FROM grid WHERE community_code = $1),
            edge AS (SELECT x.code x, y.code y FROM g x JOIN g y ON x.code <> y.code AND ST_Intersects(x.boundary, y.boundary)
                      WHERE ST_Length(ST_CollectionExtract(ST_Intersection(x.boundary, y.boundary), 2)::geography) > 50)
       SELECT a.code a, b.code b, c.code c,
              ST_AsText(ST_Buffer(ST_PointOnSurface(b.boundary), ST_Distance(ST_PointOnSurface(b.boundary), ST_Boundary(b.boundary)) / 5, 8)) disc,
              ST_X(ia.center) ax, ST_Y(ia.center) ay, ST_X(ic.center) cx, ST_Y(ic.center) cy
         FROM edge ab JOIN edge ac ON ac.x = ab.x AND ac.y <> ab.y
         JOIN g a ON a.code = ab.x JOIN g b ON b.code = ab.y JOIN g c ON c.code = ac.y
        CROSS JOIN LATERAL ST_MaximumInscribedCircle(a.boundary) ia CROSS JOIN LATERAL ST_MaximumInscribedCircle(c.boundary) ic
        ORDER BY a.code, b.code, c.code LIMIT 1`,
      [community],
    );
    const { a, b, c, disc } = pick!;
    const [before] = await ctx.db.query<{ a: string; b: string }>(
      'SELECT (SELECT ST_AsEWKT(boundary) FROM grid WHERE code = $1) a, (SELECT ST_AsEWKT(boundary) FROM grid WHERE code = $2) b',
      [a, b],
    );
    try {
      await ctx.db.query(`UPDATE grid SET boundary = ST_Multi(ST_Union(boundary, ST_GeomFromText($2, 4326))) WHERE code = $1`, [a, disc]);
      await ctx.db.query(`UPDATE grid SET boundary = ST_Multi(ST_Difference(boundary, ST_GeomFromText($2, 4326))) WHERE code = $1`, [b, disc]);
      // The only grid of the community in more than one piece, and how many.
      const split = await ctx.db.query<{ code: string; pieces: number }>(
        'SELECT code, ST_NumGeometries(boundary) pieces FROM grid WHERE community_code = $1 AND ST_NumGeometries(boundary) > 1',
        [community],
      );
      expect(split).toEqual([{ code: a, pieces: 2 }]);
      const plan = (await api('/api/plans', { method: 'POST', body: JSON.stringify({ name: 'already two pieces', community }) })).body;
      const keyOf = async (code: string) =>
        (await ctx.db.query<{ key: number }>('SELECT key FROM grid_plan_feature WHERE plan_id = $1 AND revision = 0 AND code = $2', [plan.id, code]))[0]!.key;
      const [keyA, keyC] = [await keyOf(a), await keyOf(c)];

      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.context().addCookies([{ name: 'gs_session', value: session.cookie.split('=')[1]!, url: base }]);
      await page.goto(`${base}/plan?community=${community}&plan=${plan.id}`);
      const listed = (list: 'problems' | 'warnings') =>
        page.$$eval(`gs-plan-problems ul[data-${list}] li`, (lis) =>
          lis.map((li) => ({
            reason: li.querySelector('b')!.textContent,
            keys: li.querySelector('[data-keys]')?.textContent ?? '',
            detail: li.querySelector('[data-detail]')!.textContent!.replace(/ · [\d,]+ m²$/, ''),
          })),
        );
      const warningsHeading = () => page.$eval('gs-plan-problems ul[data-warnings]', (ul) => ul.previousElementSibling!.textContent!);

      for (const lang of ['zh', 'en'] as const) {
        if (lang === 'en') await page.click('[data-action="lang"]');
        const words = PIECES_WORDS[lang];
        // Validated with no problem of the plan's own; the two pieces of a listed apart, as a warning, in the page's words.
        await page.waitForSelector(`gs-plan-problems ul[data-warnings] li[data-reason="not_contiguous"] >> text="${words.reason}"`, { timeout: 30_000 });
        await page.waitForSelector('gs-plan-problems [data-valid]');
        expect(await listed('warnings')).toEqual([{ reason: words.reason, keys: `#${keyA}`, detail: words.detail(2) }]);
        expect(await warningsHeading()).toContain(words.warningsHeading);
        expect(await page.isEnabled('[data-tool="publish"]')).toBe(true);
        await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-warnings-${lang}-1920-${BACKEND}.png`) });
      }

      // Delete c into a: a is touched, its two pieces are now the plan's doing: an error, and publishing is blocked.
      const inC = await onMap(page, pick!.cx, pick!.cy);
      await page.mouse.click(inC.x, inC.y);
      await page.waitForSelector(`gs-plan-grid-table tr[data-key="${keyC}"].selected`);
      await page.click('[data-tool="delete"]');
      await page.waitForSelector('[data-editor="picking_absorbers"]');
      const inA = await onMap(page, pick!.ax, pick!.ay);
      await page.mouse.click(inA.x, inA.y);
      await page.waitForSelector(`gs-plan-grid-table tr[data-key="${keyA}"].selected`);
      await page.click('[data-tool="apply"]');
      await page.waitForSelector('gs-plan-problems ul[data-problems] li[data-reason="not_contiguous"]', { timeout: 30_000 });
      expect(await listed('problems')).toEqual([{ reason: PIECES_WORDS.en.reason, keys: `#${keyA}`, detail: PIECES_WORDS.en.detail(2) }]);
      expect(await page.$('gs-plan-problems ul[data-warnings]')).toBeNull();
      expect(await page.isDisabled('[data-tool="publish"]')).toBe(true);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `plan-warning-made-error-en-1920-${BACKEND}.png`) });
      expect(problems, problems.join('\n')).toEqual([]);
      await page.close();
    } finally {
      await ctx.db.query('UPDATE grid SET boundary = ST_GeomFromEWKT($2) WHERE code = $1', [a, before!.a]);
      await ctx.db.query('UPDATE grid SET boundary = ST_GeomFromEWKT($2) WHERE code = $1', [b, before!.b]);
    }
  });
});

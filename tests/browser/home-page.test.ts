import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { createSeededApp, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk)`);

describe.skipIf(!chromiumAvailable)(`home page in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    ctx = await createSeededApp();
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

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
    expect(await page.$$eval('#legend li', (lis) => lis.map((li) => li.textContent))).toEqual(stats.children.map((c: { name: string }) => c.name));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `home-${BACKEND}.png`), fullPage: true });
    expect(problems, problems.join('\n')).toEqual([]);
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
  });
});

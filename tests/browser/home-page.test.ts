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
    expect(problems, problems.join("\n")).toEqual([]);
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

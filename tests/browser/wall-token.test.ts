import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { createUser, login } from '../helpers/identity.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping wall token tests: no Chromium at ${CHROMIUM_PATH}`);

/**
 * A wall started the documented way, /wall?token=gst_…, on a server without
 * anonymous reading: the token becomes a session cookie, leaves the address
 * bar and every later URL, the wall still loads (and reloads), and revoking
 * the token shuts it out. Under the Content-Security-Policy, with no console
 * errors.
 */
describe.skipIf(!chromiumAvailable)(`wall started with a token in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    ctx = await createSeededApp({ grids: 30, incidents: 300, seed: 11, now: new Date() }, { auth: { anonymousRead: false } });
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    await createUser(ctx.db, { username: 'chief', role: 'commander' });
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  const firstFrame = (page: Page) => page.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 90_000 });

  it('trades the token for a session, drops it from the URL, keeps loading, and stops when the token is revoked', async () => {
    const chief = await login(ctx.app, 'chief');
    const created = json(await ctx.app.inject({ method: 'POST', url: '/api/tokens', headers: chief.write, payload: { name: 'lobby wall', role: 'viewer' } }));
    const token = created.token as string;

    // Reduced motion: no pulsing markers redrawing the map (a third of a core under software WebGL).
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    const problems: string[] = [];
    const urlsWithToken: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`outside request: ${r.url()}`);
      if (r.url().includes(token)) urlsWithToken.push(r.url());
    });
    const start = `${base}/wall?lang=en&token=${encodeURIComponent(token)}`;
    await page.goto(start);
    await firstFrame(page);
    expect(await page.evaluate(() => location.search)).toBe('?lang=en');
    // Only the page's own first URL ever held the token: no API request, no event stream.
    expect(urlsWithToken).toEqual([start]);
    const shown = await page.$eval('[data-kpi="reported"]', (e) => e.getAttribute('data-value'));
    const from = await page.$eval('[data-from]', (e) => e.getAttribute('data-from')!);
    const summary = json(
      await ctx.app.inject({ method: 'GET', url: `/api/stats/summary?from=${encodeURIComponent(from)}`, headers: { authorization: `Bearer ${token}` } }),
    );
    expect(shown).toBe(String(summary.reported));
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'gs_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // A reload (the wall's refresh=N does one) runs on the cookie alone.
    await page.reload();
    await firstFrame(page);
    expect(await page.evaluate(() => location.search)).toBe('?lang=en');
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).json().then((me) => me.principal.kind))).toBe('token');

    // No CSP violation, no error of any kind (checked now: the refused requests below are logged as errors).
    expect(problems, problems.join('\n')).toEqual([]);

    const revoke = await ctx.app.inject({ method: 'DELETE', url: `/api/tokens/${created.id}`, headers: chief.write });
    expect(revoke.statusCode).toBe(200);
    expect(await page.evaluate(async () => (await fetch('/api/stats/summary')).status)).toBe(401);
    await page.close();
  });
});

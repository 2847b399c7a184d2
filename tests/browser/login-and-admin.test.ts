import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { createUser, login, pickPlaces, TEST_PASSWORD } from '../helpers/identity.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

if (!chromiumAvailable) console.warn(`NOTICE: skipping login and admin tests: no Chromium at ${CHROMIUM_PATH}`);

interface Visit {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and requests that left the server's origin: always wrong. */
  problems: string[];
  /** "401 POST /api/auth/login" for every 4xx/5xx answer: each test says which it expects. */
  failures: string[];
  /** "GET /api/users" for every API request the page made. */
  apiCalls: string[];
}

describe.skipIf(!chromiumAvailable)(`login, the admin page and a wall started with a token in headless Chromium on ${BACKEND}`, () => {
  let ctx: SeededApp;
  let browser: Browser;
  let base: string;
  let places: Awaited<ReturnType<typeof pickPlaces>>;
  const visits: Visit[] = [];

  beforeAll(async () => {
    ctx = await createSeededApp(undefined, { auth: { anonymousRead: false } });
    places = await pickPlaces(ctx.db);
    const chief = await createUser(ctx.db, { username: 'chief', role: 'commander' });
    const leader = await createUser(ctx.db, { username: 'leader', role: 'district_leader', scope: places.district });
    // Chinese display names, so the page is seen to show the name and not the username.
    await ctx.db.query('UPDATE app_user SET display_name = $1 WHERE id = $2', ['王指挥', chief.id]);
    await ctx.db.query('UPDATE app_user SET display_name = $1 WHERE id = $2', ['李区长', leader.id]);
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });
  // A test's pages close when it ends (they were left open until the browser closed, through every later test).
  afterEach(async () => {
    for (const visit of visits.splice(0)) await visit.context.close();
  });

  /** A fresh browser context (its own cookies), watched for anything that goes wrong. */
  async function open(): Promise<Visit> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const visit: Visit = { context, page, problems: [], failures: [], apiCalls: [] };
    // Chromium logs every 4xx fetch as "Failed to load resource"; those are checked exactly through `failures` instead.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && visit.problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => visit.problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) visit.problems.push(`outside request: ${r.url()}`);
      else if (new URL(r.url()).pathname.startsWith('/api/')) visit.apiCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    page.on('response', (r) => r.status() >= 400 && visit.failures.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`));
    visits.push(visit);
    return visit;
  }

  async function signIn(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type="submit"]');
  }

  /** Signs in through the login page, straight on to /admin. */
  async function openAdmin(username: string, query = ''): Promise<Visit> {
    const visit = await open();
    await visit.page.goto(`${base}/login?next=${encodeURIComponent(`/admin${query}`)}`);
    await signIn(visit.page, username);
    await visit.page.waitForURL(`${base}/admin${query}`);
    return visit;
  }

  const hrefs = (page: Page) => page.$$eval('#pages a', (as) => as.map((a) => a.getAttribute('href')));

  it('sends a visitor to the login page, refuses a wrong password, and brings each role home to the pages it may use', async () => {
    const { page, problems, failures } = await open();
    await page.goto(base);
    await page.waitForURL(`${base}/login?next=/`);
    await page.waitForSelector('#username');
    expect(await page.textContent('h1')).toBe('登录 Gridscope');
    // The Chinese heading is drawn with a CJK font, not tofu: wider than a Latin fallback would make it.
    expect(await page.$eval('gs-login-page', (el) => el.shadowRoot!.querySelector('h1')!.getBoundingClientRect().width)).toBeGreaterThan(120);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `login-${BACKEND}.png`) });

    await signIn(page, 'chief', 'not the password');
    await page.getByText('用户名或密码错误').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');

    await signIn(page, 'chief');
    await page.waitForURL(`${base}/`);
    await page.getByText('王指挥').waitFor();
    expect(await page.textContent('#who')).toContain('指挥长 City commander');
    await page.waitForSelector('#pages a');
    // The commander may also send directives, edit grid boundaries and manage users.
    expect(await hrefs(page)).toEqual(['/wall', '/dispatch', '/directives', '/explore', '/plan', '/admin']);
    expect(failures).toEqual(['401 GET /api/auth/me', '401 POST /api/auth/login']);

    const leader = await open();
    await leader.page.goto(`${base}/login?next=/`);
    await signIn(leader.page, 'leader');
    await leader.page.waitForURL(`${base}/`);
    await leader.page.waitForSelector('#pages a');
    expect(await leader.page.textContent('#who')).toContain('李区长 · 区县领导 District leader');
    expect(await hrefs(leader.page)).toEqual(['/wall', '/dispatch', '/directives', '/explore']);
    expect([...problems, ...leader.problems, ...leader.failures]).toEqual([]);
  });

  it("names each page in the browser's tab and marks the document in the page's language", async () => {
    // Written out here: the tab's title of each page in each language, and the document's language.
    const titles: [string, string, string][] = [
      ['/login', '登录 · Gridscope', 'Sign in · Gridscope'],
      ['/wall', '网格化治理指挥中心 · Gridscope', 'Grid Governance Command Centre · Gridscope'],
      ['/dispatch', '事项交办调度台 · Gridscope', 'Dispatch console · Gridscope'],
      ['/directives', '指令督办台 · Gridscope', 'Directive desk · Gridscope'],
      ['/explore', '区县态势分析 · Gridscope', 'District explorer · Gridscope'],
      ['/plan', '网格调整 · Gridscope', 'Grid boundaries · Gridscope'],
      ['/admin', '用户、令牌与审计 · Gridscope', 'Users, tokens & audit · Gridscope'],
      ['/m', '网格通 · Gridscope', 'Grid field · Gridscope'],
    ];
    // Each page is left as soon as it has named itself: what it logs when its loading is cut short is not looked at here.
    const { page } = await open();
    const named = () => page.evaluate(() => `${document.documentElement.lang} ${document.title}`);
    for (const [path, zh, en] of titles) {
      if (path === '/wall') {
        await page.goto(`${base}/login?next=/`);
        await signIn(page, 'chief');
        await page.waitForURL(`${base}/`);
      }
      await page.goto(`${base}${path}?lang=en`);
      await expect.poll(named, { timeout: 30_000 }).toBe(`en ${en}`);
      await page.goto(`${base}${path}`);
      await expect.poll(named, { timeout: 30_000 }).toBe(`zh-CN ${zh}`);
    }
  });

  it('creates a viewer token whose secret works once shown, then revokes it', async () => {
    const { page, problems, failures } = await openAdmin('chief');
    await page.click('[data-tab="tokens"]');
    await page.waitForSelector('table[data-table="tokens"]');
    expect(await page.$eval('form[data-form="create-token"] select[name="role"]', (s) => (s as HTMLSelectElement).value)).toBe('viewer');
    // Its scope field suggests places by name (a district's wall token), as the user form's does.
    const [district] = await ctx.db.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [places.district]);
    const option = page.locator(`form[data-form="create-token"] datalist#gs-scopes option[value="${places.district}"]`);
    await expect.poll(() => option.getAttribute('label')).toBe(district!.name);
    await page.fill('form[data-form="create-token"] input[name="name"]', '指挥大厅大屏');
    await page.click('form[data-form="create-token"] button[type="submit"]');
    const secret = (await page.locator('[data-secret]').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.locator('[data-wall-url]').textContent()).toBe(`${base}/wall?token=${encodeURIComponent(secret)}`);
    await page.getByText('关闭后不会再次显示').waitFor();
    await page.locator('[data-tab="tokens"]').focus(); // not the submit button's focus ring in the screenshot
    await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-token-${BACKEND}.png`), fullPage: true });

    const summary = () => fetch(`${base}/api/stats/summary`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await summary()).status).toBe(200);

    const [token] = await ctx.db.query<{ id: number; prefix: string }>("SELECT id, prefix FROM api_token WHERE name = '指挥大厅大屏'");
    expect(secret.startsWith(token!.prefix)).toBe(true);
    const row = page.locator(`tr[data-token="${token!.id}"]`);
    expect(await row.locator('[data-revoked]').getAttribute('data-revoked')).toBe('no');
    page.once('dialog', (d) => void (d.message().includes('指挥大厅大屏') ? d.accept() : d.dismiss()));
    await row.locator('[data-action="revoke"]').click();
    await row.locator('[data-revoked="yes"]').waitFor();
    // The table was reloaded after the request above, so the token's last use shows.
    expect(await row.textContent()).not.toContain('从未');
    expect((await summary()).status).toBe(401);

    // Shown once: after a reload the secret is nowhere on the page.
    await page.reload();
    await page.waitForSelector(`tr[data-token="${token!.id}"]`);
    expect(await page.getByText(secret).count()).toBe(0);
    expect([...problems, ...failures]).toEqual([]);
  });

  it("creates a user, showing the server's refusal of a bad scope, and finds the creation in the audit log", async () => {
    const { page, problems, failures } = await openAdmin('chief');
    const form = page.locator('form[data-form="create-user"]');
    await form.locator('input[name="username"]').fill('zhang_wei');
    await form.locator('input[name="display_name"]').fill('张伟');
    await form.locator('select[name="role"]').selectOption('district_leader');
    await form.locator('input[name="scope"]').fill('999999');
    await form.locator('input[name="password"]').fill('a long enough password');
    await form.locator('button[type="submit"]').click();
    // The page asks in its language (Accept-Language: zh), so the server's refusal comes in Chinese.
    await form.getByText('scope：没有区、街道、社区或网格 999999').waitFor();
    expect(await page.locator('tr[data-user="zhang_wei"]').count()).toBe(0);

    await form.locator('input[name="scope"]').fill(places.district);
    await form.locator('button[type="submit"]').click();
    const row = page.locator('tr[data-user="zhang_wei"]');
    await row.waitFor();
    expect(await row.locator('[data-role]').textContent()).toBe('区县领导');
    // The scope by name and code, as the region table names it.
    const [names] = await ctx.db.query<{ d: string; s: string }>(
      'SELECT d.name d, s.name s FROM region s JOIN region d ON d.code = s.parent_code WHERE s.code = $1',
      [places.street],
    );
    await expect.poll(() => row.locator('[data-scope]').textContent()).toBe(`${names!.d} ${places.district}`);
    // The scope and unit fields suggest places and units by name (datalists): a street as its path, a unit as named.
    const suggested = (list: string, code: string) => form.locator(`datalist#${list} option[value="${code}"]`).getAttribute('label');
    expect(await form.locator('input[name="scope"]').getAttribute('list')).toBe('gs-scopes');
    expect(await suggested('gs-scopes', places.street)).toBe(`${names!.d} / ${names!.s}`);
    const [unit] = await ctx.db.query<{ name: string }>("SELECT name FROM unit WHERE code = 'sanitation'");
    expect(await suggested('gs-units', 'sanitation')).toBe(unit!.name);
    expect(await form.locator('[data-form-error]').textContent()).toBe('');
    const [created] = await ctx.db.query<{ id: number }>("SELECT id FROM app_user WHERE username = 'zhang_wei'");
    await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-users-${BACKEND}.png`), fullPage: true });

    // Role and scope are edited in place; a combination the server refuses is reported in the status line.
    await row.locator('[data-action="edit-grant"]').click();
    await row.locator('select[name="role"]').selectOption('grid_worker');
    await row.locator('[data-action="save-grant"]').click();
    await page.locator('[data-status="error"]').getByText('zhang_wei: scope：网格员须指定 15 位网格代码').waitFor();
    await row.locator('select[name="role"]').selectOption('staff');
    await row.locator('input[name="scope"]').fill(places.street);
    await row.locator('[data-action="save-grant"]').click();
    await row.locator('[data-role="staff"]').waitFor();
    expect(await row.locator('[data-scope]').textContent()).toBe(`${names!.d} / ${names!.s} ${places.street}`);

    // Reset the password through the prompt, then disable the account: the server sees both.
    page.once('dialog', (d) => void d.accept('another long password'));
    await row.locator('[data-action="reset-password"]').click();
    await page.locator('[data-status="ok"]').getByText('已重置 zhang_wei 的密码').waitFor();
    const loginAs = (password: string) =>
      fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'zhang_wei', password }),
      }).then((r) => r.status);
    expect(await loginAs('another long password')).toBe(200);
    await row.locator('[data-action="toggle-disabled"]').click();
    await row.getByText('已停用').waitFor();
    expect(await loginAs('another long password')).toBe(401);

    await page.click('[data-tab="audit"]');
    const entry = page.locator(`tr[data-action="user.create"]:has([data-target="user:${created!.id}"])`);
    await entry.waitFor();
    expect(await entry.textContent()).toContain('user:chief');
    expect(await entry.locator('td.change').textContent()).toContain('username=zhang_wei');
    // Newest first: the disabling is above the creation, its change shown as a diff.
    const actions = await page.$$eval('tr[data-audit]', (rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.indexOf('user.update')).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf('user.update')).toBeLessThan(actions.indexOf('user.create'));
    expect(await page.locator('tr[data-action="user.update"] td.change').first().textContent()).toContain('disabled: false → true');

    // The filter asks the server: only user.create entries remain.
    await page.fill('form[data-form="audit-filters"] input[name="action"]', 'user.create');
    await page.click('form[data-form="audit-filters"] button[type="submit"]');
    await page.waitForFunction(() => {
      const panel = document.querySelector('gs-admin-page')?.shadowRoot?.querySelector('gs-audit-panel')?.shadowRoot;
      const rows = [...(panel?.querySelectorAll('tr[data-audit]') ?? [])];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-action') === 'user.create');
    });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-audit-${BACKEND}.png`), fullPage: true });
    // On a phone the header wraps inside the screen (sign-out was cut off at the right edge): every item of it within 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await page.evaluate(() => {
      const header = document.querySelector('gs-admin-page')!.shadowRoot!.querySelector('header')!;
      const rights = [...header.querySelectorAll('h1, .who, button, a')].map((e) => Math.round(e.getBoundingClientRect().right));
      return { rights, overflow: document.documentElement.scrollWidth - window.innerWidth };
    });
    expect(phone.rights.length).toBeGreaterThan(2);
    for (const right of phone.rights) expect(right).toBeLessThanOrEqual(390);
    expect(phone.overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-audit-390-${BACKEND}.png`) });
    expect(failures).toEqual(['400 POST /api/users', `400 PATCH /api/users/${created!.id}`]);
    expect(problems).toEqual([]);
  });

  it('shows a district leader "no permission" and fetches no user data for them', async () => {
    const { page, problems, failures, apiCalls } = await openAdmin('leader');
    await page.locator('[data-no-permission]').getByText('无权限').waitFor();
    expect(await page.locator('tr[data-user]').count()).toBe(0);
    expect(await page.getByText('chief').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-no-permission-${BACKEND}.png`) });
    expect(apiCalls.filter((c) => !c.startsWith('POST /api/auth/login'))).toEqual(['GET /api/auth/me']);

    // English on request, and by the switch.
    await page.goto(`${base}/admin?lang=en`);
    await page.locator('[data-no-permission]').getByText('No permission').waitFor();
    await page.click('[data-action="lang"]');
    await page.locator('[data-no-permission]').getByText('无权限').waitFor();
    expect([...problems, ...failures]).toEqual([]);
  });

  it('signs out back to the login page, after which the session is gone', async () => {
    const { context, page, problems, failures } = await openAdmin('chief');
    await page.waitForSelector('[data-who]');
    await page.click('[data-action="logout"]');
    await page.waitForURL(/\/login$/);
    await page.waitForSelector('#username');
    expect((await context.request.get(`${base}/api/auth/me`)).status()).toBe(401);
    expect([...problems, ...failures]).toEqual([]);
  });

  /**
   * A wall started the documented way, /wall?token=gst_…, on a server without
   * anonymous reading: the token becomes a session cookie, leaves the address
   * bar and every later URL, the wall still loads (and reloads), and revoking
   * the token shuts it out. Under the Content-Security-Policy, with no console
   * errors.
   */
  it('trades the token for a session, drops it from the URL, keeps loading, and stops when the token is revoked', async () => {
    await createUser(ctx.db, { username: 'wall-chief', role: 'commander' });
    const chief = await login(ctx.app, 'wall-chief');
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
    await page.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 90_000 });
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
    await page.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 90_000 });
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

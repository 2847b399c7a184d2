import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from './identity.js';

export interface SignInOptions {
  /** The page to land on after signing in, e.g. '/dispatch?lang=en'. */
  next: string;
  /** A selector that says the page is ready (loaded and live). */
  ready?: string;
  viewport?: { width: number; height: number };
  /** Contexts opened here are added, so the file can close them. */
  contexts?: BrowserContext[];
  /** Console errors and page errors are added here (failed resource loads aside), so a test can assert there were none. */
  problems?: string[];
  /** 'reduce' for a wall that only has to be read: its red markers then do not pulse, which keeps a core busy. */
  reducedMotion?: 'reduce';
}

/**
 * A desktop page signed in as `username` in a fresh context (China's locale and
 * time zone), opened straight on `next` and waited on until `ready` shows. The
 * session comes from the login API, as the login page gets it: loading the login
 * page first would cost a page load per console opened, and the login page itself
 * (its form, refusals and ?next=) is tested in login-and-admin.test.ts.
 */
export async function openSignedIn(browser: Browser, base: string, username: string, o: SignInOptions): Promise<Page> {
  const context = await browser.newContext({
    viewport: o.viewport ?? { width: 1920, height: 1080 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: o.reducedMotion,
  });
  o.contexts?.push(context);
  const page = await context.newPage();
  if (o.problems) {
    const problems = o.problems;
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${username} console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${username} page error: ${e.message}`));
  }
  const res = await context.request.post(`${base}/api/auth/login`, { data: { username, password: TEST_PASSWORD } });
  if (res.status() !== 200) throw new Error(`sign-in of ${username}: ${res.status()} ${await res.text()}`);
  await page.goto(`${base}${o.next}`);
  if (o.ready) await page.waitForSelector(o.ready, { timeout: 120_000 });
  return page;
}

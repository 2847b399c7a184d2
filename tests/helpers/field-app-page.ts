import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from './identity.js';

/**
 * A phone as the field app tests use it: 390×844, touch, the position given, geolocation allowed. `serviceWorkers:
 * 'block'` for a test that routes the page's API requests: once the app's service worker controls the page, Chromium
 * hands the page's requests to it and Playwright's page.route no longer sees them (whether it does came down to a race
 * with the worker's activation).
 */
export async function phoneContext(
  browser: Browser,
  at: [number, number],
  lang: 'zh' | 'en' = 'zh',
  serviceWorkers: 'allow' | 'block' = 'allow',
): Promise<BrowserContext> {
  return browser.newContext({
    serviceWorkers,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: lang === 'en' ? 'en-GB' : 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    geolocation: { longitude: at[0], latitude: at[1], accuracy: 12 },
    permissions: ['geolocation'],
  });
}

/** Signs in through the login page and opens /m (with `query`), waiting for its first screen. */
export async function openFieldApp(context: BrowserContext, base: string, username: string, problems: string[], query = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${username} console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`${username} page error: ${e.message}`));
  await page.goto(`${base}/login?next=${encodeURIComponent(`/m${query}`)}`);
  // The sign-in form fits the phone's screen (it was 448 px wide on a 390 px phone, cut off on the right).
  const form = await page.locator('gs-login-page form').boundingBox();
  const screen = page.viewportSize()!;
  if (!form || form.x < 0 || form.x + form.width > screen.width)
    throw new Error(`the sign-in form is outside a ${screen.width} px screen: ${JSON.stringify(form)}`);
  await page.fill('#username', username);
  await page.fill('#password', TEST_PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('gs-field-app[data-state="ready"]', { timeout: 120_000 });
  return page;
}

/** From the field app's "sign in again" banner through the login page, back to /m and its first screen. */
export async function signInAgain(page: Page, username: string): Promise<void> {
  await page.click('[data-expired] a');
  await page.fill('#username', username);
  await page.fill('#password', TEST_PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('gs-field-app[data-state="ready"]', { timeout: 120_000 });
}

/** Two clicks in one task: the second comes before the page can draw the button disabled. */
const doubleTap = (button: HTMLElement) => {
  button.click();
  button.click();
};

/** Fills in and sends one report through the page's report screen; photos as files picked from the camera. */
export async function reportThroughPage(
  page: Page,
  r: { category: string; urgency: 'red' | 'yellow' | 'blue'; description: string; photos: { name: string; mimeType: string; buffer: Buffer }[] },
  /** 'add': a nearby same-category report must be offered, and the photos go to it ('new' files anyway, when offered). */
  nearby: 'new' | 'add' = 'new',
  beforeChoosing?: () => Promise<unknown>,
): Promise<void> {
  await page.click('[data-tab="report"]');
  const form = page.locator('gs-report-form');
  await form.locator(`[data-category="${r.category}"]`).click();
  await form.locator(`[data-urgency="${r.urgency}"]`).click();
  await form.locator('textarea').fill(r.description);
  await form.locator('input[type="file"]').setInputFiles(r.photos);
  await form
    .locator('[data-photo]')
    .nth(r.photos.length - 1)
    .waitFor({ timeout: 60_000 });
  // Tapped twice before the page draws again, as an impatient thumb on a slow phone does: one report all the same
  // (every caller counts the incidents stored).
  await form.locator('[data-submit]:not([disabled])').evaluate(doubleTap);
  const outbox = page.locator('[data-screen="outbox"]:not([hidden])');
  if (nearby === 'add') {
    await form.locator('[data-nearby-add]').waitFor({ timeout: 60_000 });
    await beforeChoosing?.();
    // Tapped twice: the photos must still go to the incident once (the caller counts them).
    await form.locator('[data-nearby-add]').evaluate(doubleTap);
  } else {
    // A same-category report nearby (seed data) may be offered: file a new one.
    // One wait for whichever comes first: a race of two waits would leave the loser waiting, and a waiter left over
    // from this report would click the offer of a later one.
    const offer = form.locator('[data-nearby-new]');
    await offer.or(outbox).first().waitFor({ timeout: 60_000 });
    if (await offer.isVisible()) await offer.evaluate(doubleTap);
  }
  await outbox.waitFor({ timeout: 60_000 });
}

/** Width and height from a JPEG's start-of-frame marker. */
export function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return null;
}

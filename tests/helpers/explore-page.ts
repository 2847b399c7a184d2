import type { Page } from 'playwright-core';

/** Waits until the explorer shows `code` (undefined: any place) with nothing in flight. */
export async function waitForPlace(page: Page, code?: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const el = document.querySelector('gs-explore-page');
      const shown = el?.shadowRoot?.querySelector<HTMLElement>('[data-place]')?.dataset.place;
      return el?.getAttribute('data-state') === 'ready' && shown !== undefined && (want === null || shown === want);
    },
    code ?? null,
    { timeout },
  );
}

/** Where a point is drawn on the first map, in page CSS pixels. */
export async function projectOnMap(page: Page, lon: number, lat: number): Promise<{ x: number; y: number; inside: boolean }> {
  const box = (await page.locator('gs-explore-map#map-a').boundingBox())!;
  const p = await page.evaluate(
    ([lo, la]) => {
      const map = document.querySelector('gs-explore-page')!.shadowRoot!.querySelector<HTMLElementTagNameMap['gs-explore-map']>('#map-a')!;
      return map.mapController!.project(lo!, la!);
    },
    [lon, lat],
  );
  return { x: box.x + p.x, y: box.y + p.y, inside: p.x > 0 && p.y > 0 && p.x < box.width && p.y < box.height };
}

/**
 * Clicks a shape at its label point until the explorer moves to it: the first
 * click may land before deck.gl has drawn (and can pick) the new shapes. A
 * click that picked the shape puts it in the URL at once; the place's figures
 * may then take long on a loaded machine, and are waited for with the long
 * bound (a retry then would click inside the new place and go deeper).
 */
export async function clickShape(page: Page, code: string, label: [number, number]): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    // Two frames first, so that deck.gl has taken the place's new shapes (and can pick them): a click before
    // that is lost, and waiting out the bound below before the next try was most of a drill step.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const p = await projectOnMap(page, label[0], label[1]);
    if (!p.inside) throw new Error(`label of ${code} is off the map`);
    await page.mouse.click(p.x, p.y);
    const picked = await page
      .waitForFunction((want) => new URLSearchParams(location.search).get('region') === want, code, { timeout: 8_000 })
      .then(
        () => true,
        () => false,
      );
    if (picked) return waitForPlace(page, code);
  }
  throw new Error(`clicking ${code} did not open it`);
}

/** The KPI tiles as shown: name → data-value. */
export function shownKpis(page: Page): Promise<Record<string, string>> {
  return page.$$eval('gs-kpi-strip [data-kpi]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-kpi'), e.getAttribute('data-value')])));
}

/** The breadcrumb: codes of the links above, then the place. */
export async function breadcrumb(page: Page): Promise<string[]> {
  const links = await page.$$eval('gs-explore-page [data-crumb]', (els) => els.map((e) => e.getAttribute('data-crumb')!));
  const here = await page.$eval('gs-explore-page [data-place]', (e) => e.getAttribute('data-place')!);
  return [...links, here];
}

/**
 * Switches the explorer's language with its own button (in place: no page load, whose software
 * WebGL costs seconds of CPU) and waits until the page is drawn in that language (its data is
 * held: switching asks for nothing again; callers still wait for the place with waitForPlace).
 */
export async function switchLanguage(page: Page, lang: 'zh' | 'en'): Promise<void> {
  await page.click('gs-explore-page button[data-action="lang"]');
  await page.waitForFunction((want) => {
    const el = document.querySelector('gs-explore-page');
    const title = el?.shadowRoot?.querySelector('h1')?.textContent ?? '';
    const button = el?.shadowRoot?.querySelector('button[data-action="lang"]')?.textContent ?? '';
    return (
      document.documentElement.lang === (want === 'en' ? 'en' : 'zh-CN') &&
      title.includes(want === 'en' ? 'District explorer' : '区县态势分析') &&
      button === (want === 'en' ? '中文' : 'English')
    );
  }, lang);
}

/**
 * Pieces of bench-field.ts: the phone's network and CPU (the presets cited),
 * the page-side marks of "usable", a 12 MP camera JPEG with EXIF made in
 * Chromium, and the p50/p95 arithmetic.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { phoneExif } from '../helpers/test-images.js';

/**
 * Chrome DevTools' "Slow 4G" (the same numbers as Lighthouse's mobile throttling and Puppeteer's
 * PredefinedNetworkConditions['Slow 4G'], the former "Fast 3G": crbug.com/342406608): 150 ms RTT × 3.75,
 * 1.6 Mbit/s down and 750 kbit/s up × 0.9, in bytes per second.
 */
export const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
/** DevTools' "4× slowdown", the mid-range phone of Lighthouse's mobile preset. */
export const CPU_SLOWDOWN = 4;

/** Throttles one page (its requests, its dedicated workers' and its main thread); the service worker is not throttled. */
export async function throttle(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
}

/**
 * Page-side marks (ms since navigation start, the page's own clock), read every frame from the app's own
 * markers: `ready` gs-field-app[data-state="ready"] (first screen up), `button` the home screen's report
 * button ([data-go-report], enabled), `map` the home map's gs-field-map[data-ready] (grid drawn, map idle),
 * `grid` my grid drawn at all: the outline the app draws from the boundaries before MapLibre is up
 * ([data-grid-outline], web/m/grid-outline.ts) or the map. A string: tsx wraps named functions in __name(),
 * which the page lacks.
 */
export const USABLE_MARKS = `(() => {
  const marks = (window.fieldMarks = {});
  const tick = () => {
    const app = document.querySelector('gs-field-app');
    const root = app && app.shadowRoot;
    const now = performance.now();
    if (app && marks.ready === undefined && app.dataset.state === 'ready') marks.ready = now;
    if (root && marks.button === undefined && root.querySelector('[data-go-report]:not([disabled])')) marks.button = now;
    if (root && marks.map === undefined && root.querySelector('[data-screen="home"] gs-field-map[data-ready]')) marks.map = now;
    if (root && marks.grid === undefined && root.querySelector('[data-screen="home"] [data-grid-outline] path, [data-screen="home"] gs-field-map[data-ready]')) marks.grid = now;
    if (marks.ready === undefined || marks.button === undefined || marks.map === undefined || marks.grid === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;
export interface Marks {
  ready?: number;
  button?: number;
  map?: number;
  grid?: number;
}

/**
 * A 12 MP (4000×3000) camera JPEG: drawn in Chromium (shapes over a gradient, sensor-like noise so it
 * compresses like a photo, not like a flat fill), encoded at quality 0.92, then an EXIF block as a phone
 * writes it (make, model, time, GPS: test-images.ts) put after the start-of-image marker.
 */
export async function cameraJpeg(browser: Browser): Promise<Buffer> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const base64 = (await page.evaluate(`(async () => {
    const c = document.createElement('canvas'); c.width = 4000; c.height = 3000;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 3000); sky.addColorStop(0, '#8fb8de'); sky.addColorStop(0.55, '#d9d2c0'); sky.addColorStop(1, '#5b5446');
    g.fillStyle = sky; g.fillRect(0, 0, 4000, 3000);
    let s = 7; const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 600; i++) { g.fillStyle = 'hsl(' + Math.floor(r() * 360) + ',' + Math.floor(20 + r() * 40) + '%,' + Math.floor(25 + r() * 50) + '%)';
      g.beginPath(); g.ellipse(r() * 4000, r() * 3000, 20 + r() * 300, 20 + r() * 200, r() * 3, 0, 7); g.fill(); }
    const img = g.getImageData(0, 0, 4000, 3000), d = img.data;
    for (let i = 0; i < d.length; i += 4) { const n = (r() - 0.5) * 18; d[i] += n; d[i + 1] += n; d[i + 2] += n; }
    g.putImageData(img, 0, 0);
    const blob = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let bin = ''; for (let i = 0; i < bytes.length; i += 32768) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 32768));
    return btoa(bin);
  })()`)) as string;
  await context.close();
  const jpeg = Buffer.from(base64, 'base64');
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), phoneExif()]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** Nearest-rank percentile of finite values; "missed" counts the rest. */
export function quantiles(xs: number[]): { p50: number; p95: number; n: number; missed: number } {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), n: s.length, missed: xs.length - s.length };
}
export const ms = (v: number) => (Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : '—');
export const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; a browser is never downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // --headless as Debian's chromium expects; the rest keep it off the (closed) network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Browser tests of drawing and layout alone (labels apart, panels fitting at 4K, the PNG export):
 * what they check does not depend on the database, so they run once, in the PGlite run, and the
 * PostgreSQL run skips them. Every test of what the pages show from the data runs on both.
 */
export const LAYOUT_ONLY_ELSEWHERE = Boolean(process.env.TEST_DATABASE_URL);

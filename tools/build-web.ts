import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';
import { WEB_BUILD_DIR } from '../server/plugins/web-plugin.js';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

const STAMP = join(WEB_BUILD_DIR, '.built-at');

/**
 * Newest modification time under the web sources, the contract (the only
 * server code pages import: tests/architecture/imports.test.ts) and the build config.
 */
function newestSource(): number {
  const walk = (dir: string): number =>
    !existsSync(dir)
      ? 0
      : readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
          const p = join(dir, e.name);
          return Math.max(t, e.isDirectory() ? walk(p) : statSync(p).mtimeMs);
        }, 0);
  return Math.max(walk(join(PROJECT_ROOT, 'web')), walk(join(PROJECT_ROOT, 'server/contract')), statSync(join(PROJECT_ROOT, 'vite.config.ts')).mtimeMs);
}

const COMPRESSIBLE = /\.(js|mjs|css|svg|json)$/;

/**
 * Writes name.br (brotli, best) and name.gz (gzip, best) beside every
 * compressible asset, once per build; the server sends them as they are
 * (web-plugin.ts, preCompressed) instead of compressing the same scripts on
 * every request, which cost the server more CPU than the wall's figures.
 */
function precompressAssets(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => COMPRESSIBLE.test(n))) {
    const file = join(dir, name);
    const bytes = readFileSync(file);
    if (bytes.length < 1024) continue;
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }),
    );
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  }
}

/**
 * Builds dist/web unless the build is newer than every source. Run by
 * `npm start` (prestart), so a fresh clone serves the wall, and by the browser
 * tests' global setup, so they test what is served.
 */
export async function buildWebIfStale(say: (line: string) => void = console.log): Promise<void> {
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs > newestSource()) return;
  const started = Date.now();
  // Vite picks the libraries' development builds (Lit's dev mode, with its checks and warnings) whenever NODE_ENV is
  // not "production", and vitest sets it to "test": the browser tests then ran a slower app than the one served.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: join(PROJECT_ROOT, 'web'), configFile: join(PROJECT_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  precompressAssets(join(WEB_BUILD_DIR, 'assets'));
  writeFileSync(STAMP, new Date().toISOString());
  say(`built the web app into dist/web in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildWebIfStale();

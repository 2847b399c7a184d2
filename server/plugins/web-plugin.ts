import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { scriptHash } from './security-headers-plugin.js';

export const WEB_BUILD_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const WEB_SOURCE_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

/**
 * Serves the web app: the vite build in dist/web (`npm run build:web`, run by
 * `prestart` and by the browser tests' global setup). Each page is also served
 * at its clean URL: /wall is wall.html, /login login.html; / stays the home
 * page. Without a build only the sources' plain pages work (the home page), and
 * the log says so. Everything is local, so the app works on a closed network.
 */
export interface WebOptions {
  /**
   * Data written into a page's HTML as `<script type="application/json"
   * id="page-data">`, by page name: what the page would otherwise fetch
   * first, before it can fetch anything else.
   */
  pageData?: Record<string, () => unknown>;
  /**
   * The Content-Security-Policy of a page given the hashes of its inline
   * scripts (security-headers-plugin.ts); absent = the global one stands.
   */
  pagePolicy?: (inlineScriptHashes: readonly string[]) => string;
}

/** The hashes of a page's inline scripts that run (not JSON data blocks), so its CSP can allow exactly those. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(attrs!)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs!)?.[1]?.toLowerCase();
    if (type === undefined || type === 'module' || type === 'text/javascript') hashes.push(scriptHash(body!));
  }
  return hashes;
}

/** JSON that is safe inside a <script> element: no "</script>" or "<!--" can appear. */
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

export default fp(
  async (app, opts: WebOptions) => {
    const built = existsSync(WEB_BUILD_DIR);
    const root = built ? WEB_BUILD_DIR : WEB_SOURCE_DIR;
    if (!built) app.log.warn('web app not built (no dist/web): run "npm run build:web" for the wall display');
    const pages = readdirSync(root).filter((f) => f.endsWith('.html'));
    // Each page's policy, by file name: the global one plus the page's own inline scripts.
    const policies = new Map(pages.map((file) => [file, opts.pagePolicy?.(inlineScriptHashes(readFileSync(join(root, file), 'utf8')))]));
    const policyOf = (file: string) => policies.get(file);
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside each script (tools/build-web.ts): sent as they are, no compressing per request.
      preCompressed: true,
      // Cache-Control is ours (below): with the plugin's own on, it overwrote ours with max-age=0 after setHeaders ran,
      // so every page load asked again for every script.
      cacheControl: false,
      setHeaders(res, path) {
        const policy = path.endsWith('.html') ? policyOf(basename(path)) : undefined;
        if (policy) res.setHeader('content-security-policy', policy);
        // Vite puts a content hash in every asset name: a new build means new names.
        if (path.includes('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else res.setHeader('Cache-Control', 'no-cache');
      },
    });
    for (const file of pages.filter((f) => f !== 'index.html')) {
      const page = file.slice(0, -'.html'.length);
      const data = opts.pageData?.[page];
      if (!data) {
        // The page's policy on the reply itself: a header set by the static plugin's setHeaders on the raw answer
        // loses to the global one set in onRequest (security-headers-plugin.ts), whose policy has no inline hashes.
        const policy = policyOf(file);
        app.get(`/${page}`, { schema: { hide: true } }, (_request, reply) => (policy ? reply.header('content-security-policy', policy) : reply).sendFile(file));
        continue;
      }
      const html = readFileSync(join(root, file), 'utf8');
      const policy = policyOf(file);
      app.get(`/${page}`, { schema: { hide: true } }, (_request, reply) =>
        (policy ? reply.header('content-security-policy', policy) : reply)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(html.replace('</head>', `<script type="application/json" id="page-data">${scriptJson(data())}</script></head>`)),
      );
    }
  },
  { name: 'web' },
);

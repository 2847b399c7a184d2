import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The web app lives in web/ and builds to dist/web, which the server serves
// (server/plugins/web-plugin.ts). Everything is bundled: the app must work on
// closed networks with no CDN.
const webDir = fileURLToPath(new URL('./web/', import.meta.url));

/** Every web/*.html is a page of its own (index, wall, login, ...): adding a file adds a page. */
export function webPages(dir = webDir): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .map((f) => [f.slice(0, -'.html'.length), dir + f]),
  );
}

/** In the dev server, /wall serves wall.html as the Fastify server does in production. */
function cleanPageUrls(): Plugin {
  return {
    name: 'gridscope-clean-page-urls',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const [path, query] = (req.url ?? '/').split('?');
        const page = path?.slice(1);
        if (page && page !== 'index' && /^[a-z][a-z0-9-]*$/.test(page) && webPages()[page]) req.url = `/${page}.html${query ? `?${query}` : ''}`;
        next();
      });
    },
  };
}

/**
 * luma.gl (under deck.gl) imports its WebGL device on demand, from a chunk of
 * its own. Asked for only once the map is up, that request queued behind the
 * wall's figure requests (a browser sends six at a time to one server) and
 * held every deck.gl layer back by about a second. Each page that can reach
 * such a chunk preloads it with the page's own scripts instead.
 */
function preloadWebglChunks(): Plugin {
  return {
    name: 'gridscope-preload-webgl-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        // The field app (/m) draws no deck.gl layers and loads its map after the first paint: nothing to preload.
        if (!bundle || !ctx.chunk || ctx.filename.endsWith('/m.html')) return html;
        const seen = new Set<string>();
        const visit = (name: string): void => {
          const chunk = bundle[name];
          if (seen.has(name) || !chunk || chunk.type !== 'chunk') return;
          seen.add(name);
          for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next);
        };
        visit(ctx.chunk.fileName);
        const lazy = [...seen].filter((name) => /webgl-device/.test(name) && !html.includes(name));
        return {
          html,
          tags: lazy.map((name) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: '', href: `/${name}` }, injectTo: 'head' as const })),
        };
      },
    },
  };
}

/**
 * The field app's service worker (web/m/service-worker.js) as /m-sw.js, with
 * its precache list: /m, its manifest and icons, and every chunk, style and
 * asset reachable from m.html (the map's lazy chunks and MapLibre's worker
 * included), so the app opens with no network after one visit.
 */
function fieldServiceWorker(): Plugin {
  return {
    name: 'gridscope-field-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry && c.facadeModuleId?.endsWith('/m.html'));
      if (!entry) return;
      const files = new Set<string>();
      const visit = (name: string): void => {
        const chunk = bundle[name];
        if (files.has(name) || !chunk) return;
        files.add(name);
        if (chunk.type !== 'chunk') return;
        for (const next of [
          ...chunk.imports,
          ...chunk.dynamicImports,
          ...(chunk.viteMetadata?.importedCss ?? []),
          ...(chunk.viteMetadata?.importedAssets ?? []),
        ])
          visit(next);
      };
      visit(entry.fileName);
      const list = ['/m', '/m.webmanifest', '/m-icon.svg', '/m-icon-192.png', '/m-icon-512.png', ...[...files].sort().map((f) => `/${f}`)];
      const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(new URL('./web/m/service-worker.js', import.meta.url), 'utf8')
        .replaceAll('self.__PRECACHE_LIST__', JSON.stringify(list))
        .replaceAll('self.__BUILD_VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'm-sw.js', source });
    },
  };
}

export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [cleanPageUrls(), preloadWebglChunks(), fieldServiceWorker()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // MapLibre and deck.gl are large by nature; the wall's budget is checked by npm run bench:wall instead.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { input: webPages() },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});

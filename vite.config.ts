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
 * The field app (/m) imports its map (web/m/field-map.ts: MapLibre, ~240 kB
 * compressed) after the first paint, and MapLibre then fetches its worker
 * script (~120 kB). On Slow 4G both came after the app's own scripts and its
 * first requests, one after the other. m.html asks for them at once instead:
 * a modulepreload for the map's chunk and the chunks it imports statically
 * (not its dynamic ones: deck.gl, which the phone's map never loads), and a
 * preload of the worker script as a fetch, which field-map.ts takes up (it
 * makes the worker from that response).
 */
function preloadFieldMap(): Plugin {
  return {
    name: 'gridscope-preload-field-map',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle || !ctx.chunk || !ctx.filename.endsWith('/m.html')) return html;
        const chunkOf = (name: string) => (bundle[name]?.type === 'chunk' ? bundle[name] : undefined);
        const mapChunk = ctx.chunk.dynamicImports.map(chunkOf).find((c) => c?.facadeModuleId?.endsWith('/m/field-map.ts'));
        if (!mapChunk) throw new Error('m.html: the field map chunk (web/m/field-map.ts) was not found among its dynamic imports');
        const chunks = new Set<string>();
        const assets = new Set<string>();
        const visit = (name: string): void => {
          const chunk = chunkOf(name);
          if (chunks.has(name) || !chunk) return;
          chunks.add(name);
          for (const asset of chunk.viteMetadata?.importedAssets ?? []) assets.add(asset);
          for (const next of chunk.imports) visit(next);
        };
        visit(mapChunk.fileName);
        const worker = [...assets].find((name) => /maplibre-gl-worker.*\.mjs$/.test(name));
        if (!worker) throw new Error("m.html: MapLibre's worker script was not found among the field map's assets");
        // On HTTP/1.1 a page has six connections, and a preload scanner asks for every linked file before any script
        // runs. The first screen needs 5 requests (the session, the grids, the app's script and its 2 shared chunks,
        // SHARED_CHUNK_GROUPS): one round on six connections, with room left for one more. So, in this order: the session
        // (preloaded here, taken up by m.html's inline fetch), MapLibre's chunk (the largest, on the one spare
        // connection from the start), the app's scripts, then MapLibre's worker, and the map's small chunks at low
        // priority, which get each connection the first screen leaves free instead of making it queue (measured:
        // README, field app; the bench's FIELD_TRACE=1 prints the waterfall).
        const size = (name: string) => chunkOf(name)?.code.length ?? 0;
        const [largest, ...others] = [...chunks].filter((name) => !html.includes(name)).sort((a, b) => size(b) - size(a));
        const modulepreload = (name: string) => `<link rel="modulepreload" crossorigin fetchpriority="low" href="/${name}">`;
        // The worker's preload keeps main's default priority: at fetchpriority="low" the map never started in 1 of 4
        // first loads (cause not found); at the default it drew in 12 of 12.
        const links = [`<link rel="preload" as="fetch" crossorigin href="/${worker}">`, ...others.map(modulepreload)];
        const early = [
          '<link rel="preload" as="fetch" crossorigin fetchpriority="high" href="/api/auth/me">',
          `<link rel="modulepreload" crossorigin href="/${largest!}">`,
        ];
        const inlineScript = html.indexOf('<script>');
        const headEnd = html.indexOf('</head>');
        if (inlineScript < 0 || headEnd < inlineScript) throw new Error('m.html: the inline script asking for the session was not found in <head>');
        return `${html.slice(0, inlineScript)}${early.join('\n  ')}\n  ${html.slice(inlineScript, headEnd)}  ${links.join('\n  ')}\n${html.slice(headEnd)}`;
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

/**
 * Two named chunks for the small modules most pages share, instead of one
 * chunk per set of pages that imports a module (rolldown's default: 10 chunks
 * of 0.2–6 kB on /m's first screen, three rounds of requests on six
 * connections at Slow 4G's 562 ms each; README, field app). `api-client` is
 * what every page needs (the home page, which has no Lit, exactly that);
 * `ui-core` is Lit's core and the small shared pieces of the pages built on it.
 * A page that needed only some of them now downloads a few kB more (README,
 * field app, table of pages), in fewer requests. Lit's other directives stay
 * with the pages that use them; MapLibre, deck.gl and luma.gl keep their own
 * chunks (large, cached once).
 */
const SHARED_CHUNK_GROUPS = [
  { name: 'api-client', test: /web[\\/]shared[\\/](api-request|session)\.ts$|server[\\/]contract[\\/]vocabulary\.ts$|vite[\\/]modulepreload-polyfill/ },
  {
    name: 'ui-core',
    test: /node_modules[\\/](lit[\\/]index|lit-element[\\/]lit-element|lit-html[\\/](lit-html|directive)|@lit[\\/]reactive-element[\\/](reactive-element|css-tag))\.js$|web[\\/]shared[\\/](i18n|map[\\/]theme)\.ts$|server[\\/]contract[\\/]incident-workflow\.ts$|vite[\\/]preload-helper/,
  },
];

export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [cleanPageUrls(), preloadWebglChunks(), preloadFieldMap(), fieldServiceWorker()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // MapLibre and deck.gl are large by nature; the wall's budget is checked by npm run bench:wall instead.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { input: webPages(), output: { codeSplitting: { groups: SHARED_CHUNK_GROUPS } } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});

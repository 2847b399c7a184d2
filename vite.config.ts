import { defineConfig } from 'vite';

// The web app lives in web/ and builds to dist/web, which the server serves
// when present (server/plugins/web-plugin.ts). Everything is bundled: the app
// must work on closed networks with no CDN.
export default defineConfig({
  root: 'web',
  base: '/',
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});

/**
 * The field app's service worker, served as /m-sw.js with scope /m. Written
 * by hand (Workbox and vite-plugin-pwa are not among the project's
 * dependencies, and the app needs three things only): the build
 * (vite.config.ts, fieldServiceWorker) fills in the precache list (the app
 * shell, every script, style and worker reachable from m.html) and a build
 * version (a hash of that list).
 *
 * - install: everything in the list is cached, so /m opens with no network;
 * - fetch: the page itself network first (a new build shows when online),
 *   the cache when the network fails or takes over 4 s; assets from the cache;
 *   the API never (the app keeps its own copies of what it needs offline);
 * - sync (Background Sync, Chromium): asks an open page to send the outbox,
 *   which holds the session's CSRF token and the sending logic.
 */
const PRECACHE = self.__PRECACHE_LIST__;
const CACHE = `gs-field-${self.__BUILD_VERSION__}`;
const SHELL = '/m';
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('gs-field-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(shellFirstFromNetwork(request));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
});

async function shellFirstFromNetwork(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([fetch(request), new Promise((_, reject) => setTimeout(() => reject(new Error('slow network')), NETWORK_WAIT_MS))]);
    if (response.ok && new URL(request.url).pathname === SHELL) await cache.put(SHELL, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(SHELL);
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener('sync', (event) => {
  if (event.tag !== 'gs-outbox') return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window' }).then((clients) => {
      for (const client of clients) client.postMessage('flush-outbox');
    }),
  );
});

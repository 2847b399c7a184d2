import './field-app.js';

// The service worker (web/m/service-worker.js, built to /m-sw.js) keeps the app shell, so /m opens offline.
// Its scope is /m alone: the other pages stay network-only.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/m-sw.js', { scope: '/m' }).catch((err) => console.warn('field app: no service worker:', err));
}

import { setWorkerUrl } from 'maplibre-gl';
// MapLibre 6 starts its workers from a module URL; bundled by vite, point it at the emitted copy (as the wall does).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './plan-page.js';

setWorkerUrl(workerUrl);

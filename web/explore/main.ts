import { setWorkerUrl } from 'maplibre-gl';
// MapLibre 6 starts its workers from a module URL; bundled by vite, the default
// (next to the library file) does not exist, so point it at the emitted copy.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './explore-page.js';

setWorkerUrl(workerUrl);

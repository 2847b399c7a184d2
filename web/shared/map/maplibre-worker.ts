import { setWorkerUrl } from 'maplibre-gl';
// MapLibre 6 starts its workers from a module URL; bundled by vite, the default
// (next to the library file) does not exist, so point it at the emitted copy.
// Imported by map-controller.ts: every page with a map gets it, once.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

setWorkerUrl(workerUrl);

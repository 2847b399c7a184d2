import { buildWebIfStale } from '../../tools/build-web.js';

/** Vitest global setup of the browser tests: they load the vite build, so make it first (when stale). */
export default async function setup(): Promise<void> {
  await buildWebIfStale();
}

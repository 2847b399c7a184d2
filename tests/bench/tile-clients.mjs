/**
 * The HTTP clients of bench-tiles.ts, in a worker thread of their own: in the
 * server's thread they shared its event loop, so the bench measured the
 * clients' CPU as much as the server's (a load generator sits on other
 * machines in real life). `clients` concurrent clients each fetch the next
 * URL of the list, round and round, for `seconds`; posts what they did.
 * Plain JavaScript: a worker thread does not get the tsx loader.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ urls: string[], clients: number, seconds: number }} */
const { urls, clients, seconds } = workerData;
let next = 0;
/** @type {{ done: number, nonEmpty: number, bytes: number, seconds: number, error?: string }} */
const result = { done: 0, nonEmpty: 0, bytes: 0, seconds: 0 };
const started = performance.now();
const until = started + seconds * 1000;
try {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const url = urls[next++ % urls.length];
        const res = await fetch(url);
        const body = new Uint8Array(await res.arrayBuffer());
        if (res.status !== 200 && res.status !== 204) throw new Error(`${url}: ${res.status} ${new TextDecoder().decode(body)}`);
        if (res.status === 200) result.nonEmpty++;
        result.bytes += body.byteLength;
        result.done++;
      }
    }),
  );
} catch (error) {
  result.error = error instanceof Error ? error.message : String(error);
}
result.seconds = (performance.now() - started) / 1000;
parentPort?.postMessage(result);

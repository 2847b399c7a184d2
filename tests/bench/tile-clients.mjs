/**
 * The HTTP clients of bench-tiles.ts, in a worker thread of their own: in the
 * server's thread they shared its event loop, so the bench measured the
 * clients' CPU as much as the server's (a load generator sits on other
 * machines in real life). `clients` concurrent clients each fetch the next
 * URL of the list, round and round, for `seconds`; posts what they did.
 * They use node:http with a keep-alive agent, not fetch(): against a cached
 * tile, fetch's own CPU was the limit (2,600-2,900 tiles/s with the server
 * 57 % idle; node:http 4,700-5,500 from the same server, 1 Dec 2026). Like
 * a browser they accept compressed answers (bytes counted as they came).
 * Plain JavaScript: a worker thread does not get the tsx loader.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ urls: string[], clients: number, seconds: number }} */
const { urls, clients, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
/** @param {string} url @returns {Promise<{ status: number, body: Buffer }>} */
const get = (url) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'accept-encoding': 'br, gzip, deflate' } }, (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
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
        const { status, body } = await get(url);
        if (status !== 200 && status !== 204) throw new Error(`${url}: ${status} ${body.toString('utf8')}`);
        if (status === 200) result.nonEmpty++;
        result.bytes += body.byteLength;
        result.done++;
      }
    }),
  );
} catch (error) {
  result.error = error instanceof Error ? error.message : String(error);
}
result.seconds = (performance.now() - started) / 1000;
agent.destroy();
parentPort?.postMessage(result);

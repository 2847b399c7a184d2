import { promisify } from 'node:util';
import { brotliCompress, constants, deflate, gzip } from 'node:zlib';

/**
 * The content codings geometry answers are kept in: every coding
 * @fastify/compress offers, so that it never compresses these bodies per request.
 */
export type BodyEncoding = 'br' | 'gzip' | 'deflate';

const compressors: Record<BodyEncoding, (body: string | Uint8Array) => Promise<Buffer>> = {
  // Quality 5: computed once per revision, so a little better than @fastify/compress's per-request 4,
  // without brotli 11's minutes on a 25 MB city of 100k grids. Text mode for JSON, generic for tiles.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: typeof body === 'string' ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
  deflate: (body) => promisify(deflate)(body, { level: 6 }),
};

/**
 * The encoding to send from an Accept-Encoding header: the highest q-value,
 * br before gzip before deflate on a tie, else none (identity). A coding with
 * q=0 is refused; `*` stands for any coding not named.
 */
export function chooseEncoding(header: string | string[] | undefined): BodyEncoding | undefined {
  const text = (Array.isArray(header) ? header.join(',') : (header ?? '')).toLowerCase();
  const q = new Map<string, number>();
  for (const part of text.split(',').slice(0, 20)) {
    const [name = '', ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (name.trim()) q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const weight = (coding: string) => q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  let best: BodyEncoding | undefined;
  for (const coding of ['br', 'gzip', 'deflate'] as const) {
    if (weight(coding) > 0 && (best === undefined || weight(coding) > weight(best))) best = coding;
  }
  return best;
}

export interface EncodedBodyCache {
  /**
   * `body` compressed with `encoding`, keyed by its entity tag: compressed once
   * while the entry stays (concurrent requests share the work), then the same
   * Buffer every time.
   */
  encoded(etag: string, encoding: BodyEncoding, body: string | Uint8Array): Promise<Buffer>;
  /** How many bodies were compressed since start: tests read it to prove a hit. */
  readonly compressions: number;
  /** Bytes held now (compressed bodies). */
  readonly bytes: number;
}

/**
 * Compressed geometry answers (grid polygons, outlines, explorer shapes),
 * bounded in bytes: past `maxBytes` the least recently used go. Keys are
 * entity tags (hashes of the text), so a new revision of the geometry is a new
 * key and the old one ages out; nothing needs invalidating.
 */
export function createEncodedBodyCache(maxBytes = 64 * 1024 * 1024): EncodedBodyCache {
  const entries = new Map<string, { bytes: number; buffer: Promise<Buffer> }>();
  let held = 0;
  let compressions = 0;
  const evict = () => {
    for (const [key, entry] of entries) {
      if (held <= maxBytes) break;
      entries.delete(key);
      held -= entry.bytes;
    }
  };
  return {
    encoded(etag, encoding, body) {
      const key = `${encoding} ${etag}`;
      const hit = entries.get(key);
      if (hit) {
        // Most recently used goes last.
        entries.delete(key);
        entries.set(key, hit);
        return hit.buffer;
      }
      compressions++;
      const entry = { bytes: 0, buffer: compressors[encoding](body) };
      entries.set(key, entry);
      entry.buffer.then(
        (buffer) => {
          if (entries.get(key) !== entry) return;
          entry.bytes = buffer.length;
          held += buffer.length;
          evict();
        },
        () => entries.get(key) === entry && entries.delete(key),
      );
      return entry.buffer;
    },
    get compressions() {
      return compressions;
    },
    get bytes() {
      return held;
    },
  };
}

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { createPhotoStore } from '../../server/photos/photo-store.js';
import { json } from '../helpers/seeded-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { greyJpeg, multipartBody, pngChunk, sha256, solidPng, TINY_WEBP } from '../helpers/test-images.js';

const MAX_BYTES = 8 * 1024;

/** Every file under `dir`, relative, sorted: what a crash or a refusal may have left behind. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const form = (...files: [Uint8Array, string, string][]) => {
  const fd = new FormData();
  fd.append('incident', 'SJ20260615000001');
  for (const [bytes, name, type] of files) fd.append('photo', new Blob([new Uint8Array(bytes)], { type }), name);
  return fd;
};

let t: TestDatabase;
let app: App;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'gs-photos-'));
  app = await buildApp({ db: t.db, photos: { dir, maxBytes: MAX_BYTES, maxFiles: 3 } });
  // Test-only routes standing in for the incident routes, which are wired elsewhere.
  app.post('/test/photos', async (request, reply) => {
    const saved = [];
    for await (const part of request.parts()) {
      if (part.type === 'file') saved.push(await app.photos.save(part.file));
    }
    return reply.status(201).send({ photos: saved });
  });
  app.get<{ Params: { sha256: string } }>('/test/photos/:sha256', async (request, reply) => {
    const photo = await app.photos.open(request.params.sha256);
    if (!photo) return reply.status(404).send({ error: { code: 'not_found', message: 'photo not found' } });
    return reply.type(photo.mime).header('content-length', photo.bytes).send(photo.stream);
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await t?.dispose();
});

const upload = async (fd: FormData) => app.inject({ method: 'POST', url: '/test/photos', ...(await multipartBody(fd)) });

describe('photo uploads over HTTP', () => {
  it('refuses a text file named .jpg and sent as image/jpeg, writing nothing', async () => {
    const before = filesUnder(dir);
    const res = await upload(form([Buffer.from('this is a shopping list, not a photo\n'.repeat(20)), 'photo.jpg', 'image/jpeg']));
    expect(res.statusCode).toBe(415);
    expect(json(res)).toEqual({ error: { code: 'unsupported_media_type', message: expect.stringMatching(/not a JPEG, PNG, WebP or GIF/) } });
    expect(filesUnder(dir)).toEqual(before);
  });

  it('refuses an empty file and a file too short to be an image', async () => {
    const empty = await upload(form([Buffer.alloc(0), 'a.png', 'image/png']));
    expect(empty.statusCode).toBe(422);
    expect(json(empty).error.code).toBe('invalid_photo');
    const stub = await upload(form([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'b.jpg', 'image/jpeg']));
    expect(stub.statusCode).toBe(422);
    expect(json(stub).error.message).toMatch(/too short/);
  });

  it('refuses an oversize image and leaves neither a file nor a temporary file', async () => {
    const before = filesUnder(dir);
    // A real PNG header, then more bytes than the limit.
    const big = Buffer.concat([solidPng(), Buffer.alloc(MAX_BYTES, 7)]);
    const res = await upload(form([big, 'big.png', 'image/png']));
    expect(res.statusCode).toBe(413);
    expect(json(res)).toEqual({ error: { code: 'payload_too_large', message: `photo: larger than the limit of ${MAX_BYTES} bytes` } });
    expect(filesUnder(dir)).toEqual(before);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('accepts an image of exactly the limit', async () => {
    const png = solidPng();
    // Padded by a private chunk (kept: only metadata chunks are stripped) before IEND (the last 12 bytes).
    const exact = Buffer.concat([png.subarray(0, -12), pngChunk('prVt', Buffer.alloc(MAX_BYTES - png.length - 12, 1)), png.subarray(-12)]);
    const res = await upload(form([exact, 'exact.png', 'image/png']));
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).photos[0]).toMatchObject({ bytes: MAX_BYTES, mime: 'image/png' });
  });

  it('stores PNG, JPEG and WebP by content hash, judged by bytes not names, and reads them back identical', async () => {
    const png = solidPng(3, 2);
    const jpeg = greyJpeg();
    // Names and declared types are deliberately wrong: only the bytes count.
    const res = await upload(form([png, 'scan.txt', 'text/plain'], [jpeg, 'photo.png', 'image/png'], [TINY_WEBP, 'x', 'application/octet-stream']));
    expect(res.statusCode, res.body).toBe(201);
    const photos = json(res).photos;
    expect(photos).toEqual([
      { sha256: sha256(png), mime: 'image/png', bytes: png.length, path: join(sha256(png).slice(0, 2), `${sha256(png).slice(2)}.png`) },
      { sha256: sha256(jpeg), mime: 'image/jpeg', bytes: jpeg.length, path: join(sha256(jpeg).slice(0, 2), `${sha256(jpeg).slice(2)}.jpg`) },
      { sha256: sha256(TINY_WEBP), mime: 'image/webp', bytes: TINY_WEBP.length, path: expect.stringMatching(/\.webp$/) },
    ]);
    for (const [photo, bytes] of [
      [photos[0], png],
      [photos[1], jpeg],
      [photos[2], TINY_WEBP],
    ] as const) {
      expect(readFileSync(join(dir, photo.path)).equals(bytes)).toBe(true);
      const back = await app.inject({ method: 'GET', url: `/test/photos/${photo.sha256}` });
      expect(back.statusCode).toBe(200);
      expect(back.headers['content-type']).toBe(photo.mime);
      expect(back.rawPayload.equals(bytes)).toBe(true);
    }
  });

  it('stores the same bytes once, however often and under whatever name they arrive', async () => {
    const png = solidPng(5, 5, [1, 2, 3]);
    const first = json(await upload(form([png, 'before.png', 'image/png'])));
    const again = json(await upload(form([png, 'after.jpg', 'image/jpeg'], [png, 'copy.png', 'image/png'])));
    expect(again.photos.map((p: { sha256: string }) => p.sha256)).toEqual([first.photos[0].sha256, first.photos[0].sha256]);
    expect(filesUnder(dir).filter((f) => f.includes(sha256(png).slice(2)))).toHaveLength(1);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses more files than allowed in one request', async () => {
    const res = await upload(form(...Array.from({ length: 4 }, (_, i) => [solidPng(1, 1, [i, i, i]), `${i}.png`, 'image/png'] as [Buffer, string, string])));
    expect(res.statusCode).toBe(413);
    expect(json(res).error).toEqual({ code: 'too_many_files', message: 'too many files in one upload' });
  });

  it('answers 404 for an unknown or malformed hash', async () => {
    expect((await app.inject({ method: 'GET', url: `/test/photos/${'0'.repeat(64)}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/test/photos/..%2F..%2Fetc%2Fpasswd' })).statusCode).toBe(404);
  });

  it('works over a real socket with fetch and FormData', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const png = solidPng(7, 7);
    const res = await fetch(`${address}/test/photos`, { method: 'POST', body: form([png, 'p.png', 'image/png']) });
    expect(res.status).toBe(201);
    const [photo] = (await res.json()).photos;
    const back = await fetch(`${address}/test/photos/${photo.sha256}`);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer()).equals(png)).toBe(true);
    const refused = await fetch(`${address}/test/photos`, { method: 'POST', body: form([Buffer.alloc(MAX_BYTES + 100, 0xff), 'p.jpg', 'image/jpeg']) });
    expect(refused.status).toBe(413);
  });
});

describe('photo store on disk', () => {
  it('removes temporary files left by a crash more than an hour ago, and only those', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gs-photos-crash-'));
    mkdirSync(join(root, 'tmp'));
    writeFileSync(join(root, 'tmp', 'old.part'), 'half a photo');
    writeFileSync(join(root, 'tmp', 'recent.part'), 'an upload in progress elsewhere');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(root, 'tmp', 'old.part'), twoHoursAgo, twoHoursAgo);
    await createPhotoStore({ dir: root, maxBytes: MAX_BYTES });
    expect(readdirSync(join(root, 'tmp'))).toEqual(['recent.part']);
  });

  it('accepts any async byte source, and an image arriving one byte at a time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gs-photos-bytes-'));
    const store = await createPhotoStore({ dir: root, maxBytes: MAX_BYTES });
    const jpeg = greyJpeg();
    const saved = await store.save(Readable.from([...jpeg].map((b) => Buffer.from([b]))));
    expect(saved).toMatchObject({ sha256: sha256(jpeg), mime: 'image/jpeg', bytes: jpeg.length });
    expect(existsSync(join(root, saved.path))).toBe(true);
  });
});

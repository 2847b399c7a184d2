import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import multipart from '@fastify/multipart';
import { statusOf } from '../../server/errors/messages.js';
import { createPhotoStore, ORIGINALS, type PhotoStore } from '../../server/photos/photo-store.js';
import {
  greyJpeg,
  multipartBody,
  PHONE_METADATA,
  phoneGif,
  phoneJpeg,
  phonePng,
  phoneWebp,
  phoneXmp,
  sha256,
  solidPng,
  TINY_WEBP,
} from '../helpers/test-images.js';

/**
 * Photos lose their metadata on upload (a phone photo carries the worker's
 * GPS position, the device, its serial number) and keep their orientation and
 * their pixels. The checks read the stored files with parsers written here,
 * independent of the server's.
 */

const bytes = (store: PhotoStore, path: string) => readFileSync(join(store.dir, path));
const save = (store: PhotoStore, image: Buffer) => store.save(Readable.from([image]));

/** Every trace of PHONE_METADATA that must not survive, as bytes. */
const TRACES: [string, Buffer][] = [
  ['make', Buffer.from(PHONE_METADATA.make)],
  ['model', Buffer.from(PHONE_METADATA.model)],
  ['serial number', Buffer.from(PHONE_METADATA.serial)],
  ['date and time', Buffer.from(PHONE_METADATA.when)],
  ['comment', Buffer.from(PHONE_METADATA.comment)],
  ['XMP', Buffer.from(PHONE_METADATA.xmpMarker)],
  ['XMP namespace', Buffer.from('ns.adobe.com')],
  // 27/1 49/1 3864/100 as little-endian rationals
  ['latitude', Buffer.from([27, 0, 0, 0, 1, 0, 0, 0, 49, 0, 0, 0, 1, 0, 0, 0, 0x18, 0x0f, 0, 0, 100, 0, 0, 0])],
  ['GPS IFD pointer (II)', Buffer.from([0x25, 0x88, 0x04, 0x00])],
];
const expectNoTraces = (image: Buffer) => {
  for (const [what, trace] of TRACES) expect(image.includes(trace), `${what} left in the image`).toBe(false);
};

/** The Orientation of a TIFF structure (II or MM), read here from the TIFF 6.0 layout. */
function tiffOrientation(tiff: Buffer): number | undefined {
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  for (let i = 0; i < u16(ifd); i++) if (u16(ifd + 2 + i * 12) === 0x0112) return u16(ifd + 2 + i * 12 + 8);
  return undefined;
}

/** A JPEG's segments before its first scan, and everything from the scan on. */
function jpegParts(jpeg: Buffer): { segments: { marker: number; body: Buffer }[]; scan: Buffer } {
  expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
  const segments = [];
  let pos = 2;
  while (jpeg[pos + 1] !== 0xda) {
    expect(jpeg[pos]).toBe(0xff);
    const length = jpeg.readUInt16BE(pos + 2);
    segments.push({ marker: jpeg[pos + 1]!, body: jpeg.subarray(pos + 4, pos + 2 + length) });
    pos += 2 + length;
  }
  return { segments, scan: jpeg.subarray(pos) };
}

/** A PNG's chunks, each CRC checked. */
function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  const chunks = [];
  for (let pos = 8; pos < png.length; ) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    expect(png.readUInt32BE(pos + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(pos + 4, pos + 8 + length)));
    chunks.push({ type, data: png.subarray(pos + 8, pos + 8 + length) });
    pos += 12 + length;
  }
  return chunks;
}

/** A WebP's chunks, after checking the RIFF size. */
function webpChunks(webp: Buffer): { fourcc: string; data: Buffer }[] {
  expect(webp.toString('latin1', 0, 4)).toBe('RIFF');
  expect(webp.readUInt32LE(4)).toBe(webp.length - 8);
  const chunks = [];
  for (let pos = 12; pos < webp.length; ) {
    const size = webp.readUInt32LE(pos + 4);
    chunks.push({ fourcc: webp.toString('latin1', pos, pos + 4), data: webp.subarray(pos + 8, pos + 8 + size) });
    pos += 8 + size + (size % 2);
  }
  return chunks;
}

let store: PhotoStore;
beforeAll(async () => {
  store = await createPhotoStore({ dir: mkdtempSync(join(tmpdir(), 'gs-photo-meta-')), maxBytes: 1024 * 1024 });
});

describe('photo metadata is stripped on upload', () => {
  it('JPEG: EXIF with GPS, XMP, IPTC and the comment go; JFIF, orientation and the image data stay', async () => {
    const upload = phoneJpeg();
    // The upload really carries it all (the test would prove nothing otherwise).
    for (const [what, trace] of TRACES) expect(upload.includes(trace), `${what} in the upload`).toBe(true);
    const saved = await save(store, upload);
    const stored = bytes(store, saved.path);
    expect(saved).toMatchObject({ mime: 'image/jpeg', bytes: stored.length, sha256: sha256(stored) });
    expectNoTraces(stored);
    const { segments, scan } = jpegParts(stored);
    expect(segments.map((s) => s.marker)).toEqual([0xe0, 0xe1, 0xdb, 0xc0, 0xc4, 0xc4]);
    const exif = segments[1]!.body;
    expect(exif.subarray(0, 6).toString('latin1')).toBe('Exif\0\0');
    expect(tiffOrientation(exif.subarray(6))).toBe(PHONE_METADATA.orientation);
    expect(exif.length).toBeLessThan(40); // Orientation, and nothing else
    // The pixels are untouched: frame, tables and scan are byte for byte the original's.
    const original = jpegParts(upload);
    expect(scan.equals(original.scan)).toBe(true);
    expect(segments.filter((s) => s.marker >= 0xc0 && s.marker <= 0xdb).map((s) => s.body.toString('hex'))).toEqual(
      original.segments.filter((s) => s.marker >= 0xc0 && s.marker <= 0xdb).map((s) => s.body.toString('hex')),
    );
  });

  it('JPEG: an upright photo keeps no EXIF at all', async () => {
    const upright = Buffer.from(phoneJpeg());
    const at = upright.indexOf(Buffer.from([0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06]));
    upright[at + 8] = 1;
    const stored = bytes(store, (await save(store, upright)).path);
    expect(jpegParts(stored).segments.map((s) => s.marker)).toEqual([0xe0, 0xdb, 0xc0, 0xc4, 0xc4]);
  });

  it('PNG: eXIf, iTXt XMP, tEXt and tIME go; the orientation stays in a one-field eXIf; pixels and CRCs are intact', async () => {
    const stored = bytes(store, (await save(store, phonePng())).path);
    expectNoTraces(stored);
    const chunks = pngChunks(stored);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'eXIf', 'IDAT', 'IEND']);
    expect(tiffOrientation(chunks[1]!.data)).toBe(PHONE_METADATA.orientation);
    const pixels = inflateSync(chunks[2]!.data);
    expect(pixels.equals(inflateSync(pngChunks(solidPng(2, 2))[1]!.data))).toBe(true);
  });

  it('WebP: EXIF and XMP chunks go, the VP8X flags and RIFF size follow, the image chunk is untouched', async () => {
    const stored = bytes(store, (await save(store, phoneWebp())).path);
    expectNoTraces(stored);
    const chunks = webpChunks(stored);
    expect(chunks.map((c) => c.fourcc)).toEqual(['VP8X', 'VP8L', 'EXIF']);
    expect(chunks[0]!.data[0]! & 0x0c).toBe(0x08); // EXIF (the orientation) flagged, XMP not
    expect(tiffOrientation(chunks[2]!.data)).toBe(PHONE_METADATA.orientation);
    expect(chunks[1]!.data.equals(webpChunks(TINY_WEBP)[0]!.data)).toBe(true);
  });

  it('GIF: the comment and the XMP block go, the looping block and the image stay', async () => {
    const upload = phoneGif();
    const stored = bytes(store, (await save(store, upload)).path);
    expectNoTraces(stored);
    expect(stored.includes(Buffer.from('NETSCAPE2.0'))).toBe(true);
    expect(stored.subarray(-16).equals(upload.subarray(-16))).toBe(true); // image descriptor, data and trailer
    expect(stored.length).toBe(13 + 6 + 19 + 16);
  });

  it('an image without metadata is stored byte for byte', async () => {
    for (const image of [greyJpeg(), solidPng(3, 3), TINY_WEBP]) {
      const saved = await save(store, image);
      expect(saved.sha256).toBe(sha256(image));
      expect(bytes(store, saved.path).equals(image)).toBe(true);
    }
  });

  it('refuses, with 422 and nothing written, an image whose structure cannot be walked', async () => {
    const cut = phoneJpeg().subarray(0, 200); // ends inside the XMP segment
    // A domain error: its reason here, the status from the one table of codes (server/errors/messages.ts).
    await expect(save(store, cut)).rejects.toMatchObject({ reason: 'invalid_photo', message: expect.stringMatching(/not a well-formed JPEG/) });
    expect(statusOf('invalid_photo')).toBe(422);
  });

  it('keeps the original, metadata and all, only when told to, and never under the served name', async () => {
    const keeping = await createPhotoStore({ dir: mkdtempSync(join(tmpdir(), 'gs-photo-orig-')), maxBytes: 1024 * 1024, keepOriginal: true });
    const upload = phoneJpeg();
    const saved = await save(keeping, upload);
    expectNoTraces(bytes(keeping, saved.path));
    expect(readFileSync(join(keeping.dir, ORIGINALS, saved.path)).equals(upload)).toBe(true);
    // The default store keeps nothing but the stripped photo.
    const plain = await save(store, upload);
    expect(existsSync(join(store.dir, ORIGINALS))).toBe(false);
    expect(plain.sha256).toBe(saved.sha256);
  });
});

describe('stripped photos over HTTP', () => {
  const app = Fastify();
  beforeAll(async () => {
    await app.register(multipart);
    app.post('/photos', async (request) => store.save((await request.file())!.file));
    app.get<{ Params: { sha: string } }>('/photos/:sha', async (request, reply) => {
      const photo = (await store.open(request.params.sha))!;
      return reply.type(photo.mime).send(photo.stream);
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves the stripped bytes for an uploaded phone photo', async () => {
    const form = new FormData();
    form.append('photo', new Blob([new Uint8Array(phoneJpeg())], { type: 'image/jpeg' }), 'IMG_0042.jpg');
    const res = await app.inject({ method: 'POST', url: '/photos', ...(await multipartBody(form)) });
    expect(res.statusCode, res.body).toBe(200);
    const back = await app.inject({ method: 'GET', url: `/photos/${JSON.parse(res.body).sha256}` });
    expectNoTraces(back.rawPayload);
    expect(tiffOrientation(jpegParts(back.rawPayload).segments[1]!.body.subarray(6))).toBe(6);
    expect(back.rawPayload.includes(phoneXmp().subarray(0, 20))).toBe(false);
  });
});

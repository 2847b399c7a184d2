import { crc32 } from 'node:zlib';
import { EXIF_HEADER, orientationOnlyTiff, readOrientation } from './exif-orientation.js';
import type { ImageKind } from './image-sniffing.js';

/**
 * Strips metadata from an uploaded photo: a phone photo carries the worker's
 * GPS position, the device and its serial number, and times, in EXIF, XMP,
 * IPTC and comments. The pixels are never decoded or re-encoded: each format's
 * container is walked and the metadata blocks are left out, so the picture
 * stays exactly as it was. Orientation is kept (a one-field EXIF replaces the
 * original), so a photo taken sideways still shows upright.
 *
 * - JPEG: APP1 (EXIF, XMP), APP3–APP13, APP15 and COM segments go; APP0
 *   (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) stay.
 * - PNG: tEXt, zTXt, iTXt, tIME and eXIf chunks go, and anything after IEND.
 * - WebP: EXIF and XMP chunks go (VP8X flags and the RIFF size follow).
 * - GIF: comments and application blocks other than looping and colour profiles go.
 *
 * A container that cannot be walked throws MalformedImageError: a photo is
 * stored clean or not at all.
 */
export class MalformedImageError extends Error {
  constructor(kind: string, why: string) {
    super(`not a well-formed ${kind}: ${why}`);
    this.name = 'MalformedImageError';
  }
}

export function stripImageMetadata(bytes: Buffer, kind: ImageKind): Buffer {
  switch (kind.ext) {
    case 'jpg':
      return stripJpeg(bytes);
    case 'png':
      return stripPng(bytes);
    case 'webp':
      return stripWebp(bytes);
    case 'gif':
      return stripGif(bytes);
  }
}

/** Segments kept: APP0 JFIF, APP2 ICC profile, APP14 Adobe; every other APPn and COM is metadata. */
const isJpegMetadata = (marker: number) => (marker >= 0xe0 && marker <= 0xef && ![0xe0, 0xe2, 0xee].includes(marker)) || marker === 0xfe;

function stripJpeg(bytes: Buffer): Buffer {
  const bad = (why: string) => new MalformedImageError('JPEG', why);
  const out: Buffer[] = [bytes.subarray(0, 2)];
  let orientation: number | null = null;
  let orientationAt = -1;
  let pos = 2;
  for (;;) {
    if (pos + 2 > bytes.length) throw bad('ends without its end marker');
    if (bytes[pos] !== 0xff) throw bad(`no marker at byte ${pos}`);
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1;
      continue;
    } // fill byte
    if (marker === 0xd9) {
      out.push(bytes.subarray(pos, pos + 2)); // end of image: anything after it is dropped
      break;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      // markers without a length
      out.push(bytes.subarray(pos, pos + 2));
      pos += 2;
      continue;
    }
    if (marker === 0xd8 || pos + 4 > bytes.length) throw bad(`unexpected marker 0x${marker.toString(16)} at byte ${pos}`);
    const length = bytes.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) throw bad(`segment 0x${marker.toString(16)} at byte ${pos} runs past the end`);
    if (isJpegMetadata(marker)) {
      if (marker === 0xe1 && orientation === null && bytes.subarray(pos + 4, pos + 10).equals(EXIF_HEADER)) {
        orientation = readOrientation(bytes.subarray(pos + 4, end));
        orientationAt = out.length;
      }
    } else {
      out.push(bytes.subarray(pos, end));
    }
    pos = end;
    if (marker === 0xda) {
      // A scan: entropy-coded data up to the next marker that is not a stuffed
      // 0xFF00 or a restart. Progressive images have several scans, with
      // tables (and possibly metadata) between them, so the walk goes on.
      let next = pos;
      while (next + 1 < bytes.length && !(bytes[next] === 0xff && bytes[next + 1] !== 0x00 && (bytes[next + 1]! < 0xd0 || bytes[next + 1]! > 0xd7))) next++;
      if (next + 1 >= bytes.length) throw bad('the image data has no end marker');
      out.push(bytes.subarray(pos, next));
      pos = next;
    }
  }
  if (orientation !== null && orientation !== 1) {
    const exif = Buffer.concat([EXIF_HEADER, orientationOnlyTiff(orientation)]);
    const segment = Buffer.alloc(4);
    segment.writeUInt16BE(0xffe1, 0);
    segment.writeUInt16BE(exif.length + 2, 2);
    out.splice(orientationAt, 0, segment, exif);
  }
  return Buffer.concat(out);
}

const PNG_METADATA = new Set(['tEXt', 'zTXt', 'iTXt', 'tIME', 'eXIf']);

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

function stripPng(bytes: Buffer): Buffer {
  const bad = (why: string) => new MalformedImageError('PNG', why);
  const out: Buffer[] = [bytes.subarray(0, 8)];
  for (let pos = 8; ; ) {
    if (pos + 12 > bytes.length) throw bad('ends before IEND');
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (end > bytes.length) throw bad(`chunk ${JSON.stringify(type)} at byte ${pos} runs past the end`);
    if (type === 'eXIf') {
      const orientation = readOrientation(bytes.subarray(pos + 8, pos + 8 + length));
      if (orientation !== null && orientation !== 1) out.push(pngChunk('eXIf', orientationOnlyTiff(orientation)));
    } else if (!PNG_METADATA.has(type)) {
      out.push(bytes.subarray(pos, end));
    }
    pos = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(out);
}

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function stripWebp(bytes: Buffer): Buffer {
  const bad = (why: string) => new MalformedImageError('WebP', why);
  const riffEnd = 8 + bytes.readUInt32LE(4);
  if (riffEnd > bytes.length || riffEnd < 12) throw bad('its RIFF size does not match the file');
  const chunks: { fourcc: string; whole: Buffer; data: Buffer }[] = [];
  for (let pos = 12; pos < riffEnd; ) {
    if (pos + 8 > riffEnd) throw bad(`a chunk header at byte ${pos} runs past the end`);
    const fourcc = bytes.toString('latin1', pos, pos + 4);
    const size = bytes.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2);
    if (pos + 8 + size > riffEnd) throw bad(`chunk ${JSON.stringify(fourcc)} at byte ${pos} runs past the end`);
    chunks.push({ fourcc, whole: bytes.subarray(pos, Math.min(end, riffEnd)), data: bytes.subarray(pos + 8, pos + 8 + size) });
    pos = end;
  }
  const exif = chunks.find((c) => c.fourcc === 'EXIF');
  const orientation = exif ? readOrientation(exif.data) : null;
  const keepOrientation = orientation !== null && orientation !== 1;
  const out: Buffer[] = [];
  for (const c of chunks) {
    if (c.fourcc === 'XMP ') continue;
    if (c.fourcc === 'EXIF') {
      if (keepOrientation && orientation !== null) out.push(riffChunk('EXIF', orientationOnlyTiff(orientation)));
      continue;
    }
    if (c.fourcc === 'VP8X' && c.data.length >= 10) {
      const data = Buffer.from(c.data);
      data[0] = (data[0]! & ~(VP8X_EXIF | VP8X_XMP)) | (keepOrientation ? VP8X_EXIF : 0);
      out.push(riffChunk('VP8X', data));
      continue;
    }
    out.push(c.whole);
  }
  const body = Buffer.concat(out);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** Application blocks that change how a GIF shows (looping, colour profile); every other one is someone's metadata (XMP). */
const GIF_KEPT_APPLICATIONS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0', 'ICCRGBG1012']);

function stripGif(bytes: Buffer): Buffer {
  const bad = (why: string) => new MalformedImageError('GIF', why);
  if (bytes.length < 13) throw bad('too short for its header');
  const tableSize = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  /** The end of the data sub-blocks starting at `pos` (after their zero terminator). */
  const subBlocksEnd = (pos: number) => {
    while (pos < bytes.length && bytes[pos] !== 0) pos += bytes[pos]! + 1;
    if (pos >= bytes.length) throw bad('data runs past the end');
    return pos + 1;
  };
  let pos = 13 + tableSize(bytes[10]!);
  const out: Buffer[] = [bytes.subarray(0, pos)];
  for (;;) {
    if (pos >= bytes.length) throw bad('ends without its trailer');
    const introducer = bytes[pos]!;
    if (introducer === 0x3b) {
      out.push(bytes.subarray(pos, pos + 1));
      break;
    }
    if (introducer === 0x2c) {
      if (pos + 10 > bytes.length) throw bad('an image descriptor runs past the end');
      const end = subBlocksEnd(pos + 10 + tableSize(bytes[pos + 9]!) + 1);
      out.push(bytes.subarray(pos, end));
      pos = end;
      continue;
    }
    if (introducer !== 0x21 || pos + 2 > bytes.length) throw bad(`unknown block 0x${introducer.toString(16)} at byte ${pos}`);
    const label = bytes[pos + 1]!;
    const end = subBlocksEnd(pos + 2);
    const application = label === 0xff && bytes[pos + 2] === 11 ? bytes.toString('latin1', pos + 3, pos + 14) : null;
    const metadata = label === 0xfe || (label === 0xff && (application === null || !GIF_KEPT_APPLICATIONS.has(application)));
    if (!metadata) out.push(bytes.subarray(pos, end));
    pos = end;
  }
  return Buffer.concat(out);
}

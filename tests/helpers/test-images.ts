import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** Small but real images, built byte by byte so the tests depend on no fixture files. */

export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid width×height RGB PNG of one colour. */
export function solidPng(width = 1, height = 1, rgb: [number, number, number] = [220, 40, 40]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A valid baseline JPEG of one grey 1×1 pixel: quantisation table, frame,
 * two one-code Huffman tables and a scan whose only block is "DC 0, end of
 * block" (bits 00, padded with ones: 0x3F).
 */
export function greyJpeg(): Buffer {
  const seg = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCodeTable = (tableClassAndId: number) => [tableClassAndId, 1, ...new Array(15).fill(0), 0];
  return Buffer.from([
    0xff,
    0xd8,
    ...seg(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...seg(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
    ...seg(0xc4, oneCodeTable(0x00)),
    ...seg(0xc4, oneCodeTable(0x10)),
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff,
    0xd9,
  ]);
}

/** A lossless 1×1 WebP (the image feature detectors have long used). */
export const TINY_WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Serialises a FormData exactly as fetch would send it, for app.inject. */
export async function multipartBody(form: FormData): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}

/** What a phone writes into a photo: where, with what, when, and which way up. */
export const PHONE_METADATA = {
  make: 'GridPhone',
  model: 'GP-2026 Pro',
  serial: 'SN-0042-7731',
  when: '2026:06:15 09:41:27',
  /** Zhuzhou, 27.8274° N 113.1340° E, as degrees, minutes and seconds ×100. */
  latitude: [27, 49, 3864],
  longitude: [113, 8, 240],
  /** 6: the phone was held upright, the sensor sideways (rotate 90° clockwise to show). */
  orientation: 6,
  xmpMarker: 'exif:GPSLatitude',
  comment: 'shot by worker 4302 near the market',
} as const;

/**
 * A little-endian EXIF block as a phone writes it: IFD0 with Make, Model,
 * Orientation, DateTime and a pointer to the GPS IFD (latitude, longitude and
 * their N/E references), and an Exif IFD with the body serial number.
 */
export function phoneExif(m: typeof PHONE_METADATA = PHONE_METADATA): Buffer {
  type Entry = { tag: number; type: number; count: number; value: Buffer | number };
  const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');
  const rationals = (parts: readonly number[]) => {
    const b = Buffer.alloc(24);
    [
      [parts[0]!, 1],
      [parts[1]!, 1],
      [parts[2]!, 100],
    ].forEach(([n, d], i) => {
      b.writeUInt32LE(n!, i * 8);
      b.writeUInt32LE(d!, i * 8 + 4);
    });
    return b;
  };
  // Lays out IFDs one after the other from offset 8, values that do not fit in 4 bytes after each IFD.
  const ifds: Entry[][] = [];
  const gpsIfd: Entry[] = [
    { tag: 0x0001, type: 2, count: 2, value: ascii('N') },
    { tag: 0x0002, type: 5, count: 3, value: rationals(m.latitude) },
    { tag: 0x0003, type: 2, count: 2, value: ascii('E') },
    { tag: 0x0004, type: 5, count: 3, value: rationals(m.longitude) },
  ];
  const exifIfd: Entry[] = [{ tag: 0xa431, type: 2, count: m.serial.length + 1, value: ascii(m.serial) }];
  const ifd0: Entry[] = [
    { tag: 0x010f, type: 2, count: m.make.length + 1, value: ascii(m.make) },
    { tag: 0x0110, type: 2, count: m.model.length + 1, value: ascii(m.model) },
    { tag: 0x0112, type: 3, count: 1, value: m.orientation },
    { tag: 0x0132, type: 2, count: m.when.length + 1, value: ascii(m.when) },
    { tag: 0x8769, type: 4, count: 1, value: 0 }, // Exif IFD: offset filled in below
    { tag: 0x8825, type: 4, count: 1, value: 0 }, // GPS IFD: offset filled in below
  ];
  ifds.push(ifd0, exifIfd, gpsIfd);
  const sizeOf = (ifd: Entry[]) => 2 + ifd.length * 12 + 4 + ifd.reduce((n, e) => n + (Buffer.isBuffer(e.value) && e.value.length > 4 ? e.value.length : 0), 0);
  const offsets = [8];
  for (const ifd of ifds.slice(0, -1)) offsets.push(offsets[offsets.length - 1]! + sizeOf(ifd));
  ifd0[4]!.value = offsets[1]!;
  ifd0[5]!.value = offsets[2]!;
  const tiff = Buffer.alloc(offsets[2]! + sizeOf(gpsIfd));
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  ifds.forEach((ifd, i) => {
    const start = offsets[i]!;
    let extra = start + 2 + ifd.length * 12 + 4;
    tiff.writeUInt16LE(ifd.length, start);
    ifd.forEach((e, j) => {
      const at = start + 2 + j * 12;
      tiff.writeUInt16LE(e.tag, at);
      tiff.writeUInt16LE(e.type, at + 2);
      tiff.writeUInt32LE(e.count, at + 4);
      if (typeof e.value === 'number') {
        if (e.type === 3) tiff.writeUInt16LE(e.value, at + 8);
        else tiff.writeUInt32LE(e.value, at + 8);
      } else if (e.value.length <= 4) {
        e.value.copy(tiff, at + 8);
      } else {
        tiff.writeUInt32LE(extra, at + 8);
        e.value.copy(tiff, extra);
        extra += e.value.length;
      }
    });
  });
  return tiff;
}

/** The XMP packet a phone or an editor adds, with the position again. */
export function phoneXmp(m: typeof PHONE_METADATA = PHONE_METADATA): Buffer {
  return Buffer.from(
    `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
      `<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" ${m.xmpMarker}="27,49.644N" exif:GPSLongitude="113,8.04E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`,
    'utf8',
  );
}

const jpegSegment = (marker: number, body: Buffer) => {
  const head = Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  return Buffer.concat([head, body]);
};

/**
 * greyJpeg() as a phone would save it: JFIF, then EXIF (with GPS), XMP, an
 * IPTC block and a comment before the frame.
 */
export function phoneJpeg(): Buffer {
  const grey = greyJpeg();
  const jfif = jpegSegment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), phoneExif()]));
  const xmp = jpegSegment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), phoneXmp()]));
  const iptc = jpegSegment(0xed, Buffer.from(`Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x78\0\x08${PHONE_METADATA.make}`, 'latin1'));
  const comment = jpegSegment(0xfe, Buffer.from(PHONE_METADATA.comment, 'latin1'));
  return Buffer.concat([grey.subarray(0, 2), jfif, exif, xmp, iptc, comment, grey.subarray(2)]);
}

/** solidPng() with a phone's metadata: EXIF in eXIf, XMP in iTXt, a tEXt comment and a tIME stamp. */
export function phonePng(): Buffer {
  const png = solidPng(2, 2);
  const ihdrEnd = 8 + 25;
  return Buffer.concat([
    png.subarray(0, ihdrEnd),
    pngChunk('eXIf', phoneExif()),
    pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), phoneXmp()])),
    pngChunk('tEXt', Buffer.from(`Comment\0${PHONE_METADATA.comment}`, 'latin1')),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 6, 15, 9, 41, 27])),
    png.subarray(ihdrEnd),
  ]);
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** TINY_WEBP in the extended format (VP8X) with EXIF and XMP chunks and their flags set. */
export function phoneWebp(): Buffer {
  const vp8l = TINY_WEBP.subarray(12); // the VP8L chunk of the simple file
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08 | 0x04; // EXIF and XMP present
  // canvas 1×1: width-1 and height-1 as 24-bit numbers, both 0
  const body = Buffer.concat([riffChunk('VP8X', vp8x), vp8l, riffChunk('EXIF', phoneExif()), riffChunk('XMP ', phoneXmp())]);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** A 1×1 GIF with a looping block (kept), a comment and an XMP application block (both metadata). */
export function phoneGif(): Buffer {
  const subBlocks = (data: Buffer) => {
    const out: Buffer[] = [];
    for (let i = 0; i < data.length; i += 255) {
      const part = data.subarray(i, i + 255);
      out.push(Buffer.from([part.length]), part);
    }
    return Buffer.concat([...out, Buffer.from([0])]);
  };
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), // 1×1, global colour table of 2
    Buffer.from([0, 0, 0, 255, 255, 255]),
    Buffer.from([0x21, 0xff, 11]),
    Buffer.from('NETSCAPE2.0', 'latin1'),
    Buffer.from([3, 1, 0, 0, 0]),
    Buffer.from([0x21, 0xfe]),
    subBlocks(Buffer.from(PHONE_METADATA.comment, 'latin1')),
    Buffer.from([0x21, 0xff, 11]),
    Buffer.from('XMP DataXMP', 'latin1'),
    subBlocks(phoneXmp()),
    Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]), // image descriptor, no local table
    Buffer.from([2, 2, 0x44, 0x01, 0]), // LZW minimum code size 2, one sub-block, end
    Buffer.from([0x3b]),
  ]);
}

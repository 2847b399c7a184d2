/**
 * The one EXIF field a stored photo keeps: Orientation (tag 0x0112), which
 * says how a phone held sideways wants its pixels turned. Everything else in
 * EXIF (GPS position, device, serial numbers, times) is dropped on upload
 * (image-metadata.ts); these helpers read the orientation out of a TIFF
 * structure and write a new TIFF structure holding nothing else.
 */

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;
/** JPEG's APP1 and some WebP writers put this before the TIFF header. */
export const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** The Orientation (1–8) in a TIFF structure (optionally after "Exif\0\0"), or null when absent or unreadable. */
export function readOrientation(exif: Uint8Array): number | null {
  const tiff = Buffer.from(exif.buffer, exif.byteOffset, exif.byteLength);
  const start = tiff.subarray(0, 6).equals(EXIF_HEADER) ? 6 : 0;
  if (tiff.length < start + 8) return null;
  const order = tiff.toString('latin1', start, start + 2);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(start + 2) !== 42) return null;
  const ifd = start + u32(start + 4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== TYPE_SHORT || u32(entry + 4) !== 1) return null;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? value : null;
  }
  return null;
}

/** A big-endian TIFF structure with one IFD holding only Orientation (26 bytes). */
export function orientationOnlyTiff(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 right after the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(ORIENTATION_TAG, 10);
  tiff.writeUInt16BE(TYPE_SHORT, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18); // the value, left-justified in the 4-byte field
  tiff.writeUInt32BE(0, 22); // no next IFD
  return tiff;
}

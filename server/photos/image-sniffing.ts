/**
 * Recognises the image formats we accept from their first bytes (magic
 * numbers). The file name and the client's Content-Type are never trusted:
 * both are chosen by whoever uploads, while the bytes are what a browser will
 * actually decode when the photo is served back.
 */

export interface ImageKind {
  mime: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';
  /** Extension of the stored file, so that the photo directory is browsable by humans. */
  ext: 'jpg' | 'png' | 'webp' | 'gif';
}

export const IMAGE_KINDS: readonly ImageKind[] = [
  { mime: 'image/jpeg', ext: 'jpg' },
  { mime: 'image/png', ext: 'png' },
  { mime: 'image/webp', ext: 'webp' },
  { mime: 'image/gif', ext: 'gif' },
];

/** Bytes needed to tell every accepted format apart (WebP's "RIFF....WEBP" is the longest). */
export const SNIFF_BYTES = 12;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The kind of image `head` (the first bytes of a file) starts, or null when it is not one we accept. */
export function sniffImage(head: Uint8Array): ImageKind | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return IMAGE_KINDS[0]!;
  if (head.length >= 8 && PNG_SIGNATURE.every((b, i) => head[i] === b)) return IMAGE_KINDS[1]!;
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return IMAGE_KINDS[2]!;
  if (head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) return IMAGE_KINDS[3]!;
  return null;
}

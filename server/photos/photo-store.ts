import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError } from '../services/domain-error.js';
import { MalformedImageError, stripImageMetadata } from './image-metadata.js';
import { IMAGE_KINDS, sniffImage, SNIFF_BYTES, type ImageKind } from './image-sniffing.js';

/**
 * Incident photos on disk, named by the SHA-256 of their bytes and fanned out
 * by its first two hex digits (`ab/cdef….jpg`), so that no directory grows
 * past a few thousand files and the same photo uploaded twice is stored once.
 *
 * An upload is held in memory (at most `maxBytes`), judged by its content,
 * stripped of its metadata (EXIF with the GPS position, XMP, comments:
 * image-metadata.ts; orientation is kept), then written to a temporary file
 * under `tmp/` inside the photo directory (the same file system, so the
 * rename is atomic), flushed to disk and only then renamed to its final name:
 * after a crash a final name either holds the whole photo or does not exist.
 * Nothing reaches the disk for a file that is not an acceptable image.
 * Metadata of ours (incident, before/after, uploader) is the caller's
 * business, in the `photo` table.
 */
export interface PhotoStoreOptions {
  /** Root directory; created if missing. */
  dir: string;
  /** Largest photo accepted, in bytes. */
  maxBytes: number;
  /**
   * Also keep each photo as uploaded, metadata included, under `originals/`
   * (config GRIDSCOPE_PHOTO_KEEP_ORIGINAL); never served. Off by default:
   * the originals carry the GPS trail that stripping removes.
   */
  keepOriginal?: boolean;
}

/** Where the unstripped originals go, when kept: the same layout, under this folder of the photo directory. */
export const ORIGINALS = 'originals';

export interface StoredPhoto {
  sha256: string;
  mime: ImageKind['mime'];
  bytes: number;
  /** Path relative to the photo directory, e.g. `ab/cdef….png`. */
  path: string;
}

export interface OpenedPhoto {
  stream: Readable;
  mime: ImageKind['mime'];
  bytes: number;
}

export interface PhotoStore {
  readonly dir: string;
  readonly maxBytes: number;
  /** Reads an upload, strips its metadata and stores it; throws a DomainError (payload_too_large, unsupported_media_type, invalid_photo) for anything that is not an acceptable image. */
  save(source: AsyncIterable<Buffer | Uint8Array> & { truncated?: boolean }): Promise<StoredPhoto>;
  /** The stored photo with this hash, or null. */
  open(sha256: string): Promise<OpenedPhoto | null>;
}

export const tooLarge = (maxBytes: number) =>
  new DomainError('payload_too_large', `photo: larger than the limit of ${maxBytes} bytes`, { zh: `照片：超过 ${maxBytes} 字节的上限` });
export const notAnImage = () =>
  new DomainError('unsupported_media_type', 'photo: not a JPEG, PNG, WebP or GIF image (judged by its content, not its name)', {
    zh: '照片：不是 JPEG、PNG、WebP 或 GIF 图片（按内容判断，而非文件名）',
  });
export const invalidPhoto = (why: string) => new DomainError('invalid_photo', `photo: ${why}`);

/** Temporary files older than this are left over from a crash (no upload takes an hour). */
const STALE_TEMP_MS = 3_600_000;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function createPhotoStore(options: PhotoStoreOptions): Promise<PhotoStore> {
  const { dir, maxBytes, keepOriginal = false } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < SNIFF_BYTES) throw new RangeError(`maxBytes must be an integer >= ${SNIFF_BYTES}`);
  const tmpDir = join(dir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  await removeStaleTemps(tmpDir);

  const relativePath = (sha256: string, kind: ImageKind) => join(sha256.slice(0, 2), `${sha256.slice(2)}.${kind.ext}`);

  async function save(source: AsyncIterable<Buffer | Uint8Array> & { truncated?: boolean }): Promise<StoredPhoto> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let kind: ImageKind | null = null;
    try {
      for await (const chunk of source) {
        bytes += chunk.length;
        // Counted as it streams: an oversize upload is refused once it passes
        // the limit, never held whole.
        if (bytes > maxBytes) throw tooLarge(maxBytes);
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (!kind && bytes >= SNIFF_BYTES) {
          kind = sniffImage(Buffer.concat(chunks));
          if (!kind) throw notAnImage();
        }
      }
      // @fastify/multipart marks a stream cut at its own size limit.
      if (source.truncated) throw tooLarge(maxBytes);
    } catch (err) {
      throw translateUploadError(err, maxBytes);
    }
    const original = Buffer.concat(chunks);
    if (!kind) {
      if (bytes === 0) throw invalidPhoto('the file is empty');
      if (!sniffImage(original)) throw notAnImage();
      throw invalidPhoto(`${bytes} bytes is too short to be an image`);
    }
    // Only the stripped bytes are stored under the photo's name and served: its hash is theirs.
    let clean: Buffer;
    try {
      clean = stripImageMetadata(original, kind);
    } catch (err) {
      if (err instanceof MalformedImageError) throw invalidPhoto(err.message);
      throw err;
    }
    const sha256 = createHash('sha256').update(clean).digest('hex');
    const path = relativePath(sha256, kind);
    await writeOnce(path, clean);
    if (keepOriginal && !clean.equals(original)) await writeOnce(join(ORIGINALS, path), original);
    return { sha256, mime: kind.mime, bytes: clean.length, path };
  }

  /**
   * Writes `content` at `path` (relative to the photo directory) unless a file
   * is there already: written to a temporary file, flushed, then renamed, so a
   * final name only ever holds a whole photo.
   */
  async function writeOnce(path: string, content: Buffer): Promise<void> {
    const finalPath = join(dir, path);
    // The same bytes already stored: keep the existing file. Two uploads
    // racing here both rename identical content, which is harmless.
    if (await exists(finalPath)) return;
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    const file = await open(tmpPath, 'wx');
    try {
      await file.write(content);
      await file.sync();
      await file.close();
      await mkdir(dirname(finalPath), { recursive: true });
      await rename(tmpPath, finalPath);
      await syncDirectory(dirname(finalPath));
    } catch (err) {
      await file.close().catch(() => undefined);
      await unlink(tmpPath).catch(() => undefined);
      throw err;
    }
  }

  async function openPhoto(sha256: string): Promise<OpenedPhoto | null> {
    if (!SHA256_HEX.test(sha256)) return null;
    for (const kind of IMAGE_KINDS) {
      const path = join(dir, relativePath(sha256, kind));
      const info = await stat(path).catch(() => null);
      if (info?.isFile()) return { stream: createReadStream(path), mime: kind.mime, bytes: info.size };
    }
    return null;
  }

  return { dir, maxBytes, save, open: openPhoto };
}

/** Errors of the multipart parser about size become our one 413; everything else passes through. */
function translateUploadError(err: unknown, maxBytes: number): unknown {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  return err;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** Makes a rename durable: the new directory entry is on disk, not just the file's bytes. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

async function removeStaleTemps(tmpDir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
  }
}

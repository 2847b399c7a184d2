import { describe, expect, it } from 'vitest';
import { sniffImage, SNIFF_BYTES } from '../../server/photos/image-sniffing.js';
import { greyJpeg, solidPng, TINY_WEBP } from '../helpers/test-images.js';

describe('sniffImage', () => {
  it.each([
    ['PNG', solidPng(), 'image/png', 'png'],
    ['JPEG', greyJpeg(), 'image/jpeg', 'jpg'],
    ['WebP', TINY_WEBP, 'image/webp', 'webp'],
    ['GIF89a', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00', 'latin1'), 'image/gif', 'gif'],
    ['GIF87a', Buffer.from('GIF87a\x01\x00\x01\x00\x00\x00', 'latin1'), 'image/gif', 'gif'],
  ])('recognises %s from its first bytes', (_name, bytes, mime, ext) => {
    expect(sniffImage(bytes.subarray(0, SNIFF_BYTES))).toEqual({ mime, ext });
  });

  it.each([
    ['text', Buffer.from('hello, this is not a picture')],
    ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['SVG (scriptable, so refused)', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n')],
    ['a RIFF that is not WebP (WAV)', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['a PNG signature with one byte wrong', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b, 0, 0, 0, 0])],
    ['empty', Buffer.alloc(0)],
    ['two bytes of JPEG', Buffer.from([0xff, 0xd8])],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffImage(bytes)).toBeNull();
  });
});

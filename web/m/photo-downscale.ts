/** The longest side a report photo keeps: plenty to see a pothole, a fraction of a 12 MP camera file. */
export const PHOTO_LONGEST_SIDE = 1600;
const JPEG_QUALITY = 0.82;

/**
 * A camera photo made small on the phone before it is stored or sent: drawn
 * onto a canvas no larger than PHOTO_LONGEST_SIDE and encoded as JPEG. A
 * canvas holds pixels only, so EXIF (GPS position, phone model, time) does not
 * survive; `createImageBitmap` applies the EXIF orientation first, so the
 * photo stays upright.
 */
export async function downscalePhoto(file: Blob, longest = PHOTO_LONGEST_SIDE): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(bitmap, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', JPEG_QUALITY),
    );
  } finally {
    bitmap.close();
  }
}

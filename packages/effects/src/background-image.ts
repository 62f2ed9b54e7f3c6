import { EffectError } from './errors.js';
import { checkImageSize, IMAGE_LIMITS } from './mask/mode.js';

/**
 * Turns a user's background (ImageBitmap, Blob/File or a same-origin URL) into a validated ImageBitmap.
 * The image stays in the browser: a URL is fetched from its own origin only, nothing is uploaded.
 * Throws EffectError 'invalid_image' or 'image_too_large'.
 */
export async function loadBackgroundImage(image: ImageBitmap | Blob | string): Promise<ImageBitmap> {
  if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) {
    const problem = checkImageSize(null, image.width, image.height);
    if (problem) throw tooLarge(problem, image.width, image.height);
    // A copy, so that the caller keeps ownership of theirs.
    return createImageBitmap(image);
  }
  let blob: Blob;
  if (typeof image === 'string') {
    const url = new URL(image, globalThis.location?.href);
    if (
      globalThis.location &&
      url.origin !== globalThis.location.origin &&
      url.protocol !== 'blob:' &&
      url.protocol !== 'data:'
    ) {
      throw new EffectError('invalid_image', `background images must come from this site, not ${url.origin}`);
    }
    let response: Response;
    try {
      response = await fetch(url, { credentials: 'same-origin' });
    } catch (cause) {
      throw new EffectError('invalid_image', `could not fetch ${image}`, { cause });
    }
    if (!response.ok)
      throw new EffectError('invalid_image', `could not fetch ${image}: HTTP ${response.status}`);
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length) && length > IMAGE_LIMITS.maxBytes) throw tooLarge('too_large_bytes', length);
    blob = await response.blob();
  } else if (image instanceof Blob) {
    blob = image;
  } else {
    throw new EffectError('invalid_image', 'the background must be an ImageBitmap, a Blob or a URL');
  }
  const early = checkImageSize(blob.size, null, null);
  if (early === 'empty') throw new EffectError('invalid_image', 'the image file is empty');
  if (early) throw tooLarge(early, blob.size);
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new EffectError('invalid_image', `not an image: ${blob.type}`);
  }
  let bitmap: ImageBitmap;
  try {
    // NOTE: decoding runs off the main thread in modern browsers; the promise is what we wait for.
    bitmap = await createImageBitmap(blob);
  } catch (cause) {
    throw new EffectError(
      'invalid_image',
      'the file is not an image the browser can decode, or it is corrupt',
      { cause },
    );
  }
  const problem = checkImageSize(null, bitmap.width, bitmap.height);
  if (problem) {
    bitmap.close();
    throw tooLarge(problem, bitmap.width, bitmap.height);
  }
  return bitmap;
}

function tooLarge(problem: string, a: number, b?: number): EffectError {
  if (problem === 'too_large_bytes') {
    return new EffectError(
      'image_too_large',
      `the image is ${(a / 1048576).toFixed(1)} MB; the limit is 20 MB`,
    );
  }
  if (problem === 'empty') return new EffectError('invalid_image', 'the image is empty');
  return new EffectError('image_too_large', `the image is ${a}x${b} pixels; the limit is 8192x8192`);
}

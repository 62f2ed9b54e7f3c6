import { EffectError } from './errors.js';
import { type BackgroundImageSource, checkImageSize, IMAGE_LIMITS, imageProblemError } from './mode.js';

/**
 * Turns a user's background (ImageBitmap, Blob/File or a same-origin URL) into a validated ImageBitmap.
 * The image stays in the browser: a URL is fetched from its own origin only, nothing is uploaded.
 * Throws EffectError 'invalid_image' or 'image_too_large'.
 */
export async function loadBackgroundImage(image: BackgroundImageSource): Promise<ImageBitmap> {
  if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) {
    const problem = checkImageSize(null, image.width, image.height);
    if (problem) throw imageProblemError(problem, { width: image.width, height: image.height });
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
    if (Number.isFinite(length) && length > IMAGE_LIMITS.maxBytes)
      throw imageProblemError('too_large_bytes', { bytes: length });
    blob = await response.blob();
  } else if (image instanceof Blob) {
    blob = image;
  } else {
    throw new EffectError('invalid_image', 'the background must be an ImageBitmap, a Blob or a URL');
  }
  const early = checkImageSize(blob.size, null, null);
  if (early) throw imageProblemError(early, { bytes: blob.size });
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
    throw imageProblemError(problem, { width: bitmap.width, height: bitmap.height });
  }
  return bitmap;
}

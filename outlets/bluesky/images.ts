import { createHash } from 'node:crypto';
import type { Agent, AppBskyEmbedImages } from '@atproto/api';
import { imageSize } from 'image-size';
import { BLUESKY_IMAGE_TYPES, BLUESKY_LIMITS } from '../../contracts/bluesky';
import type { Issue } from '../../contracts/issues';

/** An image as the media store hands it over: its bytes, type and size, and its alt text. */
export interface ImageInput {
  mime: string;
  size: number;
  bytes: Uint8Array;
  alt: string;
}

/**
 * A checked image as the payload keeps it: by its content address (`sha256:<hex>`, the media
 * store's id), never its bytes, with the aspect ratio Bluesky lays it out by.
 */
export interface PostImage {
  mediaId: string;
  mime: string;
  size: number;
  alt: string;
  aspectRatio: { width: number; height: number };
}

/** Hands over an image's bytes by its content address when the post is created. */
export interface MediaReader {
  read(mediaId: string): Promise<Uint8Array>;
}

export function mediaIdOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export type ImagesResult = { ok: true; images: PostImage[] } | { ok: false; issues: Issue[] };

const DETECTED_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/**
 * Checks images against Bluesky's rules: at most four, alt text on each, a type the apps show
 * and that matches the bytes, at most 1,000,000 bytes (larger ones are refused, not resized).
 * Every problem of every image is reported at once.
 */
export function checkImages(images: readonly ImageInput[]): ImagesResult {
  const issues: Issue[] = [];
  if (images.length > BLUESKY_LIMITS.images) {
    issues.push({
      path: 'images',
      code: 'TOO_MANY_IMAGES',
      message: `A Bluesky post takes at most ${BLUESKY_LIMITS.images} images; this one has ${images.length}.`,
    });
  }
  const checked = images.map((image, index) => checkImage(image, `images.${index}`, issues));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, images: checked.filter((image) => image !== undefined) };
}

function checkImage(image: ImageInput, path: string, issues: Issue[]): PostImage | undefined {
  const mediaId = mediaIdOf(image.bytes);
  const name = `${path} (${mediaId.slice(0, 19)}…)`;
  const before = issues.length;
  if (image.alt.trim() === '') {
    issues.push({
      path: `${path}.alt`,
      code: 'MISSING_ALT_TEXT',
      message: `Image ${name} has no alt text; Bluesky posts need a description of every image.`,
    });
  }
  if (image.size !== image.bytes.byteLength) {
    issues.push({
      path,
      code: 'INVALID_IMAGE',
      message: `Image ${name} is said to be ${image.size} bytes but is ${image.bytes.byteLength}.`,
    });
  } else if (image.size > BLUESKY_LIMITS.imageBytes) {
    issues.push({
      path,
      code: 'IMAGE_TOO_LARGE',
      message: `Image ${name} is ${image.size} bytes; Bluesky takes at most ${BLUESKY_LIMITS.imageBytes}. Use a smaller image.`,
    });
  }
  if (!(BLUESKY_IMAGE_TYPES as readonly string[]).includes(image.mime)) {
    issues.push({
      path,
      code: 'UNSUPPORTED_IMAGE_TYPE',
      message: `Image ${name} is ${image.mime}; Bluesky takes ${BLUESKY_IMAGE_TYPES.join(', ')}.`,
    });
    return undefined;
  }
  const dimensions = readDimensions(image.bytes);
  if (dimensions === undefined || dimensions.mime !== image.mime) {
    issues.push({
      path,
      code: 'INVALID_IMAGE',
      message: `Image ${name} is not a readable ${image.mime} file.`,
    });
    return undefined;
  }
  if (issues.length > before) return undefined;
  const { width, height } = dimensions;
  return {
    mediaId,
    mime: image.mime,
    size: image.size,
    alt: image.alt,
    aspectRatio: { width, height },
  };
}

/** Width and height as displayed: EXIF orientations 5–8 turn the picture a quarter. */
function readDimensions(
  bytes: Uint8Array,
): { mime: string; width: number; height: number } | undefined {
  try {
    const size = imageSize(bytes);
    const mime = size.type === undefined ? undefined : DETECTED_TYPES[size.type];
    if (mime === undefined || !(size.width > 0) || !(size.height > 0)) return undefined;
    const turned = size.orientation !== undefined && size.orientation >= 5;
    return turned
      ? { mime, width: size.height, height: size.width }
      : { mime, width: size.width, height: size.height };
  } catch {
    return undefined;
  }
}

/**
 * Uploads the images and returns the embed. Uploads are content-addressed, so re-uploading on
 * a retry stores nothing twice.
 */
export async function uploadImages(
  agent: Agent,
  images: readonly PostImage[],
  media: MediaReader,
  signal: () => AbortSignal,
): Promise<AppBskyEmbedImages.Main | undefined> {
  if (images.length === 0) return undefined;
  const embedded: AppBskyEmbedImages.Image[] = [];
  for (const image of images) {
    const bytes = await media.read(image.mediaId);
    // Content-addressed: bytes that no longer match would publish something never approved.
    if (mediaIdOf(bytes) !== image.mediaId) {
      throw new MediaChanged(`image ${image.mediaId} no longer has the approved content`);
    }
    const { data } = await agent.com.atproto.repo.uploadBlob(bytes, {
      encoding: image.mime,
      signal: signal(),
    });
    embedded.push({ image: data.blob, alt: image.alt, aspectRatio: image.aspectRatio });
  }
  return { $type: 'app.bsky.embed.images', images: embedded };
}

export class MediaChanged extends Error {
  override name = 'MediaChanged';
}

import type { Frontmatter, Outlet } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import {
  MAX_ALT_TEXT_CHARS,
  MEDIA_ID_PATTERN,
  MEDIA_URL_PREFIX,
  OUTLET_MEDIA_LIMITS,
  type PostMedia,
} from '../contracts/media';

/** An image as the Markdown wrote it; `line` is 1-based in the body. */
export interface FoundImage {
  alt: string;
  url: string;
  line: number | undefined;
}

type MediaResult = { ok: true; media: PostMedia | undefined } | { ok: false; issues: Issue[] };

/**
 * What a post carries besides its text: the body's images (`![alt](media:sha256:…)`, in order)
 * or the frontmatter's `document`. Every image needs an uploaded id and alt text; a document
 * cannot be combined with images. All problems come back at once, each naming its image.
 * Whether the ids are stored, and the outlet's size limits, are checked against the store
 * (media/references.ts).
 */
export function postMedia(
  images: readonly FoundImage[],
  document: Frontmatter['document'],
  outlet: Outlet,
): MediaResult {
  const issues: Issue[] = [];
  const attached: { id: string; alt: string }[] = [];
  images.forEach((image, index) => {
    const label = `Image ${index + 1}${image.alt ? ` ("${short(image.alt)}")` : ''}`;
    const at = image.line === undefined ? {} : { line: image.line };
    const id = mediaId(image.url);
    if (id === undefined) {
      issues.push({
        path: 'body',
        code: 'IMAGE_NOT_UPLOADED',
        message: notUploaded(label, image.url),
        ...at,
      });
    } else if (!MEDIA_ID_PATTERN.test(id)) {
      issues.push({
        path: 'body',
        code: 'INVALID_MEDIA_ID',
        message: `${label} refers to ${JSON.stringify(image.url)}: a media reference is media:sha256: and 64 hex digits, as POST /v1/media answered.`,
        ...at,
      });
    }
    if (image.alt === '') {
      issues.push({
        path: 'body',
        code: 'IMAGE_ALT_MISSING',
        message: `${label} (${short(image.url)}) has no alt text: describe the image between the brackets, ![what it shows](…).`,
        ...at,
      });
    } else if (image.alt.length > MAX_ALT_TEXT_CHARS) {
      issues.push({
        path: 'body',
        code: 'IMAGE_ALT_TOO_LONG',
        message: `${label} has ${image.alt.length} characters of alt text; the limit is ${MAX_ALT_TEXT_CHARS}.`,
        ...at,
      });
    }
    if (id !== undefined) attached.push({ id, alt: image.alt });
  });
  const maxImages = OUTLET_MEDIA_LIMITS[outlet]?.maxImages ?? 0;
  if (images.length > maxImages) {
    issues.push({
      path: 'body',
      code: 'TOO_MANY_IMAGES',
      message: `The body has ${images.length} images; ${outlet} takes at most ${maxImages} in one post.`,
    });
  }
  if (document && images.length > 0) {
    issues.push({
      path: 'document',
      code: 'DOCUMENT_WITH_IMAGES',
      message: `A post with a document cannot also carry images: remove the ${images.length} image(s) from the body or the document from the frontmatter.`,
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  if (document)
    return { ok: true, media: { kind: 'document', id: document.media, title: document.title } };
  return {
    ok: true,
    media: attached.length > 0 ? { kind: 'images', images: attached } : undefined,
  };
}

/** The id a `media:` URL names; undefined for anything else (a file path, a web address). */
function mediaId(url: string): string | undefined {
  return url.startsWith(MEDIA_URL_PREFIX) ? url.slice(MEDIA_URL_PREFIX.length) : undefined;
}

function notUploaded(label: string, url: string): string {
  const where = /^[a-z][a-z0-9+.-]*:/i.test(url)
    ? `points at ${JSON.stringify(short(url))}, which LinkedIn cannot show from there`
    : `refers to the file ${JSON.stringify(short(url))}, which Stargue cannot read`;
  return `${label} ${where}: upload the file with POST /v1/media and write ![alt text](media:sha256:…) with the id it answers.`;
}

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

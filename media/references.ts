import type { Outlet, RenderedContent } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { isImageType, OUTLET_MEDIA_LIMITS, type MediaView } from '../contracts/media';
import type { Db } from '../platform/db/client';
import { findMediaMany } from './store';

/**
 * The media each outlet's rendering refers to must be stored, of the right kind (an image where
 * an image goes, a PDF as a document) and within that outlet's limits. Every problem is an issue
 * naming the image (its position and alt text) or the document, so it is fixed before approval,
 * never found at publishing time.
 */
export async function checkMediaReferences(
  db: Db,
  rendered: Partial<Record<Outlet, RenderedContent>>,
): Promise<Issue[]> {
  const ids = Object.values(rendered).flatMap((r) => {
    if (!r?.media) return [];
    return r.media.kind === 'images' ? r.media.images.map((i) => i.id) : [r.media.id];
  });
  if (ids.length === 0) return [];
  const stored = await findMediaMany(db, ids);
  const issues: Issue[] = [];
  for (const [outlet, r] of Object.entries(rendered)) {
    if (!r?.media) continue;
    const limits = OUTLET_MEDIA_LIMITS[outlet];
    if (r.media.kind === 'images') {
      r.media.images.forEach((image, index) => {
        const label = `image ${index + 1} ("${short(image.alt)}", ${image.id})`;
        const media = stored.get(image.id);
        const problem = !media
          ? notFound(label)
          : !isImageType(media.type)
            ? wrongType(label, media, 'an image (PNG, JPEG or GIF)')
            : imageOverLimit(label, media, outlet, limits);
        if (problem) issues.push({ path: 'body', ...problem });
      });
    } else {
      const label = `the document ${r.media.id}`;
      const media = stored.get(r.media.id);
      const problem = !media
        ? notFound(label)
        : media.type !== 'application/pdf'
          ? wrongType(label, media, 'a PDF')
          : documentOverLimit(label, media, outlet, limits);
      if (problem) issues.push({ path: 'document.media', ...problem });
    }
  }
  return dedupe(issues);
}

type Problem = Omit<Issue, 'path'>;

function notFound(label: string): Problem {
  return {
    code: 'MEDIA_NOT_FOUND',
    message: `${capitalize(label)} is not stored: upload the file with POST /v1/media and use the id it answers.`,
  };
}

function wrongType(label: string, media: MediaView, wanted: string): Problem {
  return {
    code: 'MEDIA_WRONG_TYPE',
    message: `${capitalize(label)} is ${media.type}; it must be ${wanted} here.`,
  };
}

function imageOverLimit(
  label: string,
  media: MediaView,
  outlet: string,
  limits: (typeof OUTLET_MEDIA_LIMITS)[string] | undefined,
): Problem | undefined {
  if (!limits) return tooLarge(`${outlet} takes no images`, label);
  if (media.bytes > limits.imageBytes) {
    return tooLarge(`${outlet} takes images up to ${limits.imageBytes} bytes`, label);
  }
  const pixels = (media.width ?? 0) * (media.height ?? 0);
  if (pixels >= limits.imagePixels) {
    return tooLarge(`${outlet} takes images under ${limits.imagePixels} pixels`, label);
  }
  if ((media.frames ?? 1) > limits.gifFrames) {
    return tooLarge(`${outlet} takes GIFs of up to ${limits.gifFrames} frames`, label);
  }
  return undefined;
}

function documentOverLimit(
  label: string,
  media: MediaView,
  outlet: string,
  limits: (typeof OUTLET_MEDIA_LIMITS)[string] | undefined,
): Problem | undefined {
  if (!limits || limits.documentBytes === 0) return tooLarge(`${outlet} takes no documents`, label);
  if (media.bytes > limits.documentBytes) {
    return tooLarge(`${outlet} takes documents up to ${limits.documentBytes} bytes`, label);
  }
  if ((media.pages ?? 0) > limits.documentPages) {
    return tooLarge(`${outlet} takes documents of up to ${limits.documentPages} pages`, label);
  }
  return undefined;
}

function tooLarge(rule: string, label: string): Problem {
  return { code: 'MEDIA_TOO_LARGE', message: `${capitalize(label)} cannot be posted: ${rule}.` };
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.message) && seen.add(i.message));
}

import { imageSize } from 'image-size';
import { OUTLET_MEDIA_LIMITS, type MediaType } from '../contracts/media';
import { gifFrameCount } from './gif';
import { isPdf, pdfPageCount } from './pdf';

/** What the bytes are, read from the bytes alone (a declared Content-Type is not trusted). */
export interface MediaFacts {
  type: MediaType;
  bytes: number;
  width?: number;
  height?: number;
  frames?: number;
  pages?: number;
}

export type MediaProblemCode =
  | 'MEDIA_EMPTY'
  | 'MEDIA_UNSUPPORTED_TYPE'
  | 'MEDIA_DAMAGED'
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_TOO_MANY_PIXELS'
  | 'MEDIA_TOO_MANY_FRAMES'
  | 'MEDIA_TOO_MANY_PAGES';

export type Inspection =
  { ok: true; facts: MediaFacts } | { ok: false; code: MediaProblemCode; message: string };

/**
 * The most any outlet accepts of each kind: the store keeps what at least one outlet can post,
 * and each content item is then checked against its own outlets' limits (references.ts).
 */
function widestLimits() {
  const all = Object.values(OUTLET_MEDIA_LIMITS);
  const max = (pick: (l: (typeof all)[number]) => number) => Math.max(0, ...all.map(pick));
  return {
    imageBytes: max((l) => l.imageBytes),
    imagePixels: max((l) => l.imagePixels),
    gifFrames: max((l) => l.gifFrames),
    documentBytes: max((l) => l.documentBytes),
    documentPages: max((l) => l.documentPages),
  };
}

/**
 * Identifies PNG, JPEG, GIF and PDF by their signatures and checks size, pixel count, GIF frames
 * and PDF pages (where cheap to count) against what outlets accept and `maxBytes` (the store's
 * own ceiling). One pass over the bytes at most.
 */
export function inspectMedia(data: Uint8Array, maxBytes: number): Inspection {
  if (data.length === 0) return problem('MEDIA_EMPTY', 'The file is empty.');
  const type = sniffType(data);
  if (!type) {
    return problem(
      'MEDIA_UNSUPPORTED_TYPE',
      'The file is not a PNG, JPEG or GIF image or a PDF document (checked by its bytes, not its name or Content-Type).',
    );
  }
  const limits = widestLimits();
  const isDocument = type === 'application/pdf';
  const ceiling = Math.min(maxBytes, isDocument ? limits.documentBytes : limits.imageBytes);
  if (data.length > ceiling) {
    return problem(
      'MEDIA_TOO_LARGE',
      `The ${isDocument ? 'document' : 'image'} is ${data.length} bytes; the limit is ${ceiling} bytes.`,
    );
  }
  return isDocument ? inspectPdf(data, limits.documentPages) : inspectImage(data, type, limits);
}

function inspectImage(
  data: Uint8Array,
  type: MediaType,
  limits: ReturnType<typeof widestLimits>,
): Inspection {
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(data));
  } catch {
    return problem('MEDIA_DAMAGED', 'The image is damaged: its size cannot be read.');
  }
  if (!(width > 0 && height > 0)) {
    return problem('MEDIA_DAMAGED', 'The image is damaged: it has no width or height.');
  }
  if (width * height >= limits.imagePixels) {
    return problem(
      'MEDIA_TOO_MANY_PIXELS',
      `The image is ${width} × ${height} = ${width * height} pixels; it must have fewer than ${limits.imagePixels}.`,
    );
  }
  const facts: MediaFacts = { type, bytes: data.length, width, height };
  if (type !== 'image/gif') return { ok: true, facts };
  const frames = gifFrameCount(data);
  if (frames === undefined) {
    return problem('MEDIA_DAMAGED', 'The GIF is damaged: its frames cannot be read.');
  }
  if (frames > limits.gifFrames) {
    return problem(
      'MEDIA_TOO_MANY_FRAMES',
      `The GIF has ${frames} frames; the limit is ${limits.gifFrames}.`,
    );
  }
  return { ok: true, facts: { ...facts, frames } };
}

function inspectPdf(data: Uint8Array, maxPages: number): Inspection {
  const pages = pdfPageCount(data);
  if (pages !== undefined && pages > maxPages) {
    return problem(
      'MEDIA_TOO_MANY_PAGES',
      `The document has ${pages} pages; the limit is ${maxPages}.`,
    );
  }
  return {
    ok: true,
    facts: { type: 'application/pdf', bytes: data.length, ...(pages ? { pages } : {}) },
  };
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffType(data: Uint8Array): MediaType | undefined {
  const starts = (signature: number[]) => signature.every((byte, i) => data[i] === byte);
  if (starts(PNG)) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  // "GIF87a" or "GIF89a"
  if (
    starts([0x47, 0x49, 0x46, 0x38]) &&
    (data[4] === 0x37 || data[4] === 0x39) &&
    data[5] === 0x61
  )
    return 'image/gif';
  return isPdf(data) ? 'application/pdf' : undefined;
}

function problem(code: MediaProblemCode, message: string): Inspection {
  return { ok: false, code, message };
}

import { z } from 'zod';

// Pure data and Zod schemas only: the API, content validation, the publish activity and the
// review page share these facts about media.

/** A stored media item's id: `sha256:` and the hex SHA-256 of its bytes. */
export const MEDIA_ID_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const MediaIdSchema = z
  .string()
  .regex(MEDIA_ID_PATTERN, 'must be `sha256:` and 64 hex digits, the id POST /v1/media returned')
  .meta({ example: `sha256:${'3f'.repeat(32)}` });
export type MediaId = z.infer<typeof MediaIdSchema>;

/** How Markdown refers to a stored media item: `![alt text](media:sha256:…)`. */
export const MEDIA_URL_PREFIX = 'media:';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif'] as const;
export const DOCUMENT_TYPES = ['application/pdf'] as const;
export const MEDIA_TYPES = [...IMAGE_TYPES, ...DOCUMENT_TYPES] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
export const MediaTypeSchema = z.enum(MEDIA_TYPES);

export function isImageType(type: string): boolean {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

const MiB = 1024 * 1024;

/** What an outlet accepts in one post. Outlets without media support have no entry. */
export interface OutletMediaLimits {
  /** Images in one post (one → a single image, more → a gallery). */
  maxImages: number;
  imageBytes: number;
  /** width × height must stay below this. */
  imagePixels: number;
  gifFrames: number;
  /** 0 when the outlet takes no documents. */
  documentBytes: number;
  documentPages: number;
}

/**
 * LinkedIn (LINKEDIN.md §6): JPG, PNG, GIF up to 250 frames and under 36,152,320 pixels; 2–20
 * images in a multi-image post; PDF up to 100 MB and 300 pages. LinkedIn's byte ceiling for
 * images is unconfirmed (5–8 MB reported): 5 MiB keeps refusals at upload, not at publishing.
 */
export const OUTLET_MEDIA_LIMITS: Readonly<Record<string, OutletMediaLimits>> = {
  linkedin: {
    maxImages: 20,
    imageBytes: 5 * MiB,
    imagePixels: 36_152_320,
    gifFrames: 250,
    documentBytes: 100 * MiB,
    documentPages: 300,
  },
  // BLUESKY.md: up to 4 images of at most 1,000,000 bytes each; no documents.
  bluesky: {
    maxImages: 4,
    imageBytes: 1_000_000,
    imagePixels: 36_152_320,
    gifFrames: 250,
    documentBytes: 0,
    documentPages: 0,
  },
};

/** Alt texts and document titles are ours to bound; LinkedIn's own limits are unconfirmed. */
export const MAX_ALT_TEXT_CHARS = 1000;
export const MAX_DOCUMENT_TITLE_CHARS = 400;

/** What a post carries besides its text, as stored with the rendered content. */
export const PostMediaSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('images'),
    images: z.array(z.object({ id: MediaIdSchema, alt: z.string() })).min(1),
  }),
  z.object({ kind: z.literal('document'), id: MediaIdSchema, title: z.string() }),
]);
export type PostMedia = z.infer<typeof PostMediaSchema>;

/** `POST /v1/media` and `GET /v1/media/:id` answer this. */
export const MediaViewSchema = z
  .object({
    id: MediaIdSchema,
    type: MediaTypeSchema,
    bytes: z.number().int().positive(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    frames: z.number().int().positive().optional().describe('GIF frames'),
    pages: z.number().int().positive().optional().describe('PDF pages, where cheap to count'),
  })
  .meta({ id: 'Media' });
export type MediaView = z.infer<typeof MediaViewSchema>;

export const MediaParamsSchema = z.object({ id: MediaIdSchema });

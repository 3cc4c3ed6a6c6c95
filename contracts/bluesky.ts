// Bluesky's limits and identifier formats, defined once for the outlet, the API and the review
// page. Pure data: workflow code may import it.

/** The `app.bsky.feed.post` lexicon's text limits, and the embed and facet limits we rely on. */
export const BLUESKY_LIMITS = {
  /** Text length in grapheme clusters (what a reader sees as characters). */
  graphemes: 300,
  /** Text length in UTF-8 bytes. */
  bytes: 3000,
  /** Images in one `app.bsky.embed.images` embed. */
  images: 4,
  /** Bytes of one image blob. */
  imageBytes: 1_000_000,
  /** A `#tag` facet's tag, in graphemes, without the `#`. */
  tagGraphemes: 64,
  /** A `#tag` facet's tag, in UTF-8 bytes. */
  tagBytes: 640,
} as const;

/** Image types Bluesky's apps display. */
export const BLUESKY_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

export const BLUESKY_POST_COLLECTION = 'app.bsky.feed.post';

/**
 * A record key for a post: a TID, 13 characters of base32-sortable (`234567a-z`), the first one
 * at most `j` (the top bit is zero). Generated once per publication, before the first create.
 */
export const BLUESKY_RECORD_KEY_PATTERN = /^[234567a-j][234567a-z]{12}$/;

/** The public address of a post (the app resolves a DID as well as a handle). */
export function blueskyPostUrl(atUri: string): string {
  const match = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(atUri);
  if (!match) return atUri;
  return `https://bsky.app/profile/${match[1]}/post/${match[2]}`;
}

// LinkedIn "little text" (the `commentary` of a post). Every literal reserved character must be
// escaped with a backslash: an unescaped one that does not start a valid element makes LinkedIn
// silently cut the post there.

/** Characters little text reserves for its elements; each literal one is written `\c`. */
export const RESERVED_CHARACTERS = '\\|{}@[]()<>#*_~';

const RESERVED = /[\\|{}@[\]()<>#*_~]/g;

// `#` + letters, marks and digits, with at least one letter (so "#1" stays text). `_` is
// reserved, so it ends the tag; the lookbehind keeps "C#dev", "page#anchor", "a/#x" and "#a#b"
// from becoming tags.
const HASHTAG =
  /(?<![\p{L}\p{M}\p{N}_/#}\\])#((?=[\p{L}\p{M}\p{N}]*\p{L})[\p{L}\p{N}][\p{L}\p{M}\p{N}]*)/gu;

/** Escapes every reserved character, backslash included, in one pass. */
export function escapeLittleText(text: string): string {
  return text.replace(RESERVED, '\\$&');
}

/** A hashtag element in the form LinkedIn itself returns. */
export function hashtagElement(word: string): string {
  return `{hashtag|\\#|${word}}`;
}

/**
 * Encodes prose: `#word` becomes a hashtag element, everything else is escaped. `before` is the
 * text already written in front of it, so a tag is only recognised at a word boundary.
 * Mentions are never produced from text: `@name` is written `\@name`.
 */
export function encodeProse(text: string, before = ''): string {
  let encoded = '';
  let last = 0;
  for (const tag of findHashtags(text, before)) {
    encoded += escapeLittleText(text.slice(last, tag.start)) + hashtagElement(tag.tag);
    last = tag.end;
  }
  return encoded + escapeLittleText(text.slice(last));
}

/**
 * The `#tags` of a piece of prose, by the one rule every outlet shares: UTF-16 ranges in `text`
 * (the `#` included) and the tag without its `#`. `before` as for {@link encodeProse}.
 */
export function findHashtags(
  text: string,
  before = '',
): { start: number; end: number; tag: string }[] {
  const previous = lastCharacter(before);
  const found: { start: number; end: number; tag: string }[] = [];
  for (const match of (previous + text).matchAll(HASHTAG)) {
    const start = match.index - previous.length;
    if (start < 0) continue;
    found.push({ start, end: start + match[0].length, tag: match[1] ?? '' });
  }
  return found;
}

/** The last code point, so an astral letter before a `#` is not split into a lone surrogate. */
export function lastCharacter(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xdc00 && last <= 0xdfff && text.length >= 2 ? text.slice(-2) : text.slice(-1);
}

/**
 * The length an outlet counts: UTF-16 code units of the encoded text (JavaScript's
 * `String#length`), escapes and hashtag elements included. LinkedIn does not document its unit;
 * this is the stricter reading: an emoji outside the BMP counts 2, a ZWJ sequence counts every
 * code unit, and text is NFC-normalized before counting so NFD input does not count more.
 */
export function countOutletLength(encoded: string): number {
  return encoded.length;
}

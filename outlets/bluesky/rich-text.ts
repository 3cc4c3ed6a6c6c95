// Plain text plus facets from the Markdown tree. The shared renderer (content/markdown-text.ts)
// builds strings, so each facet travels through it as marks around its visible text:
// U+FDD0 <index> U+FDD1 text U+FDD2. They are Unicode noncharacters, removed from the author's
// text first, and no step of the renderer or of `tidy` removes or reorders them; once the text is
// final, the marks are taken out and their positions become UTF-8 byte offsets.
import { BLUESKY_LIMITS } from '../../contracts/bluesky';
import { findHashtags, lastCharacter } from '../../content/little-text';
import type { TextWriter } from '../../content/markdown-text';
import { clean } from '../../content/sanitize';
import { utf8Length } from '../../content/text-checks';

export type FacetFeature =
  | { kind: 'link'; uri: string }
  | { kind: 'tag'; tag: string }
  /** A mention by handle (lowercase); its DID is resolved at validation time. */
  | { kind: 'mention'; handle: string };

/** A facet before mentions are resolved: UTF-8 byte range of the text, end exclusive. */
export interface DraftFacet {
  byteStart: number;
  byteEnd: number;
  feature: FacetFeature;
}

const OPEN = '\uFDD0';
const SEPARATOR = '\uFDD1';
const CLOSE = '\uFDD2';
const NONCHARACTERS = /[\uFDD0-\uFDEF]/g;
const MARK = /\uFDD0(\d+)\uFDD1|\uFDD2/g;

// `@` + a handle (a domain name: two or more labels, the last starting with a letter), not
// inside a word or an address; a trailing dot ends the sentence, not the handle.
const MENTION =
  /(?<![\p{L}\p{M}\p{N}_@./\\])@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)(?![\p{L}\p{M}\p{N}_-]|\.[a-z0-9])/giu;
const MAX_HANDLE_LENGTH = 253;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

/**
 * A writer that collects facets: `#tags` and `@handle` mentions in prose, links with their
 * visible words. Literal text (code, URLs written out) carries no facet.
 */
export function facetWriter(features: FacetFeature[]): TextWriter {
  const mark = marker(features);
  return {
    prose: (text, before) => markProse(cleanPiece(text), before, mark),
    literal: (text) => cleanPiece(text),
    link(text, url) {
      const uri = linkUri(url);
      if (uri === undefined) return undefined;
      // Trailing spaces inside a link would survive `tidy` at a line end.
      const visible = cleanPiece(text).trim();
      return mark(visible === '' ? cleanPiece(url) : visible, { kind: 'link', uri });
    },
  };
}

/** Text written as is (`sanitize: false`): only tags and mentions, no Markdown, no links. */
export function markPlainText(text: string, features: FacetFeature[]): string {
  return markProse(text.replace(NONCHARACTERS, ''), '', marker(features));
}

/** Takes the marks out of the final text: the plain text and its facets in byte offsets. */
export function extractFacets(
  marked: string,
  features: readonly FacetFeature[],
): { text: string; facets: DraftFacet[] } {
  let text = '';
  let bytes = 0;
  let last = 0;
  const open: { index: number; byteStart: number }[] = [];
  const facets: DraftFacet[] = [];
  for (const match of marked.matchAll(MARK)) {
    const piece = marked.slice(last, match.index);
    text += piece;
    bytes += utf8Length(piece);
    last = match.index + match[0].length;
    if (match[1] !== undefined) {
      open.push({ index: Number(match[1]), byteStart: bytes });
      continue;
    }
    const opened = open.pop();
    const feature = opened === undefined ? undefined : features[opened.index];
    if (opened && feature && bytes > opened.byteStart) {
      facets.push({ byteStart: opened.byteStart, byteEnd: bytes, feature });
    }
  }
  text += marked.slice(last);
  facets.sort((a, b) => a.byteStart - b.byteStart);
  return { text, facets };
}

function cleanPiece(text: string): string {
  return clean(text).replace(NONCHARACTERS, '');
}

type Mark = (visible: string, feature: FacetFeature) => string;

function marker(features: FacetFeature[]): Mark {
  return (visible, feature) => {
    const index = features.push(feature) - 1;
    return `${OPEN}${index}${SEPARATOR}${visible}${CLOSE}`;
  };
}

function markProse(text: string, before: string, mark: Mark): string {
  const tags = findHashtags(text, before)
    .filter((tag) => fitsTagLimits(tag.tag))
    .map((tag) => ({ ...tag, feature: { kind: 'tag' as const, tag: tag.tag } }));
  const found = [...tags, ...findMentions(text, before)].sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const item of found) {
    if (item.start < last) continue;
    out += text.slice(last, item.start) + mark(text.slice(item.start, item.end), item.feature);
    last = item.end;
  }
  return out + text.slice(last);
}

function findMentions(
  text: string,
  before: string,
): { start: number; end: number; feature: FacetFeature }[] {
  const previous = lastCharacter(before);
  const found: { start: number; end: number; feature: FacetFeature }[] = [];
  for (const match of (previous + text).matchAll(MENTION)) {
    const start = match.index - previous.length;
    const handle = (match[1] ?? '').toLowerCase();
    if (start < 0 || handle.length > MAX_HANDLE_LENGTH) continue;
    found.push({ start, end: start + match[0].length, feature: { kind: 'mention', handle } });
  }
  return found;
}

// A longer tag is left as text: Bluesky would refuse the whole post for it.
function fitsTagLimits(tag: string): boolean {
  return (
    countGraphemes(tag) <= BLUESKY_LIMITS.tagGraphemes && utf8Length(tag) <= BLUESKY_LIMITS.tagBytes
  );
}

/** Web and mail addresses become link facets; relative links have no address to point at. */
function linkUri(url: string): string | undefined {
  const trimmed = url.trim();
  if (!URL.canParse(trimmed)) return undefined;
  const protocol = new URL(trimmed).protocol;
  return protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:'
    ? trimmed
    : undefined;
}

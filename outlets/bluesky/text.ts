import { BLUESKY_LIMITS } from '../../contracts/bluesky';
import type { Issue } from '../../contracts/issues';
import { MAX_MARKDOWN_FACTOR, renderMarkdownGuarded, tidy } from '../../content/sanitize';
import type { FoundImage } from '../../content/media';
import { findEncodingIssues, normalizeNewlines, utf8Length } from '../../content/text-checks';
import {
  countGraphemes,
  extractFacets,
  facetWriter,
  markPlainText,
  type DraftFacet,
  type FacetFeature,
} from './rich-text';

/** A post's text as Bluesky receives it, its facets (mentions not yet resolved) and its size. */
export interface BlueskyText {
  text: string;
  facets: DraftFacet[];
  graphemes: number;
  bytes: number;
  /** The Markdown's images (`![alt](media:sha256:…)`), attached to the post, not in its text. */
  images: FoundImage[];
}

export type BlueskyTextResult =
  { ok: true; rendered: BlueskyText } | { ok: false; issues: Issue[] };

/**
 * Renders a body for Bluesky. Pure: the same body always gives the same text and facets, which
 * are the preview and the payload alike. With `sanitize` the body is Markdown, rendered by the
 * shared renderer (content/markdown-text.ts) with links kept as their visible words plus a link
 * facet; `#tags` and `@handle` mentions in prose become facets. Without it the body is posted as
 * written, with tag and mention facets only. Too long is an issue with the measured length,
 * never a truncation.
 */
export function renderBlueskyText(body: string, options: { sanitize: boolean }): BlueskyTextResult {
  const encodingIssues = findEncodingIssues(body, 'body');
  if (encodingIssues.length > 0) return { ok: false, issues: encodingIssues };
  // NFC first, as for LinkedIn: in NFD a ">" + U+0338 at a line start would open a blockquote.
  const source = normalizeNewlines(body).normalize('NFC');

  const features: FacetFeature[] = [];
  const images: FoundImage[] = [];
  let marked: string;
  if (options.sanitize) {
    const maxSource = BLUESKY_LIMITS.bytes * MAX_MARKDOWN_FACTOR;
    const writer = facetWriter(features);
    const rendered = renderMarkdownGuarded(source, maxSource, {
      ...writer,
      image: ({ alt, url, line }) => {
        images.push({ alt: writer.literal(alt).replace(/\s+/g, ' ').trim(), url, line });
        return '';
      },
    });
    if (!rendered.ok) return rendered;
    marked = tidy(rendered.text.normalize('NFC'));
  } else {
    marked = markPlainText(source.trim(), features);
  }
  const { text, facets } = extractFacets(marked, features);

  if (text === '') return fail('EMPTY_BODY', 'The body is empty once rendered as plain text.');
  const measured = { graphemes: countGraphemes(text), bytes: utf8Length(text) };
  if (measured.graphemes > BLUESKY_LIMITS.graphemes || measured.bytes > BLUESKY_LIMITS.bytes) {
    return fail(
      'TOO_LONG',
      `The text for bluesky is ${measured.graphemes} characters (graphemes) and ${measured.bytes} UTF-8 bytes; the limit is ${BLUESKY_LIMITS.graphemes} characters and ${BLUESKY_LIMITS.bytes} bytes. Shorten the body (nothing is cut automatically).`,
    );
  }
  return { ok: true, rendered: { text, facets, ...measured, images } };
}

function fail(code: 'EMPTY_BODY' | 'TOO_LONG', message: string) {
  return { ok: false as const, issues: [{ path: 'body', code, message }] };
}

import { createHash } from 'node:crypto';
import {
  OUTLET_LIMITS,
  type Frontmatter,
  type Outlet,
  type RenderedContent,
} from '../contracts/content';
import type { Issue } from '../contracts/issues';
import type { PostMedia } from '../contracts/media';
import { countOutletLength, encodeProse, escapeLittleText } from './little-text';
import { markdownComplexityIssue } from './markdown-guard';
import { markdownToText, type TextWriter } from './markdown-text';
import { postMedia, type FoundImage } from './media';
import {
  findEncodingIssues,
  normalizeNewlines,
  positionAt,
  replaceLoneSurrogates,
} from './text-checks';

export type RenderOptions = {
  sanitize: boolean;
  outlet: Outlet;
  /** The frontmatter's PDF document, posted with the text. */
  document?: Frontmatter['document'];
};
/** `warnings` are problems that do not stop the item (see `invisibleCharacterWarning`). */
export type RenderResult =
  { ok: true; rendered: RenderedContent; warnings: Issue[] } | { ok: false; issues: Issue[] };

/** Markdown longer than this many times the outlet limit is refused before parsing. */
export const MAX_MARKDOWN_FACTOR = 4;

// Removed when sanitizing: C0 controls except tab and newline, DEL and C1 controls; zero-width
// space, word joiner and invisible operators, BOM / zero-width no-break space, Mongolian vowel
// separator; bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can
// reorder the text around them. Kept: ZWJ and ZWNJ (emoji sequences, Indic and Persian
// spelling), LRM / RLM / ALM (the marks mixed-direction text legitimately uses), variation
// selectors and tag characters (flag emoji).
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u180E\u200B\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * Turns a body into the exact text the outlet receives. With `sanitize` the body is Markdown,
 * rendered to plain text and cleaned of invisible characters; without it the body is posted as
 * written. Either way it is NFC-normalized, encoded as LinkedIn little text (reserved characters
 * escaped, `#tags` as hashtag elements), and must be non-empty and within the outlet's limit:
 * too long is an error, never a truncation.
 */
export function renderForOutlet(body: string, options: RenderOptions): RenderResult {
  const encodingIssues = findEncodingIssues(body, 'body');
  if (encodingIssues.length > 0) return { ok: false, issues: encodingIssues };
  const limit = OUTLET_LIMITS[options.outlet];
  // NFC first: in NFD, "≯" is ">" + U+0338, and a ">" at a line start would open a blockquote.
  const source = normalizeNewlines(body).normalize('NFC');

  let encoded: string;
  const warnings: Issue[] = [];
  // Images are only read from Markdown; a body posted as written keeps `![…](…)` as text.
  const images: FoundImage[] = [];
  if (options.sanitize) {
    const rendered = renderMarkdownGuarded(source, limit * MAX_MARKDOWN_FACTOR, {
      prose: (text, before) => encodeProse(clean(text), before),
      literal: (text) => escapeLittleText(clean(text)),
      // An image is attached to the post, not written into its text.
      image: ({ alt, url, line }) => {
        images.push({ alt: clean(alt).replace(/\s+/g, ' ').trim(), url, line });
        return '';
      },
    });
    if (!rendered.ok) return rendered;
    encoded = tidy(rendered.text);
  } else {
    encoded = encodeProse(source.trim());
    const warning = invisibleCharacterWarning(normalizeNewlines(body));
    if (warning) warnings.push(warning);
  }
  encoded = normalizeEncoded(encoded);

  // Warnings ride along with an error too, so the author sees everything in one answer.
  const refuse = (refusal: { ok: false; issues: Issue[] }) => ({
    ok: false as const,
    issues: [...refusal.issues, ...warnings],
  });
  const attached = postMedia(images, options.document, options.outlet);
  if (!attached.ok) return refuse(attached);
  const { media } = attached;
  // Media need words too: an empty text would leave a lost create nothing to be recognised by
  // (read-back and LinkedIn's duplicate answer both go by the text).
  if (encoded === '') {
    return refuse(
      fail(
        'EMPTY_BODY',
        media
          ? 'The body has no text besides its media; add a line for the post.'
          : 'The body is empty once rendered as plain text.',
      ),
    );
  }
  const length = countOutletLength(encoded);
  if (length > limit) {
    return refuse(
      fail(
        'TOO_LONG',
        `The text for ${options.outlet} is ${length} characters; the limit is ${limit}. Shorten the body (nothing is cut automatically).`,
      ),
    );
  }
  return {
    ok: true,
    rendered: {
      text: encoded,
      length,
      contentHash: renderedHash(encoded, media),
      ...(media ? { media } : {}),
    },
    warnings,
  };
}

/**
 * What an approval binds to. Text alone hashes as before media existed; with media, the ids
 * (hashes of the bytes), alt texts and title are hashed too, so changing a picture, its alt text
 * or the document's title needs a new approval.
 */
function renderedHash(text: string, media: PostMedia | undefined): string {
  const hash = createHash('sha256').update(text, 'utf8');
  if (media) hash.update('\u0000media\u0000').update(JSON.stringify(media), 'utf8');
  return hash.digest('hex');
}

/**
 * With `sanitize: false` the body is posted as written, so the characters sanitizing would
 * remove reach readers: bidi overrides and isolates can make text read differently from how
 * it is stored ("Trojan Source"), zero-width characters can hide words or split hashtags. Not
 * an error (the author may mean it), but worth a warning, with a count and the first position.
 */
export function invisibleCharacterWarning(text: string): Issue | undefined {
  const found = [...text.matchAll(INVISIBLE)];
  const first = found[0];
  if (first === undefined) return undefined;
  const { line, column } = positionAt(text, first.index);
  const code = `U+${(first[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    path: 'body',
    code: 'INVISIBLE_CHARACTERS',
    severity: 'warning',
    message: `The body contains ${found.length} invisible or bidirectional control character(s), the first (${code}) at line ${line}, column ${column}. With sanitize: false they are posted as written and can hide or reorder text; remove them, or set sanitize: true to drop them.`,
    line,
    column,
  };
}

/**
 * Renders Markdown with an outlet's writer, refusing bodies over `maxSource` characters and
 * bodies too deeply nested, as issues rather than crashes.
 */
export function renderMarkdownGuarded(
  markdown: string,
  maxSource: number,
  writer: TextWriter,
): { ok: true; text: string } | { ok: false; issues: Issue[] } {
  if (markdown.length > maxSource) {
    return fail(
      'BODY_TOO_LARGE',
      `The Markdown body is ${markdown.length} characters; bodies over ${maxSource} (${MAX_MARKDOWN_FACTOR} × the outlet limit) are not rendered.`,
    );
  }
  const complexity = markdownComplexityIssue(markdown);
  if (complexity !== undefined) return { ok: false, issues: [complexity] };
  try {
    return { ok: true, text: markdownToText(markdown, writer) };
  } catch (error) {
    // Deep nesting the guard did not foresee ends in a stack overflow: an answer, not a crash.
    if (!(error instanceof RangeError)) throw error;
    return fail('BODY_TOO_COMPLEX', 'The body is nested too deeply to render.');
  }
}

/**
 * NFC over the joined text, since a piece may start with a combining mark. NFC never creates a
 * reserved character, but it composes an escaped `<` or `>` with a following U+0338 into ≮ / ≯,
 * which are not reserved: the escape in front of them is dropped (an odd run of backslashes
 * ends in that escape; an even run is escaped backslashes).
 */
function normalizeEncoded(encoded: string): string {
  return encoded.normalize('NFC').replace(/(?<!\\)((?:\\\\)*)\\([\u226E\u226F])/g, '$1$2');
}

/** Sanitizing clean-up of one piece of text, before it is encoded. */
export function clean(text: string): string {
  return replaceLoneSurrogates(text)
    .replace(/\t/g, ' ')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '')
    .normalize('NFC');
}

/** No trailing whitespace, at most one blank line in a row, no blank lines at either end. */
export function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd();
}

function fail(
  code: 'EMPTY_BODY' | 'TOO_LONG' | 'BODY_TOO_LARGE' | 'BODY_TOO_COMPLEX',
  message: string,
) {
  return { ok: false as const, issues: [{ path: 'body', code, message }] };
}

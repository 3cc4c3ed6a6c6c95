import type { Issue } from '../contracts/issues';

// The Markdown parser (micromark) recurses once per nesting level, and some of its work grows
// faster than the text: every setext underline re-walks all events parsed so far and container
// exits splice into the whole event list (12,000 characters of `a\n=\n` take ~1.3 s of CPU, of
// `- - - - - - a\n` ~2 s). Other constructs are linear but dear: a list item, heading or link
// costs what a hundred characters of prose cost, an inline tag or autolink what ten do. So a
// linear scan counts that structure first and refuses a body with more of it than its length
// explains. Within these allowances validation costs at most a few times what a prose body of
// the same length costs (test/content/cost.test.ts measures it); real posts are far below them.

/** Nesting of blockquotes and list items a line may open. */
const MAX_CONTAINER_DEPTH = 6;
/** Emphasis, strikethrough, link and code markers in one block (lines up to a blank line). */
const MAX_INLINE_MARKERS = 200;
/** Setext underlines (`===` or `---` under a line): each costs as much as everything before it. */
const MAX_SETEXT_UNDERLINES = 20;

/**
 * Allowances that grow with the body: every body may use `base` (so a short post with a list
 * is never refused), a longer one one per `perChars` characters.
 */
const ALLOWANCES = {
  /** Lines, blank ones included. */
  lines: { base: 150, perChars: 25 },
  /**
   * List and quote markers (each nesting level), lines continuing a list item or quote,
   * headings, table rows, link and footnote definitions, inline links.
   */
  blocks: { base: 60, perChars: 60 },
  /** Inline HTML, character references, autolinks (`<`, `&`, `@`, `www.`, `://`). */
  inline: { base: 100, perChars: 15 },
} as const;

const CONTAINER_MARKER = /^[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;
const INLINE_MARKERS = /[*_~[\]`]/g;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const HEADING_OR_DEFINITION = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|\[)/;
const INLINE_LINK = /\]\(/g;
const INLINE_NODE = /[<&@]|www\.|:\/\//g;

/** Returns an issue when the body is too deeply nested or too dense in structure to parse safely. */
export function markdownComplexityIssue(markdown: string): Issue | undefined {
  const length = markdown.length;
  const limit = (rule: keyof typeof ALLOWANCES) =>
    Math.max(ALLOWANCES[rule].base, Math.floor(length / ALLOWANCES[rule].perChars));
  const lines = markdown.split('\n');
  if (lines.length > limit('lines')) {
    return complexity(
      limit('lines') + 1,
      `The body has ${lines.length} lines; a body of ${length} characters may have at most ${limit('lines')}. Join short lines.`,
    );
  }
  let markers = 0;
  let blocks = 0;
  let inline = 0;
  let setext = 0;
  let inContainer = false;
  let previousBlank = true;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') {
      markers = 0;
      previousBlank = true;
      continue;
    }
    const depth = containerDepth(line);
    if (depth > MAX_CONTAINER_DEPTH) {
      return complexity(
        index + 1,
        `The body nests more than ${MAX_CONTAINER_DEPTH} quotes or list levels on one line.`,
      );
    }
    if (!previousBlank && SETEXT_UNDERLINE.test(line) && ++setext > MAX_SETEXT_UNDERLINES) {
      return complexity(
        index + 1,
        `The body underlines more than ${MAX_SETEXT_UNDERLINES} lines with === or ---; use # headings, or a blank line before ---.`,
      );
    }
    // A line without markers still belongs to an open list item or quote when it follows one
    // directly (lazy continuation) or is indented under it after blank lines.
    inContainer = depth > 0 || (inContainer && (!previousBlank || /^[ \t]/.test(line)));
    blocks += Math.max(depth, inContainer ? 1 : 0) + blocksWithin(line);
    if (blocks > limit('blocks')) {
      return complexity(
        index + 1,
        `The body has more list items, quoted lines, headings, table rows and links than a body of ${length} characters may have (${limit('blocks')}); use fewer, longer ones.`,
      );
    }
    inline += count(line, INLINE_NODE);
    if (inline > limit('inline')) {
      return complexity(
        index + 1,
        `The body has more HTML tags, &-entities, e-mail addresses and web addresses than a body of ${length} characters may have (${limit('inline')}).`,
      );
    }
    markers += count(line, INLINE_MARKERS);
    if (markers > MAX_INLINE_MARKERS) {
      return complexity(
        index + 1,
        `The body has more than ${MAX_INLINE_MARKERS} of * _ ~ [ ] \` in one paragraph; use fewer or add blank lines.`,
      );
    }
    previousBlank = false;
  }
  return undefined;
}

/** Headings, table rows, definitions and inline links on a line. */
function blocksWithin(line: string): number {
  return (
    (HEADING_OR_DEFINITION.test(line) ? 1 : 0) +
    (line.includes('|') ? 1 : 0) +
    count(line, INLINE_LINK)
  );
}

function count(line: string, pattern: RegExp): number {
  return line.match(pattern)?.length ?? 0;
}

function containerDepth(line: string): number {
  let depth = 0;
  let rest = line;
  let match = CONTAINER_MARKER.exec(rest);
  while (match !== null && depth <= MAX_CONTAINER_DEPTH) {
    depth++;
    rest = rest.slice(match[0].length);
    match = CONTAINER_MARKER.exec(rest);
  }
  return depth;
}

function complexity(line: number, message: string): Issue {
  return { path: 'body', code: 'BODY_TOO_COMPLEX', message, line };
}

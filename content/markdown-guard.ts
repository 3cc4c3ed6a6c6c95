import type { Issue } from '../contracts/issues';

// The Markdown parser (micromark) recurses once per nesting level and is quadratic on some
// inputs: a 12,000-character run of `**_ ` takes seconds, 5,000 nested `>` overflow the stack.
// Real posts are nowhere near these limits, so such bodies are refused before parsing.

/** Nesting of blockquotes and list items a line may open. */
const MAX_CONTAINER_DEPTH = 6;
/** Emphasis, strikethrough, link and code markers in one block (lines up to a blank line). */
const MAX_INLINE_MARKERS = 200;

const CONTAINER_MARKER = /^[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;
const INLINE_MARKERS = /[*_~[\]`]/g;

/** Returns an issue when the body is too deeply nested or too dense in markers to parse safely. */
export function markdownComplexityIssue(markdown: string): Issue | undefined {
  let markers = 0;
  const lines = markdown.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') {
      markers = 0;
      continue;
    }
    if (containerDepth(line) > MAX_CONTAINER_DEPTH) {
      return complexity(
        index,
        `The body nests more than ${MAX_CONTAINER_DEPTH} quotes or list levels on one line.`,
      );
    }
    markers += line.match(INLINE_MARKERS)?.length ?? 0;
    if (markers > MAX_INLINE_MARKERS) {
      return complexity(
        index,
        `The body has more than ${MAX_INLINE_MARKERS} of * _ ~ [ ] \` in one paragraph; use fewer or add blank lines.`,
      );
    }
  }
  return undefined;
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

function complexity(lineIndex: number, message: string): Issue {
  return {
    path: 'body',
    code: 'BODY_TOO_COMPLEX',
    message,
    line: lineIndex + 1,
  };
}

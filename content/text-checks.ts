import type { ContentIssueCode } from '../contracts/content';
import type { Issue } from '../contracts/issues';

/** CRLF and lone CR become LF, so line numbers and output agree whatever the author's editor. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export type Position = { line: number; column: number };

/** 1-based line and column (in UTF-16 code units, as JavaScript and the YAML parser count). */
export function positionAt(text: string, index: number): Position {
  return positionsIn(text)(index);
}

/**
 * Positions of many offsets in one text: the line starts are found once and each offset is
 * placed by binary search, so reporting thousands of problems stays linear in the text.
 */
export function positionsIn(text: string): (index: number) => Position {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return (index) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: index - (starts[low] ?? 0) + 1 };
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * NUL (Postgres `text` cannot store it) and lone surrogates (not Unicode text at all) make the
 * input unusable, so they are errors rather than something to clean up. One issue per kind,
 * with the count and the first position, keeps the answer small for hostile input.
 */
export function findEncodingIssues(text: string, path: string): Issue[] {
  const nuls: number[] = [];
  for (let at = text.indexOf('\0'); at !== -1; at = text.indexOf('\0', at + 1)) nuls.push(at);
  const surrogates = [...text.matchAll(LONE_SURROGATE)].map((match) => match.index);
  return [
    encodingIssue(text, path, 'NUL_CHARACTER', 'NUL characters (U+0000)', nuls),
    encodingIssue(text, path, 'LONE_SURROGATE', 'lone surrogates (invalid UTF-16)', surrogates),
  ].filter((issue) => issue !== undefined);
}

function encodingIssue(
  text: string,
  path: string,
  code: ContentIssueCode,
  what: string,
  indexes: number[],
): Issue | undefined {
  const first = indexes[0];
  if (first === undefined) return undefined;
  const { line, column } = positionAt(text, first);
  const message = `The text contains ${what}: ${indexes.length} found, the first at line ${line}, column ${column}.`;
  return { path, code, message, line, column };
}

export function replaceLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** User text safe to echo in a message: control characters escaped, at most 64 characters. */
export function printable(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > 64 ? `${escaped.slice(0, 64)}…` : escaped;
}

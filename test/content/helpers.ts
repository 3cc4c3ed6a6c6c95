import assert from 'node:assert/strict';
import type { Issue } from '../../contracts/issues';
import { RESERVED_CHARACTERS } from '../../content/little-text';
import { parseContent } from '../../content/parse';
import { renderForOutlet, type RenderResult } from '../../content/sanitize';

export const VALID_FRONTMATTER = [
  'status: ready',
  'language: en',
  'outlets: [linkedin]',
  'version: 1',
];

/** A document: `---`, the frontmatter lines, `---`, the body. */
export function doc(frontmatter: string[] = VALID_FRONTMATTER, body = 'Hello world'): string {
  return ['---', ...frontmatter, '---', body].join('\n');
}

export function parseIssues(markdown: string): Issue[] {
  const result = parseContent(markdown);
  if (result.ok) assert.fail(`expected issues, got ${JSON.stringify(result.item)}`);
  assert.ok(result.issues.length > 0);
  return result.issues;
}

export function parsed(markdown: string) {
  const result = parseContent(markdown);
  if (!result.ok) assert.fail(`expected success, got ${JSON.stringify(result.issues)}`);
  return result.item;
}

export function issueWith(issues: Issue[], code: string, path?: string): Issue {
  const found = issues.find((i) => i.code === code && (path === undefined || i.path === path));
  if (found === undefined) {
    assert.fail(`no ${code} issue${path ? ` at ${path}` : ''} in ${JSON.stringify(issues)}`);
  }
  return found;
}

export function render(body: string, sanitize = true): string {
  const result = renderForOutlet(body, { sanitize, outlet: 'linkedin' });
  if (!result.ok) assert.fail(`expected text, got ${JSON.stringify(result.issues)}`);
  return result.rendered.text;
}

export function renderIssues(body: string, sanitize = true): Issue[] {
  const result: RenderResult = renderForOutlet(body, { sanitize, outlet: 'linkedin' });
  if (result.ok) assert.fail(`expected issues, got ${JSON.stringify(result.rendered.text)}`);
  return result.issues;
}

const HASHTAG_ELEMENT = /\{hashtag\|\\#\|[\p{L}\p{M}\p{N}]+\}/uy;

/**
 * Walks encoded little text and returns the index of the first reserved character that is
 * neither escaped nor part of a hashtag element (or of a backslash escaping nothing reserved).
 */
export function firstUnescapedReserved(text: string): number | undefined {
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (char === '\\') {
      if (!RESERVED_CHARACTERS.includes(text[index + 1] ?? 'end')) return index;
      index += 2;
    } else if (char === '{') {
      HASHTAG_ELEMENT.lastIndex = index;
      const element = HASHTAG_ELEMENT.exec(text);
      if (element === null) return index;
      index += element[0].length;
    } else if (RESERVED_CHARACTERS.includes(char)) {
      return index;
    } else {
      index += 1;
    }
  }
  return undefined;
}

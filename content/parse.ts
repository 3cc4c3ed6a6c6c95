import type { ContentItem } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { validateFrontmatter } from './frontmatter';
import { listIssues } from './issue-list';
import { splitFrontmatter } from './split';
import { findEncodingIssues, normalizeNewlines, utf8Length } from './text-checks';
import { parseFrontmatterYaml } from './yaml';

/** Largest document accepted, in UTF-8 bytes (the API's 1 MiB body limit is for the request). */
export const MAX_DOCUMENT_BYTES = 256 * 1024;

export type ParseResult = { ok: true; item: ContentItem } | { ok: false; issues: Issue[] };

/**
 * Reads a Markdown document with YAML frontmatter into a validated content item. Never throws
 * and never evaluates anything. Size and encoding problems are reported on their own (the text
 * is not read further); otherwise every frontmatter problem is reported at once, up to
 * `MAX_LISTED_ISSUES` of them.
 */
export function parseContent(markdown: string): ParseResult {
  const size = utf8Length(markdown);
  if (size > MAX_DOCUMENT_BYTES) {
    const message = `The document is ${size} bytes; the limit is ${MAX_DOCUMENT_BYTES}.`;
    return { ok: false, issues: [{ path: 'document', code: 'DOCUMENT_TOO_LARGE', message }] };
  }
  const text = normalizeNewlines(markdown.replace(/^\uFEFF/, ''));
  const encodingIssues = findEncodingIssues(text, 'document');
  if (encodingIssues.length > 0) return { ok: false, issues: encodingIssues };

  const split = splitFrontmatter(text);
  if (!split.ok) return split;
  const yaml = parseFrontmatterYaml(split.frontmatter);
  if (!yaml.ok) return { ok: false, issues: listIssues(yaml.issues) };
  const validated = validateFrontmatter(yaml.data, yaml.locate);
  const issues = [...yaml.issues, ...(validated.ok ? [] : validated.issues)];
  if (!validated.ok || issues.length > 0) return { ok: false, issues: listIssues(issues) };
  return { ok: true, item: { frontmatter: validated.frontmatter, body: split.body } };
}

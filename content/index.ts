import type { ContentItem, Outlet, RenderedContent } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { parseContent } from './parse';
import { renderForOutlet } from './sanitize';

export { OUTLET_LIMITS } from '../contracts/content';
export { countOutletLength } from './little-text';
export { parseContent, type ParseResult } from './parse';
export { renderForOutlet, type RenderOptions, type RenderResult } from './sanitize';
export { titleFromText } from './title';

export type PrepareResult =
  | { ok: true; item: ContentItem; rendered: Partial<Record<Outlet, RenderedContent>> }
  | { ok: false; issues: Issue[] };

/**
 * Parses a document and renders it for every outlet its frontmatter lists, drafts included (so
 * they can be previewed). All problems of all outlets come back together; body issue lines are
 * lines of the whole document.
 */
export function prepareContent(markdown: string): PrepareResult {
  const parsed = parseContent(markdown);
  if (!parsed.ok) return parsed;
  const { item } = parsed;
  const bodyLineOffset = lineCount(markdown) - lineCount(item.body);
  const rendered: Partial<Record<Outlet, RenderedContent>> = {};
  const issues: Issue[] = [];
  for (const outlet of item.frontmatter.outlets) {
    const result = renderForOutlet(item.body, {
      sanitize: item.frontmatter.sanitize,
      outlet,
      document: item.frontmatter.document,
    });
    if (result.ok) rendered[outlet] = result.rendered;
    else {
      issues.push(
        ...result.issues.map((issue) =>
          issue.line === undefined ? issue : { ...issue, line: issue.line + bodyLineOffset },
        ),
      );
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, item, rendered };
}

// Counted the way the parser splits lines (CRLF or lone CR is one line break).
function lineCount(text: string): number {
  return text.split(/\r\n?|\n/).length;
}

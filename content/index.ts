import type { ContentItem, Outlet, RenderedContent } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { listIssues } from './issue-list';
import { parseContent } from './parse';
import { renderForOutlet } from './sanitize';

export { OUTLET_LIMITS } from '../contracts/content';
export { MAX_LISTED_ISSUES } from './issue-list';
export { countOutletLength } from './little-text';
export { parseContent, type ParseResult } from './parse';
export { renderForOutlet, type RenderOptions, type RenderResult } from './sanitize';
export { titleFromText } from './title';

export type PrepareResult =
  | {
      ok: true;
      item: ContentItem;
      rendered: Partial<Record<Outlet, RenderedContent>>;
      /** Problems that do not stop the item (`severity: 'warning'`), e.g. invisible characters. */
      warnings: Issue[];
    }
  | { ok: false; issues: Issue[] };

/**
 * Parses a document and renders it for every outlet its frontmatter lists, drafts included (so
 * they can be previewed). All problems of all outlets come back together, errors first and at
 * most `MAX_LISTED_ISSUES` of them listed; body issue lines are lines of the whole document.
 */
export function prepareContent(markdown: string): PrepareResult {
  const parsed = parseContent(markdown);
  if (!parsed.ok) return parsed;
  const { item } = parsed;
  const bodyLineOffset = lineCount(markdown) - lineCount(item.body);
  const inDocument = (issue: Issue): Issue =>
    issue.line === undefined ? issue : { ...issue, line: issue.line + bodyLineOffset };
  const rendered: Partial<Record<Outlet, RenderedContent>> = {};
  const issues: Issue[] = [];
  const warnings = new Map<string, Issue>();
  for (const outlet of item.frontmatter.outlets) {
    const result = renderForOutlet(item.body, {
      sanitize: item.frontmatter.sanitize,
      outlet,
      document: item.frontmatter.document,
    });
    if (result.ok) {
      rendered[outlet] = result.rendered;
      // The same body gives every outlet the same warnings: list each once.
      for (const warning of result.warnings) warnings.set(warning.message, inDocument(warning));
    } else {
      for (const issue of result.issues) {
        if (issue.severity === 'warning') warnings.set(issue.message, inDocument(issue));
        else issues.push(inDocument(issue));
      }
    }
  }
  if (issues.length > 0)
    return { ok: false, issues: listIssues([...issues, ...warnings.values()]) };
  return { ok: true, item, rendered, warnings: listIssues([...warnings.values()]) };
}

// Counted the way the parser splits lines (CRLF or lone CR is one line break).
function lineCount(text: string): number {
  return text.split(/\r\n?|\n/).length;
}

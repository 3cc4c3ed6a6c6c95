import { createHash } from 'node:crypto';
import {
  outletsOfEntries,
  type ContentItem,
  type Outlet,
  type RenderedContent,
} from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { renderBlueskyText } from '../outlets/bluesky/text';
import { listIssues } from './issue-list';
import { postMedia } from './media';
import { parseContent } from './parse';
import { renderForOutlet, type RenderResult } from './sanitize';

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
  // Channels of one outlet get the same text; what differs per channel (Bluesky's mentions,
  // resolved at its service) is added at submission (publishing/targets.ts).
  for (const outlet of outletsOfEntries(item.frontmatter.outlets)) {
    const result =
      outlet === 'bluesky'
        ? renderForBluesky(item)
        : renderForOutlet(item.body, {
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

/**
 * Bluesky's text with its draft facets, measured in graphemes and bytes, and its images. Bluesky
 * takes no documents, so a `document` is an issue rather than silently left out.
 */
function renderForBluesky(item: ContentItem): RenderResult {
  const text = renderBlueskyText(item.body, { sanitize: item.frontmatter.sanitize });
  if (!text.ok) return text;
  const { rendered } = text;
  const issues: Issue[] = [];
  if (item.frontmatter.document) {
    issues.push({
      path: 'document',
      code: 'INVALID_VALUE',
      message:
        'Bluesky takes no documents: list only LinkedIn channels for a post with a document, or attach images instead.',
    });
  }
  const media = postMedia(rendered.images, undefined, 'bluesky');
  if (!media.ok) issues.push(...media.issues);
  if (issues.length > 0 || !media.ok) return { ok: false, issues };
  const draft = { text: rendered.text, facets: rendered.facets, media: media.media };
  return {
    ok: true,
    rendered: {
      text: rendered.text,
      length: rendered.graphemes,
      contentHash: createHash('sha256').update(JSON.stringify(draft), 'utf8').digest('hex'),
      ...(media.media ? { media: media.media } : {}),
    },
    warnings: [],
  };
}

// Counted the way the parser splits lines (CRLF or lone CR is one line break).
function lineCount(text: string): number {
  return text.split(/\r\n?|\n/).length;
}

import type { ContentIssueCode } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { printable } from './text-checks';

export type SplitResult =
  { ok: true; frontmatter: string; body: string } | { ok: false; issues: Issue[] };

const YAML_LANGUAGES = ['', 'yaml', 'yml'];

/**
 * Splits `---` YAML frontmatter from the Markdown body. The text must already have LF newlines.
 * The returned frontmatter starts with the newline that ends the opening `---` line, so YAML
 * line numbers are line numbers in the document. Only text is cut here: nothing is parsed or
 * evaluated (front-matter libraries pick an engine from the opening line, `---js` included,
 * and gray-matter's comment-stripping regex is quadratic on whitespace-only lines).
 */
export function splitFrontmatter(markdown: string): SplitResult {
  const firstLine = markdown.split('\n', 1)[0] ?? '';
  if (!firstLine.startsWith('---') || firstLine.startsWith('----')) {
    return fail({
      code: 'MISSING_FRONTMATTER',
      message: 'The document must start with a "---" line that opens the YAML frontmatter.',
      line: 1,
    });
  }
  const language = firstLine.slice(3).trim();
  if (!YAML_LANGUAGES.includes(language.toLowerCase())) {
    return fail({
      code: 'UNSUPPORTED_FRONTMATTER_LANGUAGE',
      message: `Frontmatter must be YAML; "---${language}" asks for another language, which is never evaluated.`,
      line: 1,
      column: 4,
    });
  }
  // The frontmatter ends at the first line starting with "---"; that line must be exactly
  // "---", or text after it would silently move into the body.
  const close = markdown.indexOf('\n---', firstLine.length);
  if (close === -1) {
    return fail({
      code: 'UNTERMINATED_FRONTMATTER',
      message: 'The frontmatter opened on line 1 is never closed by a "---" line.',
      line: 1,
    });
  }
  const closingLine = markdown.slice(close + 1).split('\n', 1)[0] ?? '';
  if (closingLine.trimEnd() !== '---') {
    return fail({
      code: 'UNTERMINATED_FRONTMATTER',
      message: `The frontmatter must be closed by a line holding only "---", not "${printable(closingLine)}".`,
      line: markdown.slice(0, close + 1).split('\n').length,
    });
  }
  // `---yaml` is cut after its language word, a plain `---` (trailing spaces included) right
  // after the dashes; the body starts after the closing line's line break.
  const frontmatterStart = language === '' ? 3 : firstLine.length;
  const body = markdown.slice(close + 4).replace(/^\n/, '');
  return { ok: true, frontmatter: markdown.slice(frontmatterStart, close), body };
}

function fail(issue: Omit<Issue, 'path' | 'code'> & { code: ContentIssueCode }): SplitResult {
  return { ok: false, issues: [{ path: 'frontmatter', ...issue }] };
}

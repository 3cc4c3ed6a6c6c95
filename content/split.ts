import matter from 'gray-matter';
import type { ContentIssueCode } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { printable } from './text-checks';

export type SplitResult =
  { ok: true; frontmatter: string; body: string } | { ok: false; issues: Issue[] };

const YAML_LANGUAGES = ['', 'yaml', 'yml'];

function refuse(): never {
  throw new Error('frontmatter engines other than YAML are disabled');
}

// gray-matter's defaults include `javascript` (eval) and `coffee` engines chosen by the
// `---js` / `---coffee` opening line. Every built-in engine is replaced: YAML is only captured
// as text (parsed later with a safe schema), the others throw. Passing options also turns off
// gray-matter's cache, which is keyed by the input string and would hand back shared objects.
const OPTIONS = {
  language: 'yaml',
  engines: { yaml: () => ({}), javascript: refuse, coffee: refuse, json: refuse },
};

/**
 * Splits `---` YAML frontmatter from the Markdown body. The text must already have LF newlines.
 * The returned frontmatter starts with the newline that ends the opening `---` line, so YAML
 * line numbers are line numbers in the document.
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
  // gray-matter closes the frontmatter at the first line starting with "---"; that line must be
  // exactly "---", or text after it would silently move into the body.
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
  try {
    const file = matter(markdown, OPTIONS);
    return { ok: true, frontmatter: file.matter, body: file.content };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail({
      code: 'YAML_SYNTAX',
      message: `The frontmatter could not be read: ${reason}`,
      line: 1,
    });
  }
}

function fail(issue: Omit<Issue, 'path' | 'code'> & { code: ContentIssueCode }): SplitResult {
  return { ok: false, issues: [{ path: 'frontmatter', ...issue }] };
}

import type { Issue } from '../contracts/issues';

/** At most this many issues are listed; the rest are counted in one closing issue. */
export const MAX_LISTED_ISSUES = 50;
/** Longest message kept; every message we write is shorter, this bounds the parsers' own. */
const MAX_MESSAGE_LENGTH = 300;

/**
 * Bounds what a hostile document can make us send back: a 16 KB frontmatter can hold thousands
 * of problems, and listing each would make a megabyte of error body. Errors come before
 * warnings, so the listed ones are the ones that stop the item.
 */
export function listIssues(issues: readonly Issue[]): Issue[] {
  const ordered = [
    ...issues.filter((issue) => issue.severity !== 'warning'),
    ...issues.filter((issue) => issue.severity === 'warning'),
  ];
  const listed = ordered.slice(0, MAX_LISTED_ISSUES).map(shorten);
  const rest = ordered.length - listed.length;
  if (rest > 0) {
    listed.push({
      path: 'document',
      code: 'TOO_MANY_ISSUES',
      message: `${rest} more problem(s) are not listed; fix the ones above and submit again.`,
    });
  }
  return listed;
}

function shorten(issue: Issue): Issue {
  if (issue.message.length <= MAX_MESSAGE_LENGTH) return issue;
  return { ...issue, message: `${issue.message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` };
}

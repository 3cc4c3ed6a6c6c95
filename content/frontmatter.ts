import type { z } from 'zod';
import {
  FRONTMATTER_KEYS,
  FrontmatterSchema,
  type ContentIssueCode,
  type Frontmatter,
} from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { printable } from './text-checks';
import type { Locator } from './yaml';

export type FrontmatterResult =
  { ok: true; frontmatter: Frontmatter } | { ok: false; issues: Issue[] };

/** Checks parsed YAML against the schema; every problem becomes an Issue at its key. */
export function validateFrontmatter(
  data: Record<string, unknown>,
  locate: Locator,
): FrontmatterResult {
  const result = FrontmatterSchema.safeParse(data);
  if (result.success) return { ok: true, frontmatter: result.data };
  return {
    ok: false,
    issues: result.error.issues.flatMap((issue) => toIssues(issue, data, locate)),
  };
}

function toIssues(
  issue: z.core.$ZodIssue,
  data: Record<string, unknown>,
  locate: Locator,
): Issue[] {
  if (issue.code === 'unrecognized_keys') {
    // Keys of a nested mapping (`document`) are reported with their parent: `document.titel`.
    const parent = issue.path.map((part) => printable(String(part)));
    return issue.keys.map((key) => ({
      path: [...parent, printable(key)].join('.'),
      code: 'UNKNOWN_KEY',
      message:
        parent.length === 0
          ? unknownKeyMessage(key)
          : `Unknown key "${printable(key)}" in ${parent.join('.')}.`,
      ...(parent.length === 0 ? locate([key], 'key') : locate(issue.path, 'value')),
    }));
  }
  const path = issue.path.map((part) => printable(String(part))).join('.');
  const key = issue.path.at(-1);
  const parent = valueAt(data, issue.path.slice(0, -1));
  if (typeof key === 'string' && isMapping(parent) && !Object.hasOwn(parent, key)) {
    return [{ path, code: 'REQUIRED', message: `${path}: this key is required.` }];
  }
  return [
    {
      path,
      code: issueCode(issue),
      message: `${path}: ${issue.message}`,
      ...locate(issue.path, 'value'),
    },
  ];
}

function issueCode(issue: z.core.$ZodIssue): ContentIssueCode {
  if (issue.code === 'custom') {
    return (issue.params as { code?: ContentIssueCode } | undefined)?.code ?? 'INVALID_VALUE';
  }
  return issue.code === 'invalid_type' ? 'INVALID_TYPE' : 'INVALID_VALUE';
}

function unknownKeyMessage(key: string): string {
  const suggestion = FRONTMATTER_KEYS.find((known) => editDistance(known, key.toLowerCase()) <= 2);
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  return `Unknown key "${printable(key)}".${hint} Allowed keys: ${FRONTMATTER_KEYS.join(', ')}.`;
}

/** Levenshtein distance, for "did you mean" on short keys only. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? Infinity;
}

function valueAt(data: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = data;
  for (const part of path) value = isMapping(value) ? value[String(part)] : undefined;
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

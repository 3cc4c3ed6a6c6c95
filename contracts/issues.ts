import { z } from 'zod';

/** One problem found in a request or a content item: where it is and what is wrong, in plain words. */
export const IssueSchema = z.object({
  path: z
    .string()
    .describe(
      'Where the problem is: a frontmatter key, `body`, or a request field (dot-separated).',
    ),
  code: z.string().describe('A stable machine-readable code, e.g. `UNKNOWN_KEY`, `TOO_LONG`.'),
  message: z.string().describe('What is wrong, in plain words.'),
  line: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('1-based line in the submitted Markdown, when known.'),
  column: z.number().int().positive().optional().describe('1-based column, when known.'),
  severity: z
    .enum(['error', 'warning'])
    .optional()
    .describe('`warning`: worth a look, but does not stop the item. Absent means `error`.'),
});
export type Issue = z.infer<typeof IssueSchema>;

/** Largest value of a Postgres `integer` (versions) and `bigint` (audit ids). */
export const MAX_INT4 = 2_147_483_647;
export const MAX_INT8 = 9_223_372_036_854_775_807n;

/**
 * Free text that Postgres can store and that hashes the same after a round trip: no NUL (`text`
 * refuses it) and no lone surrogate (stored as U+FFFD, so an audit hash would no longer match).
 */
export function storableText(max: number) {
  return (
    z
      .string()
      .max(max)
      // A pattern rather than a refinement, so that /openapi.json states the rule too.
      // eslint-disable-next-line no-control-regex -- NUL is exactly the character refused
      .regex(/^[^\u0000]*$/, 'must not contain NUL (U+0000)')
      .refine((v) => v.isWellFormed(), { message: 'must not contain a lone surrogate' })
  );
}

/**
 * Storable text that must say something: blank (only whitespace) is refused. A pattern rather
 * than `trim().min(1)` alone, so /openapi.json states the rule and clients can follow it.
 */
export function requiredText(max: number) {
  return storableText(max).regex(/\S/, 'must not be blank').trim();
}

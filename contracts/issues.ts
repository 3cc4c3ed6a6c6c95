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
});
export type Issue = z.infer<typeof IssueSchema>;

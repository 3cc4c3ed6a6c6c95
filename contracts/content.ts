import { z } from 'zod';
import { MAX_DOCUMENT_TITLE_CHARS, MEDIA_ID_PATTERN, PostMediaSchema } from './media';

// Pure data and Zod schemas only: workflow code imports this module, so no I/O and no Node APIs.

/** Outlets a content item can be published to (the same list as channels'). */
export const OUTLETS = ['linkedin', 'bluesky'] as const;
export type Outlet = (typeof OUTLETS)[number];

/**
 * Longest text each outlet accepts: LinkedIn's commentary limit is 3,000 characters counted by
 * `countOutletLength` (UTF-16 code units of the encoded text); Bluesky's is 300 graphemes (and
 * 3,000 UTF-8 bytes, contracts/bluesky.ts).
 */
export const OUTLET_LIMITS: Readonly<Record<Outlet, number>> = { linkedin: 3000, bluesky: 300 };

/**
 * An `outlets:` entry: `linkedin` (that outlet's default channel) or `linkedin:acme-page` (a
 * channel by name). Which channels exist is checked at submission (channels/targets.ts).
 */
export const OUTLET_ENTRY_PATTERN = /^([a-z]+)(?::([a-z0-9][a-z0-9.-]{0,62}))?$/;

/** The outlet an `outlets:` entry names (`linkedin:acme-page` → `linkedin`). */
export function outletOfEntry(entry: string): string {
  return entry.split(':', 1)[0] ?? entry;
}

/** The distinct outlets of a list of entries, in first-seen order. */
export function outletsOfEntries(entries: readonly string[]): Outlet[] {
  return [...new Set(entries.map(outletOfEntry))].filter(isOutlet);
}

/**
 * A content id: 1–128 characters, lowercase ASCII letters, digits and hyphens, starting with a
 * letter or digit (e.g. `2026-launch-post`). Ids end up in workflow ids, URLs and logs, so
 * anything else (slashes, unicode, whitespace, upper case) is refused rather than escaped.
 */
export const CONTENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,127}$/;
export const ContentIdSchema = z
  .string()
  .regex(
    CONTENT_ID_PATTERN,
    'must be 1-128 lowercase letters, digits or hyphens, starting with a letter or digit',
  );

/** Stable codes of the problems a content item can have; `Issue.code` carries one of them. */
export const CONTENT_ISSUE_CODES = [
  'DOCUMENT_TOO_LARGE',
  'NUL_CHARACTER',
  'LONE_SURROGATE',
  'MISSING_FRONTMATTER',
  'UNTERMINATED_FRONTMATTER',
  'UNSUPPORTED_FRONTMATTER_LANGUAGE',
  'FRONTMATTER_TOO_LARGE',
  'FRONTMATTER_TOO_DEEP',
  'FRONTMATTER_NOT_A_MAPPING',
  'YAML_SYNTAX',
  'YAML_TAB_INDENT',
  'YAML_DUPLICATE_KEY',
  'YAML_ALIAS',
  'YAML_TAG',
  'YAML_COMPLEX_KEY',
  'UNKNOWN_KEY',
  'REQUIRED',
  'INVALID_TYPE',
  'INVALID_VALUE',
  'INVALID_LANGUAGE',
  'INVALID_DATETIME',
  'NAIVE_DATETIME',
  'UNKNOWN_OUTLET',
  'DUPLICATE_OUTLET',
  'BODY_TOO_LARGE',
  'BODY_TOO_COMPLEX',
  'EMPTY_BODY',
  'TOO_LONG',
  'UNRESOLVED_MENTION',
  'TOO_MANY_IMAGES',
  'MISSING_ALT_TEXT',
  'IMAGE_TOO_LARGE',
  'UNSUPPORTED_IMAGE_TYPE',
  'INVALID_IMAGE',
  'INVISIBLE_CHARACTERS',
  'TOO_MANY_ISSUES',
  'IMAGE_ALT_MISSING',
  'IMAGE_ALT_TOO_LONG',
  'IMAGE_NOT_UPLOADED',
  'INVALID_MEDIA_ID',
  'DOCUMENT_WITH_IMAGES',
  'MEDIA_NOT_FOUND',
  'MEDIA_WRONG_TYPE',
  'MEDIA_TOO_LARGE',
] as const;
export type ContentIssueCode = (typeof CONTENT_ISSUE_CODES)[number];

// YYYY-MM-DDTHH:MM[:SS[.fraction]] followed by Z or ±HH:MM; the offset is what makes it an instant.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

type InstantResult =
  | { ok: true; iso: string }
  | { ok: false; code: 'INVALID_DATETIME' | 'NAIVE_DATETIME'; message: string };

/**
 * Reads an ISO 8601 date-time that carries `Z` or an offset and returns the instant as a UTC ISO
 * string. Calendar fields are checked by hand because `Date` silently rolls 2027-02-29 over to
 * March 1st.
 */
export function parseInstant(text: string): InstantResult {
  const match = DATE_TIME.exec(text);
  if (!match) {
    return {
      ok: false,
      code: 'INVALID_DATETIME',
      message:
        'must be an ISO 8601 date-time such as 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00',
    };
  }
  const [, year, month, day, hour, minute, second = '0', fraction = '0', zone] = match;
  if (zone === undefined) {
    return {
      ok: false,
      code: 'NAIVE_DATETIME',
      message: `${JSON.stringify(text)} has no time zone; add Z (UTC) or an offset such as +02:00`,
    };
  }
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  const offsetHours = zone === 'Z' ? 0 : Number(zone.slice(1, 3));
  const offsetMinutes = zone === 'Z' ? 0 : Number(zone.slice(4, 6));
  const valid =
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!valid) {
    return {
      ok: false,
      code: 'INVALID_DATETIME',
      message: `${JSON.stringify(text)} is not a real date and time`,
    };
  }
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  instant.setUTCFullYear(y, mo - 1, d);
  instant.setUTCHours(h, mi, s, Number(fraction.slice(0, 3).padEnd(3, '0')));
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMs = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return { ok: true, iso: new Date(instant.getTime() - offsetMs).toISOString() };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A scheduled time: an ISO 8601 instant (Z or offset required), normalized to UTC `toISOString()`. */
export const ScheduledSchema = z.string().transform((text, ctx) => {
  const result = parseInstant(text);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message, params: { code: result.code } });
    return z.NEVER;
  }
  return result.iso;
});

/** A BCP 47 language tag, returned in canonical case (`en-gb` becomes `en-GB`). */
export const LanguageSchema = z.string().transform((tag, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical !== undefined) return canonical;
  } catch {
    // RangeError: not a well-formed tag; reported below.
  }
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(tag)} is not a valid BCP 47 language tag (examples: en, en-GB, pt-BR)`,
    params: { code: 'INVALID_LANGUAGE' },
  });
  return z.NEVER;
});

function isOutlet(name: string): name is Outlet {
  return (OUTLETS as readonly string[]).includes(name);
}

// Elements are checked here rather than with z.enum so an unknown outlet and a repeated one
// are both reported in one pass. Channel names are checked against the channels at submission.
const OutletsSchema = z
  .array(
    z.string('must be an outlet such as "linkedin" or a channel such as "linkedin:acme-page"'),
    'must be a list such as [linkedin, bluesky:stargue.bsky.social]',
  )
  .min(1, 'list at least one outlet')
  .superRefine((outlets, ctx) => {
    const seen = new Set<string>();
    outlets.forEach((outlet, index) => {
      const repeated = seen.has(outlet);
      seen.add(outlet);
      const entry = OUTLET_ENTRY_PATTERN.exec(outlet);
      if (!entry || !isOutlet(entry[1] ?? '')) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `unknown outlet ${JSON.stringify(outlet.slice(0, 80))}; known outlets: ${OUTLETS.join(', ')}, each alone (its default channel) or with a channel name (linkedin:acme-page)`,
          params: { code: 'UNKNOWN_OUTLET' },
        });
      } else if (repeated) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `"${outlet}" is listed more than once`,
          params: { code: 'DUPLICATE_OUTLET' },
        });
      }
    });
  })
  .transform((outlets) => outlets.filter((o) => OUTLET_ENTRY_PATTERN.test(o)));

/**
 * The YAML frontmatter of a content item. Strict: an unknown key (such as the typo `schedueld`)
 * is an error naming the key, never silently ignored.
 */
export const FrontmatterSchema = z.strictObject({
  status: z.enum(['draft', 'ready'], { error: 'must be "draft" or "ready"' }),
  language: z.string('must be a string such as "en" or "en-GB"').pipe(LanguageSchema),
  outlets: OutletsSchema,
  sanitize: z.boolean('must be true or false').default(true),
  scheduled: z
    .string('must be an ISO 8601 date-time such as 2026-12-01T09:00:00Z')
    .pipe(ScheduledSchema)
    .optional(),
  version: z
    .number('must be a whole number')
    .int('must be a whole number')
    .positive('must be 1 or more')
    .max(2_147_483_647, 'must be at most 2147483647'),
  /** A PDF posted as a LinkedIn document ("carousel"); it cannot be combined with images. */
  document: z
    .strictObject(
      {
        media: z
          .string('must be a media id such as sha256:…, as POST /v1/media answered')
          .refine((id) => MEDIA_ID_PATTERN.test(id), {
            message: 'must be `sha256:` and 64 hex digits, the id POST /v1/media answered',
            params: { code: 'INVALID_MEDIA_ID' },
          }),
        title: z
          .string('must be the title shown on the document')
          .trim()
          .min(1, 'must not be empty: LinkedIn shows it on the document')
          .max(MAX_DOCUMENT_TITLE_CHARS, `must be at most ${MAX_DOCUMENT_TITLE_CHARS} characters`),
      },
      'must be a mapping such as {media: sha256:…, title: Q4 report}',
    )
    .optional(),
});
/** Validated frontmatter: defaults applied, `language` canonical, `scheduled` a UTC ISO string. */
export type Frontmatter = z.output<typeof FrontmatterSchema>;
export const FRONTMATTER_KEYS = Object.keys(FrontmatterSchema.shape) as (keyof Frontmatter)[];

/** A parsed content item: its validated frontmatter and its Markdown body as written. */
export const ContentItemSchema = z.object({ frontmatter: FrontmatterSchema, body: z.string() });
export type ContentItem = z.output<typeof ContentItemSchema>;

/** The exact text an outlet would receive, its length by the outlet's rule and its SHA-256. */
export const RenderedContentSchema = z.object({
  text: z.string(),
  length: z.number().int().nonnegative(),
  /** Of the text, and of the media (ids, alt texts, title) when there are any. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Images or a document posted with the text. */
  media: PostMediaSchema.optional(),
});
export type RenderedContent = z.output<typeof RenderedContentSchema>;

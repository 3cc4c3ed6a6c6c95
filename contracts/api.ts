import { z } from 'zod';
import {
  CHANNEL_AUDIT_PREFIX,
  CHANNEL_NAME_PATTERN,
  CHANNEL_NAME_RULE,
  CHANNEL_OUTLETS,
  CHANNEL_STATUSES,
} from './channels';
import { IssueSchema, MAX_INT4, requiredText, storableText } from './issues';
import { MediaIdSchema, MediaTypeSchema } from './media';
import { HALT_REASONS, PUBLISH_STATUSES } from './workflow';

// Request and response shapes of the REST API, defined once: the routes validate with them,
// /openapi.json is generated from them, and the typed client and the MCP server reuse them.

export const PublishStatusSchema = z.enum(PUBLISH_STATUSES);

export const ROLES = ['integration', 'editor', 'operator'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * Audit subjects about the system rather than one item, read by operators only (`/v1/audit`).
 * Content ids may not take these names, so `/v1/content/:id/audit` can never reach them. A new
 * operator-only subject must be named here.
 */
export const OPERATOR_AUDIT_SUBJECTS = ['kill-switch', 'linkedin'] as const;
/**
 * Prefixes of per-account operator subjects (`li-member-…` LinkedIn accounts, `api-key:…`,
 * `channel:<outlet>:<name>` channels).
 */
export const OPERATOR_AUDIT_PREFIXES = ['li-member-', 'api-key:', CHANNEL_AUDIT_PREFIX] as const;

export function isOperatorAuditSubject(subject: string): boolean {
  return (
    (OPERATOR_AUDIT_SUBJECTS as readonly string[]).includes(subject) ||
    OPERATOR_AUDIT_PREFIXES.some((p) => subject.startsWith(p))
  );
}

export const ContentIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,127}$/,
    'lowercase letters, digits and `-`, 1–128 characters, starting with a letter or digit',
  )
  .refine((id) => !isOperatorAuditSubject(id), {
    message: `is reserved (${[...OPERATOR_AUDIT_SUBJECTS, ...OPERATOR_AUDIT_PREFIXES.map((p) => `${p}…`)].join(', ')})`,
  })
  .describe(
    `Content id chosen by the submitter; not ${OPERATOR_AUDIT_SUBJECTS.join(' or ')}, nor starting with ${OPERATOR_AUDIT_PREFIXES.join(' or ')}`,
  )
  .meta({ example: 'spring-launch' });

export const WhoAmISchema = z.object({ name: z.string(), role: RoleSchema }).meta({ id: 'WhoAmI' });

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest');
const Instant = z.iso.datetime({ offset: true });

export const ErrorBodySchema = z
  .object({
    error: z.string().describe('Stable machine-readable code'),
    message: z.string(),
    issues: z.array(IssueSchema).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const SubmitBodySchema = z
  .object({
    id: ContentIdSchema,
    markdown: z
      .string()
      .min(1)
      .max(262_144)
      .describe('Markdown with YAML frontmatter (DESIGN.md content contract)')
      .meta({
        example:
          '---\nstatus: ready\nlanguage: en\noutlets: [linkedin]\nscheduled: 2026-12-01T09:00:00Z\nversion: 1\n---\nWe shipped **v2** today. #release\n',
      }),
  })
  .strict();
export type SubmitBody = z.infer<typeof SubmitBodySchema>;

export const SubmitResultSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    workflowId: z.string(),
    status: PublishStatusSchema,
    warnings: z
      .array(IssueSchema)
      .describe(
        'Problems that do not stop the item (`severity: warning`), e.g. invisible or bidi control characters kept because `sanitize` is false',
      ),
  })
  .meta({ id: 'SubmitResult' });
export type SubmitResult = z.infer<typeof SubmitResultSchema>;

export const ApprovalViewSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  actor: z.string(),
  note: z.string().nullable(),
  contentHash: Sha256Hex,
  at: Instant,
});

export const PublicationViewSchema = z.object({
  outlet: z.string(),
  state: z.enum(['intent', 'sending', 'confirmed', 'failed', 'unresolved']),
  postUrn: z.string().nullable(),
  url: z.string().nullable(),
  publishedAt: Instant.nullable(),
  resolution: z.string().nullable(),
  lastError: z.string().nullable(),
});

const SwitchSchema = z.object({ engaged: z.boolean(), reason: z.string().nullable() });

export const ChannelProgressSchema = z
  .object({
    key: z.string().describe('`outlet` or `outlet:channel`: where this post goes'),
    outlet: z.string(),
    channel: z.string().nullable().describe('The channel (connected account) by name'),
    status: z.enum(['waiting', 'publishing', 'published', 'failed', 'parked']),
    reason: z.string().nullable().describe('Why it failed, waits or is parked'),
    halt: z.enum(HALT_REASONS).nullable(),
    postUrn: z.string().nullable(),
    url: z.string().nullable(),
  })
  .meta({ id: 'ChannelProgress' });

export const ContentViewSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    versions: z.array(z.number().int()).describe('Every stored version of this id, newest first'),
    workflowId: z.string(),
    status: PublishStatusSchema,
    phase: PublishStatusSchema.describe('The step a halted item returns to'),
    title: z.string(),
    language: z.string(),
    outlets: z.array(z.string()),
    scheduledAt: Instant.nullable(),
    scheduledZone: z
      .string()
      .nullable()
      .describe('IANA zone the editor used when rescheduling, for display'),
    contentHash: Sha256Hex,
    submittedBy: z.string(),
    createdAt: Instant,
    approvals: z.array(ApprovalViewSchema),
    publications: z.array(PublicationViewSchema),
    halt: z
      .object({ reason: z.enum(HALT_REASONS), message: z.string(), since: Instant })
      .nullable(),
    channels: z
      .array(ChannelProgressSchema)
      .describe('Each outlet and channel the item goes to, and how it stands'),
    killSwitch: z.object({ item: SwitchSchema, global: SwitchSchema }),
    lastError: z.object({ type: z.string(), message: z.string(), at: Instant }).nullable(),
    nextAttemptAt: Instant.nullable(),
    warnings: z
      .array(z.string())
      .describe('Things to act on before they halt the item, e.g. an expiring LinkedIn token'),
    live: z
      .boolean()
      .describe('false when Temporal could not be asked and the status comes from the database'),
  })
  .meta({ id: 'Content' });
export type ContentView = z.infer<typeof ContentViewSchema>;

export const ContentSummarySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  status: PublishStatusSchema,
  title: z.string(),
  language: z.string(),
  outlets: z.array(z.string()),
  scheduledAt: Instant.nullable(),
  submittedBy: z.string(),
  createdAt: Instant,
});

const CURSOR_MESSAGE = 'must be a `nextCursor` this API returned';

/**
 * Where a content list resumes: `{createdAt in ms}.{version}.{id}` of the last item shown. Any
 * text of this shape is a valid place to resume from, so the pattern in /openapi.json is the
 * whole rule and every list route refuses a bad cursor the same way (422 on `cursor`).
 */
export const ContentCursorSchema = z
  .string()
  .regex(/^\d{1,15}\.\d{1,9}\.[a-z0-9][a-z0-9-]{0,127}$/, CURSOR_MESSAGE)
  .describe('`nextCursor` from the previous page');

export interface ContentPosition {
  createdAt: Date;
  version: number;
  id: string;
}

export function encodeContentCursor(p: ContentPosition): string {
  return `${p.createdAt.getTime()}.${p.version}.${p.id}`;
}

/** The position in a cursor that passed ContentCursorSchema. */
export function decodeContentCursor(cursor: string): ContentPosition {
  const [ms, version, id] = cursor.split('.') as [string, string, string];
  return { createdAt: new Date(Number(ms)), version: Number(version), id };
}

/** An audit page resumes below the last entry's id; 18 digits stay inside Postgres bigint. */
export const AuditCursorSchema = z
  .string()
  .regex(/^\d{1,18}$/, CURSOR_MESSAGE)
  .describe('`nextCursor` from the previous page');

export const ListQuerySchema = z.object({
  status: PublishStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: ContentCursorSchema.optional(),
});

export const ContentListSchema = z
  .object({ items: z.array(ContentSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ContentList' });

const mediaUrl = z.string().describe('Where the bytes are: GET it with the same credentials');
export const PreviewMediaSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('images'),
      images: z.array(
        z.object({
          id: MediaIdSchema,
          alt: z.string(),
          type: MediaTypeSchema.nullable(),
          width: z.number().int().nullable(),
          height: z.number().int().nullable(),
          url: mediaUrl,
        }),
      ),
    }),
    z.object({
      kind: z.literal('document'),
      id: MediaIdSchema,
      title: z.string(),
      pages: z.number().int().nullable().describe('null when it could not be counted cheaply'),
      bytes: z.number().int().nullable(),
      url: mediaUrl,
    }),
  ])
  .meta({ id: 'PreviewMedia' });

export const PreviewSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    contentHash: Sha256Hex.describe('Pass it to approve so the approval binds to what you saw'),
    outlets: z.array(
      z.object({
        outlet: z.string(),
        channel: z
          .string()
          .nullable()
          .describe(
            'The channel (`linkedin:jane`, `bluesky:stargue.bsky.social`) this text goes to; null for items from before channels',
          ),
        text: z.string(),
        length: z
          .number()
          .int()
          .describe(
            'Of the text alone, by the outlet’s rule (LinkedIn: characters once escaped; Bluesky: graphemes); media do not count',
          ),
        limit: z.number().int(),
        media: PreviewMediaSchema.optional().describe('What the post carries besides its text'),
      }),
    ),
    warnings: z
      .array(IssueSchema)
      .describe(
        'What the editor should know before approving, e.g. invisible or bidi control characters posted as written (`sanitize: false`)',
      ),
  })
  .meta({ id: 'Preview' });

export const SourceSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    markdown: z.string().describe('The Markdown exactly as submitted, frontmatter included'),
  })
  .meta({ id: 'Source' });

export const LinkedInStatusSchema = z
  .object({
    connected: z.boolean(),
    status: z
      .enum(['active', 'reauth_required', 'not_connected'])
      .describe('`reauth_required`: an operator must reconnect the account'),
    accessExpiresAt: Instant.nullable(),
  })
  .meta({ id: 'LinkedInStatus' });

export const VersionQuerySchema = z.object({
  version: z.coerce.number().int().positive().max(MAX_INT4).optional(),
});
export const IdParamsSchema = z.object({ id: ContentIdSchema });

export const ApproveBodySchema = z
  .object({
    note: storableText(2000).optional(),
    contentHash: Sha256Hex.describe(
      'The hash the preview showed: the approval binds to exactly that text (409 if it changed)',
    ),
  })
  .strict();
export const HaltBodySchema = z.object({ reason: requiredText(500) }).strict();
export const RejectBodySchema = z.object({ reason: requiredText(2000) }).strict();
export const RescheduleBodySchema = z
  .object({
    scheduled: Instant.describe('ISO 8601 with `Z` or an offset; a naive local time is refused'),
    zone: z
      .string()
      .max(64)
      .regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/)
      .optional()
      .describe('IANA zone the editor used, kept for display'),
  })
  .strict();

export const ActionResultSchema = z
  .object({ id: z.string(), version: z.number().int(), status: PublishStatusSchema })
  .meta({ id: 'ActionResult' });

export const KillSwitchSchema = z
  .object({
    engaged: z.boolean(),
    reason: z.string().nullable(),
    updatedBy: z.string(),
    updatedAt: Instant,
  })
  .meta({ id: 'KillSwitch' });
export const KillSwitchChangeSchema = KillSwitchSchema.extend({
  signalled: z
    .number()
    .int()
    .describe('Open items told at once; the rest learn before their outlet call'),
}).meta({ id: 'KillSwitchChange' });
const KillSwitchReason = requiredText(500);
// Two shapes rather than a refinement, so that /openapi.json states the rule too.
export const KillSwitchBodySchema = z.discriminatedUnion('engaged', [
  z
    .object({
      engaged: z.literal(true),
      reason: KillSwitchReason.describe('Why: required to engage, shown to every editor'),
    })
    .strict(),
  z.object({ engaged: z.literal(false), reason: KillSwitchReason.optional() }).strict(),
]);

export const AuditQuerySchema = z.object({
  subject: storableText(200).min(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: AuditCursorSchema.optional(),
});
export const AuditEntrySchema = z.object({
  id: z.string(),
  at: Instant,
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  workflowId: z.string().nullable(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.unknown().nullable(),
  hash: Sha256Hex,
});
export const AuditPageSchema = z
  .object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditPage' });

// Channels (docs/operations.md, "Channels").

export const ChannelOutletSchema = z.enum(CHANNEL_OUTLETS);
export const ChannelNameSchema = z
  .string()
  .regex(CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE)
  .describe('Unique per outlet; what `outlets: [outlet:name]` names')
  .meta({ example: 'acme-page' });

export const ChannelViewSchema = z
  .object({
    outlet: ChannelOutletSchema,
    name: z.string(),
    displayName: z.string(),
    default: z.boolean().describe('What `outlets: [outlet]` means; at most one per outlet'),
    disabled: z.boolean().describe('A disabled channel is refused at submission; its items wait'),
    disabledAt: Instant.nullable(),
    status: z
      .enum(CHANNEL_STATUSES)
      .describe('`reauth_required`: an operator must reconnect it; its items wait meanwhile'),
    reauthReason: z.string().nullable(),
    kind: z
      .enum(['member', 'page', 'account'])
      .describe('LinkedIn member or page; Bluesky account'),
    account: z
      .string()
      .describe('Who posts: the LinkedIn author URN (member or page), or the Bluesky DID'),
    handle: z.string().nullable().describe('Bluesky: the account handle'),
    service: z.string().nullable().describe('Bluesky: the server every call goes to'),
    accessExpiresAt: Instant.nullable().describe('LinkedIn: when the access token expires'),
    rateLimitedUntil: Instant.nullable().describe('When the outlet last said its limit resets'),
    createdAt: Instant,
    createdBy: z.string(),
    updatedAt: Instant,
    updatedBy: z.string(),
  })
  .meta({ id: 'Channel' });
export type ChannelView = z.infer<typeof ChannelViewSchema>;

export const ChannelListSchema = z
  .object({ items: z.array(ChannelViewSchema) })
  .meta({ id: 'ChannelList' });

export const ChannelParamsSchema = z.object({
  outlet: ChannelOutletSchema,
  name: ChannelNameSchema,
});
export const BlueskyChannelParamsSchema = z.object({
  outlet: z
    .literal('bluesky')
    .describe('LinkedIn channels reconnect through GET /v1/oauth/linkedin/authorize?channel=NAME'),
  name: ChannelNameSchema,
});

const BlueskyIdentifierSchema = z
  .string()
  .max(253)
  .regex(
    /^(?:did:[a-z]+:[A-Za-z0-9._:%-]{1,200}|[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62})+)$/,
    'a handle (name.bsky.social) or a DID',
  )
  .describe('The account to sign in as: its handle or DID')
  .meta({ example: 'stargue.bsky.social' });
const AppPasswordSchema = z
  .string()
  .regex(
    /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/,
    'an app password (xxxx-xxxx-xxxx-xxxx), never the account password',
  )
  .describe(
    'An app password (Bluesky: Settings → Privacy and security → App passwords); stored sealed, never shown again',
  );
const BlueskyServiceSchema = z
  .string()
  .max(200)
  .regex(
    /^(?:https:\/\/[A-Za-z0-9.-]{1,190}|http:\/\/(?:localhost|127\.0\.0\.1|\[::1\]))(?::\d{1,5})?\/?$/,
    'an https:// origin (http:// only on this machine, for development)',
  )
  .describe(
    'The account’s PDS or an entryway; default BLUESKY_DEFAULT_SERVICE (https://bsky.social)',
  )
  .meta({ example: 'https://bsky.social' });

export const CreateChannelBodySchema = z
  .object({
    outlet: z
      .literal('bluesky')
      .describe(
        'Bluesky accounts connect here; LinkedIn channels through GET /v1/oauth/linkedin/authorize?channel=NAME',
      ),
    name: ChannelNameSchema.optional().describe('Default: the account’s handle'),
    displayName: requiredText(200).optional().describe('Default: `@handle`'),
    identifier: BlueskyIdentifierSchema,
    appPassword: AppPasswordSchema,
    service: BlueskyServiceSchema.optional(),
  })
  .strict();

export const ReconnectBodySchema = z
  .object({
    identifier: BlueskyIdentifierSchema.optional().describe('Default: the one stored'),
    appPassword: AppPasswordSchema,
    service: BlueskyServiceSchema.optional().describe('Default: the one stored'),
  })
  .strict();

export const ChannelChangeBodySchema = z
  .object({
    name: ChannelNameSchema.optional().describe(
      'Rename: items and publications keep the channel (they hold its id); new items use the new name',
    ),
    displayName: requiredText(200).optional(),
    disabled: z.boolean().optional(),
    default: z
      .boolean()
      .optional()
      .describe('true: the outlet’s default (the previous one stops being it); false: no default'),
  })
  .strict();

export const AuthorizeQuerySchema = z.object({
  channel: ChannelNameSchema.optional().describe(
    'The LinkedIn channel to connect or reconnect; default: the signed-in member’s own',
  ),
  organization: z
    .string()
    .regex(/^urn:li:organization:\d{1,20}$/, 'urn:li:organization:<id>')
    .optional()
    .describe(
      'Post as this page (Community Management; needs the linkedin/organization_posting flag)',
    ),
});
export type CreateChannelInput = z.infer<typeof CreateChannelBodySchema>;
export type ReconnectInput = z.infer<typeof ReconnectBodySchema>;
export type ChangeChannelInput = z.infer<typeof ChannelChangeBodySchema>;

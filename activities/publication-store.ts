import type { RenderedContent } from '../contracts/content';
import type { FollowUpMark, PublishInput, PublishStatus } from '../contracts/workflow';
import { auditInsert, type AuditEntry } from '../platform/audit';
import { Prisma, type Db, type Publication } from '../platform/db/client';
import { transitionSteps } from './records';

// The publish activity's reads and writes around the outlet call, each one SQL statement: a burst
// of due items runs them hundreds of times a second, and every statement and every interactive
// transaction costs the worker's one event loop far more than the database (docs/performance.md,
// G2). The statements that write several tables use data-modifying CTEs, atomic on their own.

/** What the activity reads of its publication row. */
export type PublicationRow = Pick<
  Publication,
  'id' | 'state' | 'postUrn' | 'confirmedAt' | 'sendingAt' | 'createdAt' | 'lastError' | 'recordKey'
>;

const ROW = Prisma.sql`"id", "state", "post_urn" AS "postUrn", "confirmed_at" AS "confirmedAt",
  "sending_at" AS "sendingAt", "created_at" AS "createdAt", "last_error" AS "lastError",
  "record_key" AS "recordKey"`;

// A step taken only when the fenced update of the same statement changed the row.
const OWNED = Prisma.sql`EXISTS (SELECT 1 FROM "owned")`;

interface Item {
  content: {
    contentHash: string;
    /** The text rendered for this outlet. */
    rendered: RenderedContent | null;
    targets: unknown;
  } | null;
  switches: {
    /** The global kill switch's reason when engaged. */
    killSwitch: string | null;
    /** The outlet's member posting flag; no row means on. */
    posting: boolean;
  };
}

/** The stored content and both switches, in one read. */
export async function readItem(db: Db, input: PublishInput): Promise<Item> {
  const [row] = await db.$queryRaw<
    {
      contentHash: string | null;
      rendered: RenderedContent | null;
      targets: unknown;
      engaged: boolean | null;
      reason: string | null;
      posting: boolean | null;
    }[]
  >`
    SELECT c."content_hash" AS "contentHash", c."rendered" -> ${input.outlet} AS "rendered",
           c."targets", k."engaged", k."reason", f."enabled" AS "posting"
      FROM (SELECT 1) AS "one"
      LEFT JOIN "content" c ON c."content_id" = ${input.contentId} AND c."version" = ${input.version}
      LEFT JOIN "kill_switch" k ON k."id" = 1
      LEFT JOIN "outlet_feature_flags" f
             ON f."outlet" = ${input.outlet} AND f."flag" = 'member_posting'`;
  return {
    content:
      row?.contentHash == null
        ? null
        : { contentHash: row.contentHash, rendered: row.rendered, targets: row.targets },
    switches: {
      killSwitch: row?.engaged ? (row.reason ?? 'engaged') : null,
      posting: row?.posting !== false,
    },
  };
}

/**
 * Creates the publication row in `intent`, or finds the one an earlier attempt created; new runs
 * record `publishing` with it unless the row is already confirmed.
 */
export async function openPublication(
  db: Db,
  p: { key: string; input: PublishInput; commentaryHash: string; recordKey: string | null },
): Promise<PublicationRow> {
  const { input } = p;
  const records = input.record
    ? Prisma.sql`, ${transitionSteps(
        transitionFor(input, input.record.from, 'publishing', 'publishingSeq'),
        Prisma.sql`EXISTS (SELECT 1 FROM "row" WHERE "state" <> 'confirmed')`,
      )}`
    : Prisma.empty;
  const [row] = await db.$queryRaw<PublicationRow[]>`
    WITH "found" AS (SELECT ${ROW} FROM "publications" WHERE "idempotency_key" = ${p.key}),
    "created" AS (
      INSERT INTO "publications" ("idempotency_key", "content_id", "version", "outlet", "state",
                                  "commentary_hash", "channel_id", "record_key")
      SELECT ${p.key}::text, ${input.contentId}::text, ${input.version}::int, ${input.outlet}::text,
             'intent', ${p.commentaryHash}::text, ${input.target?.channelId ?? null}::uuid,
             ${p.recordKey}::text
       WHERE NOT EXISTS (SELECT 1 FROM "found")
      ON CONFLICT ("idempotency_key") DO NOTHING
      RETURNING ${ROW}),
    "row" AS (SELECT * FROM "created" UNION ALL SELECT * FROM "found") ${records}
    SELECT * FROM "row"`;
  if (row) return row;
  // Created by a concurrent attempt after this statement's snapshot: it recorded `publishing`.
  const [existing] = await db.$queryRaw<PublicationRow[]>`
    SELECT ${ROW} FROM "publications" WHERE "idempotency_key" = ${p.key}`;
  if (!existing) throw new Error(`publication ${p.key} is neither created nor found`);
  return existing;
}

/**
 * Claims the row for an attempt: only a newer attempt than the row's owner may, and only before
 * it is confirmed or failed. Null when this attempt was superseded.
 */
export async function claimPublication(
  db: Db,
  p: {
    key: string;
    fence: number;
    sendingAt: Date | null;
    accountId: string;
    authorUrn: string | null;
  },
): Promise<PublicationRow | null> {
  const [row] = await db.$queryRaw<PublicationRow[]>`
    UPDATE "publications"
       SET "state" = 'sending', "attempt" = ${p.fence}, "sending_at" = ${p.sendingAt}::timestamptz,
           "account_id" = ${p.accountId}, "author_urn" = ${p.authorUrn}::text, "updated_at" = now()
     WHERE "idempotency_key" = ${p.key} AND "attempt" < ${p.fence}
       AND "state" IN ('intent', 'sending', 'unresolved')
    RETURNING ${ROW}`;
  return row ?? null;
}

/**
 * Confirms the publication if this attempt still owns it (the fence) and, in the same statement,
 * records it: the item's `published` when this was its last channel (new runs), else this
 * channel's own entry; the engagement follow-up to start rides on the row. Returns whether the
 * row was this attempt's.
 */
export async function confirmPublication(
  db: Db,
  p: {
    key: string;
    fence: number;
    input: PublishInput;
    data: { urn: string; confirmedAt: Date; resolution: string; cid: string | null };
    followUp: FollowUpMark | null;
  },
): Promise<boolean> {
  const { data, input } = p;
  const records = input.record?.final
    ? transitionSteps(
        transitionFor(input, 'publishing', 'published', 'publishedSeq', data.urn),
        OWNED,
      )
    : Prisma.sql`"channel_entry" AS (${auditInsert(
        channelEntry(input, p.key, data.urn, data.resolution),
        OWNED,
      )})`;
  const [row] = await db.$queryRaw<{ owned: number }[]>`
    WITH "owned" AS (
      UPDATE "publications"
         SET "state" = 'confirmed', "post_urn" = ${data.urn},
             "confirmed_at" = ${data.confirmedAt}::timestamptz, "resolution" = ${data.resolution},
             "last_error" = NULL, "post_cid" = COALESCE(${data.cid}::text, "post_cid"),
             "follow_up" = ${followUpJson(p.followUp)}::jsonb, "updated_at" = now()
       WHERE "idempotency_key" = ${p.key} AND "attempt" = ${p.fence} AND "state" <> 'confirmed'
      RETURNING 1),
    ${records}
    SELECT count(*)::int AS "owned" FROM "owned"`;
  return (row?.owned ?? 0) > 0;
}

/** Marks a confirmed publication's follow-up again unless one is pending; true when marked. */
export async function markFollowUp(db: Db, key: string, followUp: FollowUpMark): Promise<boolean> {
  const marked = await db.$executeRaw`
    UPDATE "publications" SET "follow_up" = ${followUpJson(followUp)}::jsonb
     WHERE "idempotency_key" = ${key} AND "state" = 'confirmed' AND "follow_up" IS NULL`;
  return marked > 0;
}

function followUpJson(followUp: FollowUpMark | null): string | null {
  return followUp ? JSON.stringify(followUp) : null;
}

/**
 * One channel of several: the item's status moves only when all are done, so each channel's post
 * gets its own audit entry (once, whatever retries). Failures: recordChannelFailure.
 */
function channelEntry(
  input: PublishInput,
  key: string,
  postUrn: string,
  resolution: string,
): AuditEntry {
  return {
    actor: 'system',
    action: 'publication.confirmed',
    subject: input.contentId,
    workflowId: input.workflowId,
    details: {
      version: input.version,
      channel: input.target?.key ?? input.outlet,
      postUrn,
      resolution,
    },
    dedupeKey: `publication.confirmed:${key}`,
  };
}

function transitionFor(
  input: PublishInput,
  from: PublishStatus,
  to: PublishStatus,
  seq: 'publishingSeq' | 'publishedSeq',
  reason: string | null = null,
) {
  const record = input.record as NonNullable<PublishInput['record']>;
  return {
    contentId: input.contentId,
    version: input.version,
    workflowId: input.workflowId,
    runId: record.runId,
    seq: record[seq],
    from,
    to,
    actor: 'system',
    reason: reason ?? `publishing to ${input.outlet}`,
    haltReason: null,
    lastError: null,
  };
}

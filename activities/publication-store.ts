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

/** What the publish activity starts from: the item as stored, both switches, its publication. */
export interface Opened {
  /**
   * The stored content still matches what was approved: its hash is the approved one and it
   * holds a rendering for the outlet (and, for a client-key outlet, the channel's payload).
   * When false, nothing was written.
   */
  fits: boolean;
  /** The text rendered for this outlet at submission. */
  rendered: RenderedContent | null;
  /** What a client-key outlet sends: the payload rendered for its channel at submission. */
  payload: unknown;
  switches: {
    /** The global kill switch's reason when engaged. */
    killSwitch: string | null;
    /** The outlet's member posting flag; no row means on. */
    posting: boolean;
  };
  /** The publication row (created in `intent`, or an earlier attempt's); null when !fits. */
  row: PublicationRow | null;
}

/**
 * Reads the item and both switches and, when the stored content still fits, creates the
 * publication row in `intent` (or finds the one an earlier attempt created) — one statement. New
 * runs record `publishing` with it unless the row is already confirmed. `keyed`: the outlet sends
 * the payload stored for `input.target` (its commentary hash is that payload's).
 */
export async function openPublication(
  db: Db,
  p: { key: string; input: PublishInput; keyed: boolean; recordKey: string | null },
): Promise<Opened> {
  const { input } = p;
  const targetKey = p.keyed ? (input.target?.key ?? null) : null;
  const open = Prisma.sql`EXISTS (SELECT 1 FROM "fits")
    AND EXISTS (SELECT 1 FROM "row" WHERE "state" <> 'confirmed')`;
  const records = input.record
    ? Prisma.sql`, ${transitionSteps(
        transitionFor(input, input.record.from, 'publishing', 'publishingSeq'),
        open,
      )}`
    : Prisma.empty;
  const [read] = await db.$queryRaw<
    (Partial<PublicationRow> & {
      fits: boolean;
      rendered: RenderedContent | null;
      stored: { payload?: unknown } | null;
      engaged: boolean | null;
      reason: string | null;
      posting: boolean | null;
    })[]
  >`
    WITH "item" AS (
      SELECT c."content_hash" AS "contentHash", c."rendered" -> ${input.outlet} AS "rendered",
             s."target" AS "stored", k."engaged", k."reason", f."enabled" AS "posting"
        FROM (SELECT 1) AS "one"
        LEFT JOIN "content" c ON c."content_id" = ${input.contentId} AND c."version" = ${input.version}
        LEFT JOIN LATERAL (
          SELECT t AS "target"
            FROM jsonb_array_elements(
                   CASE WHEN jsonb_typeof(c."targets") = 'array' THEN c."targets" ELSE '[]' END) t
           WHERE t ->> 'key' = ${targetKey}::text
           LIMIT 1) s ON true
        LEFT JOIN "kill_switch" k ON k."id" = 1
        LEFT JOIN "outlet_feature_flags" f
               ON f."outlet" = ${input.outlet} AND f."flag" = 'member_posting'),
    "fits" AS (
      SELECT COALESCE("stored" ->> 'contentHash', "rendered" ->> 'contentHash') AS "commentaryHash"
        FROM "item"
       WHERE "contentHash" = ${input.contentHash} AND jsonb_typeof("rendered") = 'object'
         AND COALESCE("stored" ->> 'contentHash', "rendered" ->> 'contentHash') IS NOT NULL
         AND (NOT ${p.keyed}::boolean OR "stored" -> 'payload' IS NOT NULL)),
    "found" AS (SELECT ${ROW} FROM "publications" WHERE "idempotency_key" = ${p.key}),
    "created" AS (
      INSERT INTO "publications" ("idempotency_key", "content_id", "version", "outlet", "state",
                                  "commentary_hash", "channel_id", "record_key")
      SELECT ${p.key}::text, ${input.contentId}::text, ${input.version}::int, ${input.outlet}::text,
             'intent', "fits"."commentaryHash", ${input.target?.channelId ?? null}::uuid,
             ${p.recordKey}::text
        FROM "fits"
       WHERE NOT EXISTS (SELECT 1 FROM "found")
      ON CONFLICT ("idempotency_key") DO NOTHING
      RETURNING ${ROW}),
    "row" AS (SELECT * FROM "created" UNION ALL SELECT * FROM "found") ${records}
    SELECT i."rendered", i."stored", i."engaged", i."reason", i."posting",
           EXISTS (SELECT 1 FROM "fits") AS "fits", r.*
      FROM "item" i LEFT JOIN "row" r ON true`;
  if (!read) throw new Error('the item read returned no row');
  const opened: Opened = {
    fits: read.fits,
    rendered: read.rendered,
    payload: read.stored?.payload,
    switches: {
      killSwitch: read.engaged ? (read.reason ?? 'engaged') : null,
      posting: read.posting !== false,
    },
    row: read.id == null ? null : pick(read as PublicationRow),
  };
  if (!opened.fits || opened.row) return opened;
  // Created by a concurrent attempt after this statement's snapshot: it recorded `publishing`.
  const [existing] = await db.$queryRaw<PublicationRow[]>`
    SELECT ${ROW} FROM "publications" WHERE "idempotency_key" = ${p.key}`;
  if (!existing) throw new Error(`publication ${p.key} is neither created nor found`);
  return { ...opened, row: existing };
}

function pick(r: PublicationRow): PublicationRow {
  const { id, state, postUrn, confirmedAt, sendingAt, createdAt, lastError, recordKey } = r;
  return { id, state, postUrn, confirmedAt, sendingAt, createdAt, lastError, recordKey };
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

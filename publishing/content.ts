import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ContentView, SubmitResult } from '../contracts/api';
import { contentWorkflowId } from '../contracts/ids';
import {
  ContentIdKey,
  OutletsKey,
  PublishStatusKey,
  ScheduledAtKey,
} from '../contracts/search-attributes';
import type { ContentState, PublishStatus } from '../contracts/workflow';
import { prepareContent, titleFromText } from '../content';
import { blueskyPostUrl } from '../contracts/bluesky';
import { postUrl } from '../outlets/linkedin/urns';
import { checkMediaReferences } from '../media/references';
import { appendAudit } from '../platform/audit';
import type { Prisma } from '../platform/db/client';
import { isUniqueViolation } from '../platform/db/errors';
import { statusQuery } from '../workflows/content/definitions';
import type { contentWorkflow } from '../workflows/content/workflow';
import type { Actor, PublishingDeps } from './deps';
import { AppError, ErrorCode, notFound } from './errors';
import { storedTargets } from '../contracts/channels';
import { prepareTargets } from './targets';
import { toAppError } from './temporal-errors';

const DEFAULT_CALL_TIMEOUT_MS = 5_000;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash approvals bind to: of the one outlet text, or of every outlet's hash in order. */
export function itemContentHash(rendered: Record<string, { contentHash: string }>): string {
  const entries = Object.entries(rendered).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 1) return (entries[0] as [string, { contentHash: string }])[1].contentHash;
  return sha256(entries.map(([outlet, r]) => `${outlet}:${r.contentHash}`).join('\n'));
}

/** The title the queue shows: the post's own first line, as rendered (not the Markdown). */
function titleOf(rendered: Record<string, { text: string }>): string {
  return titleFromText(Object.values(rendered)[0]?.text ?? '');
}

export async function submitContent(
  deps: PublishingDeps,
  actor: Actor,
  input: { id: string; markdown: string },
): Promise<{ created: boolean; result: SubmitResult }> {
  const prepared = prepareContent(input.markdown);
  if (!prepared.ok) {
    throw new AppError(
      ErrorCode.Validation,
      `the content has ${prepared.issues.length} problem(s)`,
      prepared.issues,
    );
  }
  const mediaIssues = await checkMediaReferences(deps.db, prepared.rendered).catch(toAppError);
  if (mediaIssues.length > 0) {
    throw new AppError(
      ErrorCode.Validation,
      `the content has ${mediaIssues.length} problem(s)`,
      mediaIssues,
    );
  }
  const { frontmatter } = prepared.item;
  const version = frontmatter.version;
  const workflowId = contentWorkflowId(input.id, version);
  const sourceHash = sha256(input.markdown);
  const key = { contentId: input.id, version };

  let created = false;
  // The channels as stored with the row (old rows: none).
  let stored: unknown;
  try {
    const existing = await deps.db.content.findUnique({ where: { contentId_version: key } });
    stored = existing?.targets ?? null;
    if (existing) {
      if (existing.sourceHash !== sourceHash) {
        await appendAudit(deps.db, {
          actor: actor.name,
          action: 'content.submit_refused',
          subject: input.id,
          workflowId,
          reason: 'same version, other content',
          details: { version, role: actor.role, channel: actor.channel, sourceHash },
        });
        throw new AppError(
          ErrorCode.VersionConflict,
          `${input.id} version ${version} was already submitted with other content; bump \`version\` for an edit`,
        );
      }
    } else {
      const channels = await prepareTargets(deps.db, frontmatter.outlets, prepared.rendered, {
        body: prepared.item.body,
        sanitize: frontmatter.sanitize,
        language: frontmatter.language,
      });
      if (!channels.ok) {
        throw new AppError(
          ErrorCode.Validation,
          `the content has ${channels.issues.length} problem(s)`,
          channels.issues,
        );
      }
      stored = channels.targets;
      const hashes = Object.fromEntries(
        Object.entries(channels.hashes).map(([k, contentHash]) => [k, { contentHash }]),
      );
      try {
        await deps.db.content.create({
          data: {
            ...key,
            workflowId,
            sourceHash,
            markdown: input.markdown,
            status: 'validating',
            language: frontmatter.language,
            outlets: [...frontmatter.outlets],
            sanitize: frontmatter.sanitize,
            scheduledAt: frontmatter.scheduled ? new Date(frontmatter.scheduled) : null,
            contentHash: itemContentHash(hashes),
            rendered: prepared.rendered,
            targets: channels.targets as unknown as Prisma.InputJsonValue,
            title: titleOf(prepared.rendered),
            submittedBy: actor.name,
          },
        });
        created = true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // A concurrent identical submission won the race; compare with what it stored.
        const winner = await deps.db.content.findUniqueOrThrow({
          where: { contentId_version: key },
        });
        if (winner.sourceHash !== sourceHash) {
          throw new AppError(
            ErrorCode.VersionConflict,
            `${input.id} version ${version} was submitted concurrently with other content`,
          );
        }
      }
    }
    if (created) {
      await appendAudit(deps.db, {
        actor: actor.name,
        action: 'content.submitted',
        subject: input.id,
        workflowId,
        toStatus: 'validating',
        details: {
          version,
          role: actor.role,
          channel: actor.channel,
          sourceHash,
          length: input.markdown.length,
        },
        dedupeKey: `submit:${workflowId}`,
      });
    }
    // Started on every submission (not only the first) so a crash between the insert and the
    // start is healed by the caller's retry; the fixed workflow ID makes this idempotent.
    await startWorkflow(deps, actor, {
      ...key,
      workflowId,
      outlets: targetKeys(stored, frontmatter.outlets),
      scheduled: frontmatter.scheduled ?? null,
    });
    const row = await deps.db.content.findUniqueOrThrow({
      where: { contentId_version: key },
      select: { status: true },
    });
    return {
      created,
      result: {
        id: input.id,
        version,
        workflowId,
        status: row.status as PublishStatus,
        warnings: prepared.warnings,
      },
    };
  } catch (err) {
    return toAppError(err);
  }
}

/** What the Temporal UI lists as the item's outlets: its channels (`linkedin:jane`). */
function targetKeys(targets: unknown, entries: readonly string[]): string[] {
  return storedTargets(targets)?.map((t) => t.key) ?? [...entries];
}

async function startWorkflow(
  deps: PublishingDeps,
  actor: Actor,
  item: {
    contentId: string;
    version: number;
    workflowId: string;
    outlets: string[];
    scheduled: string | null;
  },
): Promise<void> {
  try {
    // A deadline so an unreachable Temporal answers 503 in seconds instead of hanging.
    const deadline = Date.now() + (deps.workflowCallTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
    await deps.temporal.withDeadline(deadline, () =>
      deps.temporal.workflow.start<typeof contentWorkflow>('contentWorkflow', {
        workflowId: item.workflowId,
        taskQueue: deps.taskQueue,
        args: [{ contentId: item.contentId, version: item.version, submittedBy: actor.name }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: PublishStatusKey, value: 'validating' },
          { key: ContentIdKey, value: item.contentId },
          { key: OutletsKey, value: item.outlets },
          ...(item.scheduled ? [{ key: ScheduledAtKey, value: new Date(item.scheduled) }] : []),
        ],
        staticSummary: `Content ${item.contentId} v${item.version} → ${item.outlets.join(', ')}`,
        staticDetails: [
          `Submitted by **${actor.name}** (${actor.role}).`,
          `Scheduled: ${item.scheduled ?? 'on approval'}.`,
          'Status, approvals and publications: query `status`, or `GET /v1/content/' +
            item.contentId +
            '`.',
        ].join('\n\n'),
      }),
    );
  } catch (err) {
    // A closed run for this (id, version) is the same item: never re-run it.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

type ContentRow = Prisma.ContentGetPayload<{ include: { approvals: true; publications: true } }>;

export async function getContent(
  deps: PublishingDeps,
  id: string,
  version?: number,
): Promise<ContentView> {
  try {
    const head = await deps.db.content.findFirst({
      where: { contentId: id, ...(version !== undefined ? { version } : {}) },
      orderBy: { version: 'desc' },
      select: { version: true, workflowId: true },
    });
    if (!head)
      throw notFound(version !== undefined ? `content ${id} version ${version}` : `content ${id}`);
    // The live state before the rows: the publish activity commits a publication (its URN)
    // before the workflow learns of it, so rows read after a `published` answer carry the URN.
    // Read the other way round, a confirm landing between the reads showed `published` with a
    // publication still `sending` and no URN.
    const live = await queryState(deps, head.workflowId);
    const [row, versions, killSwitch] = await Promise.all([
      deps.db.content.findUniqueOrThrow({
        where: { contentId_version: { contentId: id, version: head.version } },
        include: {
          approvals: { orderBy: { id: 'asc' } },
          publications: { orderBy: { id: 'asc' } },
        },
      }),
      deps.db.content.findMany({
        where: { contentId: id },
        select: { version: true },
        orderBy: { version: 'desc' },
      }),
      deps.db.killSwitch.findUnique({ where: { id: 1 } }),
    ]);
    return toView(
      row,
      versions.map((v) => v.version),
      live,
      { engaged: killSwitch?.engaged ?? false, reason: killSwitch?.reason ?? null },
    );
  } catch (err) {
    return toAppError(err);
  }
}

/** The workflow's own view; null when no worker or server answers in time (the row is then used). */
async function queryState(deps: PublishingDeps, workflowId: string): Promise<ContentState | null> {
  try {
    const handle = deps.temporal.workflow.getHandle(workflowId);
    return await deps.temporal.withDeadline(
      Date.now() + (deps.workflowCallTimeoutMs ?? 3_000),
      () => handle.query(statusQuery),
    );
  } catch (err) {
    deps.log.warn(
      { workflowId, err: String(err) },
      'status query failed; answering from the database',
    );
    return null;
  }
}

function toView(
  row: ContentRow,
  versions: number[],
  live: ContentState | null,
  globalSwitch: { engaged: boolean; reason: string | null },
): ContentView {
  const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
  return {
    id: row.contentId,
    version: row.version,
    versions,
    workflowId: row.workflowId,
    status: live?.status ?? (row.status as PublishStatus),
    phase: live?.phase ?? (row.status as PublishStatus),
    title: row.title,
    language: row.language,
    outlets: row.outlets,
    scheduledAt: live?.scheduledAt ?? iso(row.scheduledAt),
    scheduledZone: row.scheduledZone,
    contentHash: row.contentHash,
    submittedBy: row.submittedBy,
    createdAt: row.createdAt.toISOString(),
    approvals: row.approvals.map((a) => ({
      decision: a.decision as 'approved' | 'rejected',
      actor: a.actor,
      note: a.note,
      contentHash: a.contentHash,
      at: a.createdAt.toISOString(),
    })),
    publications: row.publications.map((p) => ({
      outlet: p.outlet,
      state: p.state as 'intent' | 'sending' | 'confirmed' | 'failed' | 'unresolved',
      postUrn: p.postUrn,
      url:
        live?.publications.find((lp) => lp.postUrn === p.postUrn)?.url ??
        (p.postUrn ? publicUrl(p.outlet, p.postUrn) : null),
      publishedAt: iso(p.confirmedAt),
      resolution: p.resolution,
      lastError: p.lastError,
    })),
    halt: live?.halt ?? null,
    channels: live?.channels ?? channelsFromRows(row),
    killSwitch: {
      item: live?.itemSwitch ?? { engaged: false, reason: null },
      global: globalSwitch,
    },
    lastError:
      live?.lastError ??
      (row.lastError
        ? { type: 'ERROR', message: row.lastError, at: row.updatedAt.toISOString() }
        : null),
    nextAttemptAt: live?.nextAttemptAt ?? null,
    warnings: live?.warnings ?? [],
    live: live !== null,
  };
}

/** Without the workflow's view: each channel (or outlet, before channels) as its row stands. */
function channelsFromRows(row: ContentRow): ContentView['channels'] {
  const targets =
    storedTargets(row.targets) ??
    row.outlets.map((outlet) => ({ key: outlet, outlet, channelId: null, channelName: null }));
  return targets.map((target) => {
    const pub = row.publications.find((p) =>
      target.channelId ? p.channelId === target.channelId : p.outlet === target.outlet,
    );
    const status =
      pub?.state === 'confirmed' ? 'published' : pub?.state === 'failed' ? 'failed' : 'waiting';
    return {
      key: target.key,
      outlet: target.outlet,
      channel: target.channelName,
      status,
      reason: pub?.lastError ?? null,
      halt: null,
      postUrn: pub?.postUrn ?? null,
      url: pub?.postUrn ? publicUrl(target.outlet, pub.postUrn) : null,
    };
  });
}

/** Where readers find a post: each outlet's public address for it. */
function publicUrl(outlet: string, id: string): string {
  return outlet === 'bluesky' ? blueskyPostUrl(id) : postUrl(id);
}

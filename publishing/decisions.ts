import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ContentState, PublishStatus } from '../contracts/workflow';
import { TERMINAL_STATUSES } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import {
  approveUpdate,
  type contentWorkflow,
  rejectUpdate,
  rescheduleUpdate,
  statusQuery,
} from '../workflows/content.workflow';
import type { Actor, PublishingDeps } from './deps';
import { AppError, ErrorCode, notFound } from './errors';
import { mapError, toAppError } from './temporal-errors';

interface ActionResult {
  id: string;
  version: number;
  status: PublishStatus;
}

async function resolveItem(deps: PublishingDeps, id: string, version?: number) {
  const row = await deps.db.content.findFirst({
    where: { contentId: id, ...(version !== undefined ? { version } : {}) },
    orderBy: { version: 'desc' },
    select: { contentId: true, version: true, workflowId: true },
  });
  if (!row) throw notFound(`content ${id}`);
  return row;
}

/** Runs an editor's action as a workflow Update: the answer says at once whether it was accepted. */
async function act(
  deps: PublishingDeps,
  actor: Actor,
  target: { id: string; version?: number | undefined },
  action: string,
  run: (
    handle: ReturnType<PublishingDeps['temporal']['workflow']['getHandle']>,
  ) => Promise<ContentState>,
): Promise<ActionResult> {
  let item: Awaited<ReturnType<typeof resolveItem>> | undefined;
  try {
    item = await resolveItem(deps, target.id, target.version);
    const handle = deps.temporal.workflow.getHandle(item.workflowId);
    const state = await deps.temporal.withDeadline(
      Date.now() + (deps.workflowCallTimeoutMs ?? 10_000),
      () => run(handle),
    );
    await audit(deps, actor, item, action, 'accepted', null);
    return { id: item.contentId, version: item.version, status: state.status };
  } catch (err) {
    // The row exists, so a workflow Temporal cannot find has finished (closed runs take no updates).
    const mapped =
      item && err instanceof WorkflowNotFoundError
        ? new AppError(ErrorCode.InvalidState, `cannot ${action}: the item has already finished`)
        : mapError(err);
    if (item && mapped instanceof AppError && mapped.status === 409) {
      await audit(deps, actor, item, action, 'refused', mapped.message);
    }
    throw mapped;
  }
}

async function audit(
  deps: PublishingDeps,
  actor: Actor,
  item: { contentId: string; version: number; workflowId: string },
  action: string,
  outcome: 'accepted' | 'refused',
  reason: string | null,
): Promise<void> {
  await appendAudit(deps.db, {
    actor: actor.name,
    action: `api.${action}`,
    subject: item.contentId,
    workflowId: item.workflowId,
    reason,
    details: { version: item.version, role: actor.role, channel: actor.channel, outcome },
  });
}

export function approveContent(
  deps: PublishingDeps,
  actor: Actor,
  target: { id: string; version?: number | undefined },
  body: { note?: string | undefined; contentHash?: string | undefined },
): Promise<ActionResult> {
  return act(deps, actor, target, 'approve', (h) =>
    h.executeUpdate(approveUpdate, {
      args: [
        {
          actor: actor.name,
          ...(body.note ? { note: body.note } : {}),
          ...(body.contentHash ? { contentHash: body.contentHash } : {}),
        },
      ],
    }),
  );
}

export function rejectContent(
  deps: PublishingDeps,
  actor: Actor,
  target: { id: string; version?: number | undefined },
  body: { reason: string },
): Promise<ActionResult> {
  return act(deps, actor, target, 'reject', (h) =>
    h.executeUpdate(rejectUpdate, { args: [{ actor: actor.name, reason: body.reason }] }),
  );
}

export async function rescheduleContent(
  deps: PublishingDeps,
  actor: Actor,
  target: { id: string; version?: number | undefined },
  body: { scheduled: string; zone?: string | undefined },
): Promise<ActionResult> {
  const scheduledAt = new Date(body.scheduled).toISOString();
  const result = await act(deps, actor, target, 'reschedule', (h) =>
    h.executeUpdate(rescheduleUpdate, { args: [{ actor: actor.name, scheduledAt }] }),
  );
  await deps.db.content.update({
    where: { contentId_version: { contentId: result.id, version: result.version } },
    data: { scheduledAt: new Date(scheduledAt), scheduledZone: body.zone ?? null },
  });
  return result;
}

/** Cancels an item that has not started publishing; a post already going out is never cut short. */
export async function cancelContent(
  deps: PublishingDeps,
  actor: Actor,
  target: { id: string; version?: number | undefined },
): Promise<ActionResult> {
  try {
    const item = await resolveItem(deps, target.id, target.version);
    const handle = deps.temporal.workflow.getHandle<typeof contentWorkflow>(item.workflowId);
    const deadline = Date.now() + (deps.workflowCallTimeoutMs ?? 10_000);
    const state = await deps.temporal.withDeadline(deadline, () => handle.query(statusQuery));
    if (state.status === 'publishing' || TERMINAL_STATUSES.includes(state.status)) {
      await audit(deps, actor, item, 'cancel', 'refused', `item is ${state.status}`);
      throw new AppError(ErrorCode.InvalidState, `cannot cancel: the item is ${state.status}`);
    }
    await handle.cancel();
    let status: PublishStatus = 'cancelled';
    try {
      const final = await deps.temporal.withDeadline(deadline, () => handle.result());
      status = final.status;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
    }
    await audit(deps, actor, item, 'cancel', 'accepted', null);
    return { id: item.contentId, version: item.version, status };
  } catch (err) {
    return toAppError(err);
  }
}

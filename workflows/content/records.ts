import {
  allHandlersFinished,
  condition,
  log,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ContentState, HaltReason, PublishStatus } from '../../contracts/workflow';
import { HaltReasonKey, PublishStatusKey, ScheduledAtKey } from '../../contracts/search-attributes';
import { legacy, local } from './proxies';
import type { ContentItem } from './state';

// How an item's steps become visible: its `status` (query), its search attributes (Temporal UI),
// its details line, the `content` row and the audit journal. Activities that do the work record
// the step in the same transaction (validate, decisions, publish); what only the workflow knows
// (halts, releases, cancellation) is recorded here with a local activity. Runs recorded before
// that change keep their one-activity-per-transition shape (`item.legacy`) so they replay.

export interface StepError {
  type: string;
  message: string;
}

/** Shows and records a status change the workflow alone decided. */
export async function transition(
  item: ContentItem,
  to: PublishStatus,
  actor: string,
  reason: string | null,
  options: { error?: StepError; haltReason?: HaltReason } = {},
): Promise<void> {
  const from = item.seq === 0 ? null : item.view.status;
  show(item, to, options);
  await (item.legacy ? legacy : local).recordTransition({
    ...item.ref,
    workflowId: item.workflowId,
    runId: item.runId,
    seq: ++item.seq,
    from,
    to,
    actor,
    reason,
    haltReason: options.haltReason ? (item.view.halt?.message ?? options.haltReason) : null,
    lastError: options.error ? `${options.error.type}: ${options.error.message}` : null,
  });
}

/** Shows a status change an activity has already recorded (same transaction as its work). */
export function recorded(item: ContentItem, to: PublishStatus, error?: StepError): void {
  show(item, to, error ? { error } : {});
}

/** An audit entry that changes no status (a reschedule, a halt). Never fails the workflow. */
export async function audit(
  item: ContentItem,
  action: string,
  actor: string,
  reason: string | null,
): Promise<void> {
  try {
    await (item.legacy ? legacy : local).recordTransition({
      ...item.ref,
      workflowId: item.workflowId,
      runId: item.runId,
      seq: ++item.seq,
      from: item.view.status,
      to: item.view.status,
      actor,
      reason: `${action}${reason ? `: ${reason}` : ''}`,
      haltReason: null,
      lastError: null,
    });
  } catch (err) {
    log.warn('audit write failed', { action, error: String(err) });
  }
}

/** Ends the run in `to`; `alreadyRecorded` when the activity that decided it wrote it. */
export async function finish(
  item: ContentItem,
  to: PublishStatus,
  actor: string,
  reason: string | null,
  options: { error?: StepError; alreadyRecorded?: boolean } = {},
): Promise<ContentState> {
  item.view.halt = null;
  if (options.alreadyRecorded) recorded(item, to, options.error);
  else await transition(item, to, actor, reason, options.error ? { error: options.error } : {});
  await condition(allHandlersFinished);
  return item.view;
}

/** Moves the search attributes after a reschedule. */
export function showSchedule(item: ContentItem): void {
  if (item.view.scheduledAt) {
    upsertSearchAttributes([{ key: ScheduledAtKey, value: new Date(item.view.scheduledAt) }]);
  }
  describe(item);
}

/** Leaving a halt clears its reason, so `HaltReason` never outlives the halt. */
export function clearHaltReason(item: ContentItem): void {
  upsertSearchAttributes([{ key: HaltReasonKey, value: null }]);
  if (item.listed) item.listed = { ...item.listed, haltReason: null };
}

function show(
  item: ContentItem,
  to: PublishStatus,
  options: { error?: StepError; haltReason?: HaltReason },
): void {
  const { view } = item;
  view.status = to;
  if (to !== 'halted') view.phase = to;
  if (options.error) view.lastError = { ...options.error, at: new Date().toISOString() };
  const haltReason = to === 'halted' ? (options.haltReason ?? null) : null;
  const pairs: SearchAttributeUpdatePair[] = [
    { key: PublishStatusKey, value: to },
    { key: HaltReasonKey, value: haltReason },
  ];
  // Older runs re-sent the schedule with every transition; newer ones only when it moves.
  if (item.legacy && view.scheduledAt) {
    pairs.push({ key: ScheduledAtKey, value: new Date(view.scheduledAt) });
  }
  if (changesList(item, to, haltReason)) upsertSearchAttributes(pairs);
  describe(item);
}

/**
 * Whether the Temporal UI's list must learn of this status. Each search-attribute write is a
 * visibility write on the server (docs/performance.md, G2: the most expensive event an item adds),
 * so lean runs write only what changes the list, and a post that starts on time stays listed
 * `scheduled` for the moment it spends at the outlet, until it is `published` (or halted, or
 * failed). The `status` query, the API and the audit journal say `publishing` all the same.
 */
function changesList(item: ContentItem, to: PublishStatus, haltReason: HaltReason | null): boolean {
  if (!item.leanVisibility) return true;
  const { listed } = item;
  if (listed?.status === 'scheduled' && to === 'publishing') return false;
  if (listed?.status === to && listed.haltReason === haltReason) return false;
  item.listed = { status: to, haltReason };
  return true;
}

/** What the Temporal UI shows under "Current details": the item, then each channel. */
export function describe({ view }: ContentItem): void {
  const lines = [
    `**${view.status}**${view.halt ? ` — ${view.halt.message}` : ''}`,
    `content \`${view.contentId}\` v${view.version} → ${view.outlets.join(', ') || '…'}`,
    `scheduled: ${view.scheduledAt ?? 'on approval'}`,
    ...(view.channels.length > 0
      ? view.channels.map(
          (c) =>
            `${c.key}: **${c.status}**${c.url ? ` ${c.url}` : ''}${c.reason ? ` — ${c.reason}` : ''}`,
        )
      : view.publications.map((p) => `published on ${p.outlet}: ${p.url}`)),
    ...(view.lastError ? [`last error: ${view.lastError.type}: ${view.lastError.message}`] : []),
  ];
  setCurrentDetails(lines.join('\n\n'));
}

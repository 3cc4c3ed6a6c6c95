import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import type {
  ContentState,
  HaltReason,
  PublishResult,
  PublishStatus,
} from '../../contracts/workflow';
import { park } from './halts';
import { classify, rateLimitDelay, unknownOutcomeMessage } from './outcomes';
import { local, publishToOutlet } from './proxies';
import { describe, finish, recorded, transition } from './records';
import type { ContentItem, TargetRun } from './state';

// Publishing to every target (an outlet and one of its channels) at once, each exactly once and
// on its own: a network that is down, throttled or waiting for re-authorization parks its own
// target and holds back no other. The global and the item's kill switch stop them all. The item
// as a whole ends `published`, `partially_published` or `failed`.

/** While parked for re-authorization, look again this often even without a signal. */
const REAUTH_RECHECK = '10 minutes';

export async function publishEverywhere(item: ContentItem): Promise<ContentState> {
  await Promise.all(item.targets.map((run) => publishTarget(item, run)));
  return CancellationScope.nonCancellable(() => ended(item));
}

async function publishTarget(item: ContentItem, run: TargetRun): Promise<void> {
  while (!isDone(run)) {
    await gate(item);
    await attempt(item, run);
    // The Temporal UI's "Current details" list each channel's progress.
    describe(item);
  }
}

/** Waits until the item is due and no switch is on; one target parks the item, others wait. */
async function gate(item: ContentItem): Promise<void> {
  for (;;) {
    const halt = item.switchHalt();
    if (halt) {
      if (item.switchParked) {
        await condition(() => !item.switchParked);
        continue;
      }
      item.switchParked = true;
      try {
        await park(item, halt.reason, halt.message);
      } finally {
        item.switchParked = false;
      }
      await settle(item);
      continue;
    }
    const due = item.view.scheduledAt ? Date.parse(item.view.scheduledAt) : Date.now();
    const wait = due - Date.now();
    if (wait <= 0) return;
    if (item.view.status !== 'scheduled') await settle(item);
    const seen = item.scheduleChanges;
    await condition(() => item.scheduleChanges !== seen || item.switchHalt() !== null, wait);
  }
}

async function attempt(item: ContentItem, run: TargetRun): Promise<void> {
  const { target, progress } = run;
  // One target alone (the common case): the activity records `publishing` and `published` with
  // its own writes. Several: the workflow records the item's progress as a whole.
  const alone = item.targets.length === 1;
  progress.status = 'publishing';
  const from = item.view.status;
  if (alone) recorded(item, 'publishing');
  else await settle(item);
  const record = alone
    ? { runId: item.runId, from, publishingSeq: ++item.seq, publishedSeq: ++item.seq, final: true }
    : undefined;
  const resend = run.resendAuthorized;
  run.resendAuthorized = false;
  let result: PublishResult;
  try {
    // Once the outlet call has started it must finish and be recorded, even if cancelled.
    result = await CancellationScope.nonCancellable(() =>
      publishToOutlet({
        ...item.ref,
        workflowId: item.workflowId,
        outlet: target.outlet,
        target,
        contentHash: item.view.contentHash ?? '',
        call: ++item.publishCalls,
        ...(resend ? { resendAuthorized: true } : {}),
        ...(record ? { record } : {}),
      }),
    );
  } catch (err) {
    const outcome = classify(err);
    if (outcome.kind === 'unknown') {
      return parkTarget(item, run, 'outcome_unknown', unknownOutcomeMessage(outcome.message));
    }
    return failTarget(item, run, outcome.type, outcome.message);
  }
  switch (result.kind) {
    case 'published':
      progress.status = 'published';
      progress.reason = null;
      progress.postUrn = result.postUrn;
      progress.url = result.url;
      item.view.publications.push({
        outlet: target.outlet,
        postUrn: result.postUrn,
        url: result.url,
        publishedAt: result.publishedAt,
        resolution: result.resolution,
      });
      return;
    case 'halted':
      if (result.reason === 'kill_switch') {
        // The activity read the switch from Postgres (the truth); the signal may not have come.
        item.view.globalSwitch = { engaged: true, reason: result.message };
        progress.status = 'waiting';
        return;
      }
      return parkTarget(item, run, result.reason, result.message);
    case 'unresolved':
      return parkTarget(item, run, 'outcome_unknown', result.message);
    case 'media_pending':
      // The outlet is still processing the uploaded media: wait durably, then ask again.
      return wait(item, run, result.retryAfterMs, 'MEDIA_PENDING', result.message);
    case 'rate_limited':
      run.rateLimitStreak++;
      return wait(
        item,
        run,
        rateLimitDelay(result.retryAfterMs, run.rateLimitStreak),
        'RATE_LIMITED',
        `rate limited by the outlet (${result.message})`,
      );
  }
}

async function wait(
  item: ContentItem,
  run: TargetRun,
  ms: number,
  type: 'RATE_LIMITED' | 'MEDIA_PENDING',
  reason: string,
): Promise<void> {
  run.progress.status = 'waiting';
  run.progress.reason = reason;
  item.view.nextAttemptAt = new Date(Date.now() + ms).toISOString();
  item.view.lastError = { type, message: reason, at: new Date().toISOString() };
  await settle(item, `${reason}; next attempt at ${item.view.nextAttemptAt}`);
  await sleep(ms);
  item.view.nextAttemptAt = null;
}

/** Parks one target until its reason is gone (a reconnect, an operator's release). */
async function parkTarget(
  item: ContentItem,
  run: TargetRun,
  reason: HaltReason,
  message: string,
): Promise<void> {
  const { progress } = run;
  progress.status = 'parked';
  progress.halt = reason;
  progress.reason = message;
  run.parkedSince = new Date().toISOString();
  await settle(item);
  if (reason === 'reauth_required') {
    const seen = item.reconnects;
    await condition(() => item.reconnects !== seen, REAUTH_RECHECK);
  } else {
    // outcome_unknown, linkedin_version: an operator's signed release clears it (decisions.ts).
    await condition(() => progress.halt === null);
  }
  progress.status = 'waiting';
  progress.halt = null;
  progress.reason = null;
  run.parkedSince = null;
  const stillParked = item.targets.some((r) => r.progress.status === 'parked');
  if (!stillParked && !item.switchParked) item.view.halt = null;
}

async function failTarget(
  item: ContentItem,
  run: TargetRun,
  type: string,
  message: string,
): Promise<void> {
  run.progress.status = 'failed';
  run.progress.reason = `${type}: ${message}`;
  item.view.lastError = { type, message, at: new Date().toISOString() };
  // One target alone: the item's own `failed` says it. Several: this channel's row and audit.
  if (item.targets.length > 1) {
    await local.recordChannelFailure({
      ...item.ref,
      workflowId: item.workflowId,
      target: run.target.key,
      type,
      message,
    });
  }
}

/** Records the item's status when its targets' progress changes it. */
async function settle(item: ContentItem, reason: string | null = null): Promise<void> {
  const to = progressStatus(item);
  const parked = to === 'halted' ? item.targets.find((r) => r.progress.status === 'parked') : null;
  if (parked?.progress.halt) {
    item.view.halt = {
      reason: parked.progress.halt,
      message: `${parked.target.key}: ${parked.progress.reason ?? ''}`,
      since: parked.parkedSince ?? new Date().toISOString(),
    };
  } else if (to !== 'halted' && item.view.halt && !item.switchParked) {
    item.view.halt = null;
  }
  if (to === item.view.status) return;
  await transition(item, to, 'system', reason ?? item.view.halt?.message ?? null, {
    ...(item.view.halt ? { haltReason: item.view.halt.reason } : {}),
  });
}

/** While targets are open: publishing if any is, halted if every open one is parked. */
function progressStatus(item: ContentItem): PublishStatus {
  const open = item.targets.filter((r) => !isDone(r));
  if (open.some((r) => r.progress.status === 'publishing')) return 'publishing';
  if (open.length > 0 && open.every((r) => r.progress.status === 'parked')) return 'halted';
  return 'scheduled';
}

/** Every target done: published, partially published (some failed) or failed. */
function ended(item: ContentItem): Promise<ContentState> {
  const published = item.targets.filter((r) => r.progress.status === 'published');
  const failed = item.targets.filter((r) => r.progress.status === 'failed');
  const reasons = failed.map((r) => `${r.target.key}: ${r.progress.reason}`);
  if (failed.length === 0) {
    const alone = item.targets.length === 1;
    const urns = published.map((r) => r.progress.postUrn).join(', ');
    // One target: its confirmation recorded `published` with the post.
    return finish(item, 'published', 'system', urns, { alreadyRecorded: alone });
  }
  const to = published.length > 0 ? 'partially_published' : 'failed';
  // One target: its own failure, word for word; several: each failed channel and why.
  const error =
    item.targets.length === 1 && item.view.lastError
      ? { type: item.view.lastError.type, message: item.view.lastError.message }
      : { type: item.view.lastError?.type ?? 'FAILED', message: reasons.join('; ') };
  return finish(item, to, 'system', error.message, { error });
}

function isDone(run: TargetRun): boolean {
  return run.progress.status === 'published' || run.progress.status === 'failed';
}

/** Cancelled from the Temporal UI (or the API): what went out stays recorded. */
export function cancelledTargets(item: ContentItem): Promise<ContentState> {
  const published = item.targets.filter((r) => r.progress.status === 'published').length;
  if (published === 0) return finish(item, 'cancelled', 'operator', 'cancelled in Temporal');
  const to = published === item.targets.length ? 'published' : 'partially_published';
  return finish(item, to, 'operator', 'cancel requested after some posts went out');
}

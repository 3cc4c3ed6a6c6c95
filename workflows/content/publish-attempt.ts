import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import type { PublishResult } from '../../contracts/workflow';
import { classify, rateLimitDelay, unknownOutcomeMessage } from './outcomes';
import { publishToOutlet } from './proxies';
import { park } from './halts';
import { finish, transition } from './records';
import type { ContentItem } from './state';

// Publishing as runs recorded before per-channel publishing do it: one outlet after the other,
// each parking the whole item. Sleep until due (a reschedule re-arms the timer, a switch parks
// the item), make one call, and act on what the outlet said. The publish activity keeps the post
// exactly-once; this module decides what the item does next. New runs: targets.ts.

type Attempt = 'published' | 'failed' | 'retry';

/** Returns false when the item failed for good (already recorded). */
export async function publishWhenDue(item: ContentItem, outlet: string): Promise<boolean> {
  for (;;) {
    await waitUntilDue(item);
    const result = await attempt(item, outlet);
    if (result !== 'retry') return result === 'published';
    // Not published: parked or rate limited; the loop waits and tries again.
  }
}

/** Sleeps until the scheduled time; a reschedule re-arms the timer, a halt parks the item. */
async function waitUntilDue(item: ContentItem): Promise<void> {
  for (;;) {
    const halt = item.switchHalt();
    if (halt) {
      await park(item, halt.reason, halt.message);
      continue;
    }
    if (item.view.status !== 'scheduled') await transition(item, 'scheduled', 'system', null);
    const due = item.view.scheduledAt ? Date.parse(item.view.scheduledAt) : Date.now();
    const wait = due - Date.now();
    if (wait <= 0) return;
    const seen = item.scheduleChanges;
    await condition(() => item.scheduleChanges !== seen || item.switchHalt() !== null, wait);
  }
}

async function attempt(item: ContentItem, outlet: string): Promise<Attempt> {
  await transition(item, 'publishing', 'system', `publishing to ${outlet}`);
  const resend = item.resendAuthorized;
  item.resendAuthorized = false;
  let result: PublishResult;
  try {
    // Once the outlet call has started it must finish and be recorded, even if cancelled;
    // what follows (parking, waiting out a rate limit) stays cancellable.
    result = await CancellationScope.nonCancellable(() =>
      publishToOutlet({
        ...item.ref,
        workflowId: item.workflowId,
        outlet,
        contentHash: item.view.contentHash ?? '',
        call: ++item.publishCalls,
        ...(resend ? { resendAuthorized: true } : {}),
      }),
    );
  } catch (err) {
    return failed(item, err);
  }
  switch (result.kind) {
    case 'published':
      item.view.publications.push({
        outlet,
        postUrn: result.postUrn,
        url: result.url,
        publishedAt: result.publishedAt,
        resolution: result.resolution,
      });
      item.view.lastError = null;
      item.view.nextAttemptAt = null;
      return 'published';
    case 'halted':
      // The activity read the switch from Postgres (the truth); the signal may not have come.
      if (result.reason === 'kill_switch')
        item.view.globalSwitch = { engaged: true, reason: result.message };
      await park(item, result.reason, result.message);
      return 'retry';
    case 'unresolved':
      await park(item, 'outcome_unknown', result.message);
      return 'retry';
    case 'media_pending':
      // The outlet is still processing the uploaded media: wait durably, then ask again.
      item.view.nextAttemptAt = new Date(Date.now() + result.retryAfterMs).toISOString();
      await sleep(result.retryAfterMs);
      item.view.nextAttemptAt = null;
      return 'retry';
    case 'rate_limited': {
      item.rateLimitStreak++;
      const delay = rateLimitDelay(result.retryAfterMs, item.rateLimitStreak);
      item.view.lastError = {
        type: 'RATE_LIMITED',
        message: result.message,
        at: new Date().toISOString(),
      };
      item.view.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      await transition(
        item,
        'scheduled',
        'system',
        `rate limited by the outlet; next attempt at ${item.view.nextAttemptAt}`,
      );
      await sleep(delay);
      item.view.nextAttemptAt = null;
      return 'retry';
    }
  }
}

/** The activity gave up: an unknown outcome parks the item for an operator, anything else fails it. */
async function failed(item: ContentItem, err: unknown): Promise<Attempt> {
  const outcome = classify(err);
  if (outcome.kind === 'unknown') {
    await park(item, 'outcome_unknown', unknownOutcomeMessage(outcome.message));
    return 'retry';
  }
  const error = { type: outcome.type, message: outcome.message };
  await CancellationScope.nonCancellable(() =>
    finish(item, 'failed', 'system', outcome.message, { error }),
  );
  return 'failed';
}

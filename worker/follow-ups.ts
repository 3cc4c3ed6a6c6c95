// Engagement follow-ups are started here, a moment after their posts. The publish activity writes
// the follow-up's input onto the publication row in the confirmation's own statement
// (`publications.follow_up`); this starter starts what is marked and clears the mark. A follow-up's
// first checkpoint is an hour away, while a burst of due posts needs all of Temporal's server:
// marks wait until no post has been confirmed for a moment (bounded, so a steady stream of posts
// cannot hold them back for long). The mark makes it durable (a worker that dies leaves it for the
// next), the derived workflow id makes a repeated start a no-op, and rows being started are
// locked (SKIP LOCKED), so several workers share the work instead of repeating it.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FollowUps } from '../activities/publish';
import { engagementWorkflowId } from '../contracts/ids';
import {
  ENGAGEMENT_CHECKPOINTS,
  type EngagementInput,
  type FollowUpMark,
} from '../contracts/workflow';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/logger';
import type { engagementWorkflow } from '../workflows/engagement.workflow';

export interface FollowUpTiming {
  /** Start marked follow-ups once no post was confirmed in this worker for this long. */
  quietMs: number;
  /** ...or once the oldest mark this worker knows of waited this long, busy or not. */
  maxDeferMs: number;
  /** Look for marks left by other workers (or a worker that died) this often. */
  pollMs: number;
}

export const FOLLOW_UP_TIMING: FollowUpTiming = {
  quietMs: 1_000,
  maxDeferMs: 30_000,
  pollMs: 15_000,
};
/** Rows locked and started per transaction, and starts in flight at once. */
const BATCH = 50;
const CONCURRENCY = 4;

export interface FollowUpStarter extends FollowUps {
  /** Starts the marked follow-ups (a backlog batch by batch, as posts allow); how many started. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export function startFollowUps(deps: {
  db: Db;
  client: Client;
  log: Logger;
  timing?: FollowUpTiming;
}): FollowUpStarter {
  const { db, log } = deps;
  const timing = deps.timing ?? FOLLOW_UP_TIMING;
  const stopping = new AbortController();
  let lastPending = -Infinity;
  let oldestPending: number | null = null;
  let wake = (): void => {};

  // One drain at a time in a worker: a drain asked for while one runs follows it.
  let draining: Promise<unknown> = Promise.resolve();
  function drain(): Promise<number> {
    const next = draining.then(drainAll, drainAll);
    draining = next.catch(() => undefined);
    return next;
  }

  async function drainAll(): Promise<number> {
    let started = 0;
    for (;;) {
      const round = Date.now();
      const batch = await startBatch();
      started += batch.started;
      if (batch.locked < BATCH || stopping.signal.aborted) {
        // Posts confirmed while this round ran: their marks wait for the next round.
        oldestPending = lastPending >= round ? round : null;
        return started;
      }
      // A backlog: the next batch waits for quiet too, but not past the oldest mark's deadline,
      // so a steady stream of posts cannot make the backlog grow.
      await untilQuiet();
    }
  }

  /** Locks up to a batch of marks, starts them and clears the marks of those that started. */
  function startBatch(): Promise<{ locked: number; started: number }> {
    return db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ id: bigint; followUp: FollowUpMark }[]>`
          SELECT "id", "follow_up" AS "followUp" FROM "publications"
           WHERE "follow_up" IS NOT NULL ORDER BY "id" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
        const started: bigint[] = [];
        const refused: unknown[] = [];
        for (let i = 0; i < rows.length; i += CONCURRENCY) {
          const slice = rows.slice(i, i + CONCURRENCY);
          const results = await Promise.allSettled(slice.map((r) => start(r.followUp)));
          results.forEach((result, j) => {
            if (result.status === 'fulfilled') started.push(slice[j]!.id);
            else refused.push(result.reason);
          });
        }
        if (refused.length > 0) {
          log.warn(
            { failed: refused.length, err: refused[0] },
            'engagement follow-ups not started; retried later',
          );
        }
        if (started.length > 0) {
          await tx.$executeRaw`
            UPDATE "publications" SET "follow_up" = NULL
             WHERE "id" = ANY(${started.map(String)}::bigint[])`;
        }
        return { locked: rows.length, started: started.length };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }

  async function start({ taskQueue, input }: FollowUpMark): Promise<void> {
    try {
      await deps.client.workflow.start<typeof engagementWorkflow>('engagementWorkflow', {
        workflowId: engagementWorkflowId(input.workflowId, input.target ?? input.outlet),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        ...startDelay(input),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** Waits while posts are going out, for at most `maxDeferMs` after the oldest mark. */
  async function untilQuiet(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const at = Math.min(lastPending + timing.quietMs, (oldestPending ?? now) + timing.maxDeferMs);
      if (now >= at || stopping.signal.aborted) return;
      await pause(at - now);
    }
  }

  async function pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
  }

  // The first round starts at once (marks left by a worker that stopped); a drain asked for right
  // after start-up follows it.
  async function run(): Promise<void> {
    let round = drain();
    for (;;) {
      try {
        await round;
      } catch (err) {
        log.warn({ err }, 'engagement follow-ups not started; retried later');
      }
      // A post confirmed during the drain: wait for quiet again rather than for the poll.
      if (oldestPending === null) await idle();
      await untilQuiet();
      if (stopping.signal.aborted) return;
      round = drain();
    }
  }

  /** Until `pending` (or the poll interval, for marks this worker was not told of). */
  async function idle(): Promise<void> {
    if (stopping.signal.aborted) return;
    const woken = new AbortController();
    const abort = () => woken.abort();
    wake = abort;
    stopping.signal.addEventListener('abort', abort, { once: true });
    await sleep(timing.pollMs, undefined, { signal: woken.signal }).catch(() => undefined);
    stopping.signal.removeEventListener('abort', abort);
    wake = () => {};
  }

  const running = run();
  return {
    pending() {
      lastPending = Date.now();
      oldestPending ??= lastPending;
      wake();
    },
    drain,
    async stop() {
      stopping.abort();
      wake();
      await running;
    },
  };
}

/** Until the first checkpoint is due (none when it already is, or checkpoints are custom). */
function startDelay(input: EngagementInput): { startDelay?: number } {
  const first = (input.checkpoints ?? ENGAGEMENT_CHECKPOINTS)[0];
  if (!first) return {};
  const ms = Date.parse(input.publishedAt) + first.afterMs - Date.now();
  return ms > 1_000 ? { startDelay: ms } : {};
}

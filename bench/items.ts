// Driving our pipeline the way the API does (publishing/*), and the bare one through the client.
import { contentWorkflowId } from '../contracts/ids';
import { TERMINAL_STATUSES, type PublishStatus } from '../contracts/workflow';
import { submitContent } from '../publishing/content';
import type { contentWorkflow } from '../workflows/content/workflow';
import { approveContent } from '../publishing/decisions';
import { EDITOR, INTEGRATION, post } from '../test/helpers/content';
import { approveSignal, barePipeline, stageQuery, type BareStage } from './bare.workflow';
import type { Harness } from './harness';

let serial = 0;
/** Unique ids, and a unique text: the stand-in refuses an identical post as a duplicate. */
export function nextId(prefix: string): string {
  serial += 1;
  return `${prefix}-${process.pid}-${serial}`;
}

export async function submitOurs(h: Harness, id: string, scheduled?: string): Promise<void> {
  await submitContent(h.publishing, INTEGRATION, {
    id,
    markdown: post({ ...(scheduled ? { scheduled } : {}), body: `Bench item ${id} #bench` }),
  });
}

export async function approveOurs(h: Harness, id: string): Promise<void> {
  const { contentHash } = await h.db.content.findUniqueOrThrow({
    where: { contentId_version: { contentId: id, version: 1 } },
    select: { contentHash: true },
  });
  await approveContent(h.publishing, EDITOR, { id, version: 1 }, { contentHash });
}

export function ourHandle(h: Harness, id: string) {
  return h.temporal.workflow.getHandle<typeof contentWorkflow>(contentWorkflowId(id, 1));
}

/** Activities per bare pipeline until G1 has counted our own (contentWorkflow's happy path). */
export const bareShape = { activities: 9 };

export async function startBare(h: Harness, id: string, sleepUntil?: number): Promise<void> {
  await h.temporal.workflow.start(barePipeline, {
    workflowId: id,
    taskQueue: h.bare.taskQueue,
    args: sleepUntil === undefined ? [bareShape.activities] : [bareShape.activities, sleepUntil],
  });
}

export async function signalBare(h: Harness, id: string): Promise<void> {
  await h.temporal.workflow.getHandle(id).signal(approveSignal, 'bench-editor');
}

/**
 * Waits for items to reach a status by polling the `content` mirror for all waiters in one query
 * per tick: an approval is only accepted in `awaiting_approval`, and asking Postgres keeps the
 * waiting off the Temporal server being measured.
 */
export class StatusWatcher {
  readonly #waiting = new Map<
    string,
    { status: PublishStatus; resolve: () => void; reject: (err: Error) => void }
  >();
  #polling = false;

  constructor(
    private readonly h: Harness,
    private readonly everyMs = 50,
  ) {}

  until(id: string, status: PublishStatus): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { status, resolve, reject });
      if (!this.#polling) {
        this.#polling = true;
        setTimeout(() => void this.#poll(), this.everyMs);
      }
    });
  }

  async #poll(): Promise<void> {
    const ids = [...this.#waiting.keys()];
    const rows = await this.h.db.content
      .findMany({ where: { contentId: { in: ids } }, select: { contentId: true, status: true } })
      .catch(() => []);
    for (const row of rows) {
      const waiter = this.#waiting.get(row.contentId);
      if (!waiter) continue;
      const status = row.status as PublishStatus;
      if (waiter.status === status) {
        this.#waiting.delete(row.contentId);
        waiter.resolve();
      } else if (TERMINAL_STATUSES.includes(status)) {
        // A bench item that ended elsewhere (failed validation…) would otherwise hang the run.
        this.#waiting.delete(row.contentId);
        waiter.reject(new Error(`${row.contentId} ended ${status}, not ${waiter.status}`));
      }
    }
    if (this.#waiting.size > 0) setTimeout(() => void this.#poll(), this.everyMs);
    else this.#polling = false;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight (closed loop). */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/** Polls the bare workflow's stage query (the bare pipeline has no database mirror). */
export async function untilBareStage(h: Harness, id: string, stage: BareStage): Promise<void> {
  const handle = h.temporal.workflow.getHandle(id);
  while ((await handle.query(stageQuery)) !== stage) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Submits our items and waits until each awaits approval (a pool for approvals). */
export async function ourPool(
  h: Harness,
  watcher: StatusWatcher,
  ids: string[],
  scheduled: string,
  concurrency: number,
): Promise<void> {
  await forEachLimit(ids, concurrency, async (id) => {
    await submitOurs(h, id, scheduled);
    await watcher.until(id, 'awaiting_approval');
  });
}

/** Starts bare pipelines and waits until each awaits its signal. */
export async function barePool(
  h: Harness,
  ids: string[],
  sleepUntil: number,
  concurrency: number,
): Promise<void> {
  await forEachLimit(ids, concurrency, async (id) => {
    await startBare(h, id, sleepUntil);
    await untilBareStage(h, id, 'awaiting');
  });
}

/** How fast the dev server accepts starts (bare pipelines that then wait for their signal). */
export async function measureStartRate(h: Harness, count: number): Promise<number> {
  const ids = Array.from({ length: count }, () => nextId('start-rate'));
  const started = performance.now();
  await forEachLimit(ids, 20, (id) => startBare(h, id));
  const rate = count / ((performance.now() - started) / 1000);
  // Let their first activities finish before anything is timed.
  await forEachLimit(ids, 20, (id) => untilBareStage(h, id, 'awaiting'));
  return Math.round(rate * 10) / 10;
}

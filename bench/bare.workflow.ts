// The bare baselines: plain Temporal workflows shaped like contentWorkflow's happy path, without
// its database, audit, search attributes or outlet call. Bundled on their own task queue.
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { createBareActivities } from './bare-activities';

const { noop, receipt } = proxyActivities<ReturnType<typeof createBareActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export const approveSignal = defineSignal<[string]>('approve');
/** G3's second baseline: the same approval as an Update that records it (one no-op activity). */
export const approveUpdate = defineUpdate<BareStage, [string]>('approveUpdate');
/** Where the pipeline is, so the harness starts timing only once a pool is idle (G3, G4). */
export const stageQuery = defineQuery<BareStage>('stage');
export type BareStage = 'starting' | 'awaiting' | 'approved' | 'sleeping' | 'publishing';

/** contentWorkflow runs three activities before it awaits the decision (transition, validate, transition). */
const BEFORE_DECISION = 3;
/** …and, once approved, three before it sleeps (decision record, transition, token check). */
const BEFORE_SLEEP = 3;

/**
 * contentWorkflow's happy path without its work: `activities` no-op activities in total (G1
 * passes the count our own histories showed), three before the signal. With `sleepUntil` it
 * sleeps after the approval's first three, like an approved item waiting for its time (G3, G4).
 */
export async function barePipeline(activities: number, sleepUntil?: number): Promise<void> {
  let approved = false;
  let recorded = false;
  let stage: BareStage = 'starting';
  setHandler(approveSignal, () => {
    approved = true;
  });
  setHandler(stageQuery, () => stage);
  setHandler(approveUpdate, async () => {
    await noop();
    recorded = true;
    approved = true;
    return stage;
  });
  for (let i = 0; i < BEFORE_DECISION; i++) await noop();
  stage = 'awaiting';
  await condition(() => approved);
  stage = 'approved';
  const after = Math.max(0, activities - BEFORE_DECISION);
  for (let i = recorded ? 1 : 0; i < after; i++) {
    if (i === BEFORE_SLEEP && sleepUntil !== undefined) {
      stage = 'sleeping';
      await sleep(Math.max(0, sleepUntil - Date.now()));
      stage = 'publishing';
    }
    await noop();
  }
}

/** G2's baseline: sleeps until `dueMs`, then records when it woke. */
export async function bareSleeper(key: string, dueMs: number): Promise<void> {
  await sleep(Math.max(0, dueMs - Date.now()));
  await receipt(key);
}

// The bare arm: the mission's minimal shape, fixed (RELIABILITY.md §5, G1) and not sized from our
// histories: one validate activity, one approval Update, a timer, one publish activity that posts
// to the same stand-in. No database, audit, search attributes or child workflow.
import {
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { BareActivities } from './bare-activities';

const { validate, record, publish } = proxyActivities<BareActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export interface BareInput {
  /** Names the post (`Bench item <key>`), as our items' ids do. */
  key: string;
  /** Epoch ms to publish at; in the past or absent = at once (still one timer). */
  dueMs?: number;
  /** G3's baseline: the Update's handler runs one no-op activity before it answers. */
  recordApproval?: boolean;
}

export type BareStage = 'validating' | 'awaiting' | 'sleeping' | 'publishing' | 'published';

export const approveUpdate = defineUpdate<BareStage, [string]>('approve');
export const stageQuery = defineQuery<BareStage>('stage');

export async function bareItem(input: BareInput): Promise<void> {
  let stage: BareStage = 'validating';
  let approved = false;
  let claimed = false;
  setHandler(stageQuery, () => stage);
  setHandler(
    approveUpdate,
    async (_actor: string): Promise<BareStage> => {
      claimed = true;
      // Sent right after the start, it waits for validation: the bare arm needs no polling.
      await condition(() => stage === 'awaiting');
      if (input.recordApproval) await record();
      approved = true;
      return stage;
    },
    {
      validator: (_actor: string) => {
        if (claimed || (stage !== 'validating' && stage !== 'awaiting')) {
          throw new Error(`cannot approve while ${stage}`);
        }
      },
    },
  );
  await validate(input.key);
  stage = 'awaiting';
  await condition(() => approved);
  stage = 'sleeping';
  // Always one timer, as our items have; Temporal's minimum is 1 ms.
  await sleep(Math.max(1, (input.dueMs ?? 0) - Date.now()));
  stage = 'publishing';
  await publish(input.key);
  stage = 'published';
}

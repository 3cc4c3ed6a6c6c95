import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { EngagementInput, EngagementResult } from '../contracts/workflow';
import { ENGAGEMENT_CHECKPOINTS } from '../contracts/workflow';

type Activities = ReturnType<typeof createActivities>;

const { collectEngagement } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 minute',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 8,
  },
});

/**
 * Reads a published post's statistics at about 1 h, 24 h and 7 days. Where the outlet refuses
 * (the token lacks a read scope), that is recorded once and the follow-up stops.
 */
export async function engagementWorkflow(input: EngagementInput): Promise<EngagementResult[]> {
  const results: EngagementResult[] = [];
  const publishedAt = Date.parse(input.publishedAt);
  for (const checkpoint of input.checkpoints ?? ENGAGEMENT_CHECKPOINTS) {
    const wait = publishedAt + checkpoint.afterMs - Date.now();
    if (wait > 0) await sleep(wait);
    const result = await collectEngagement({
      workflowId: input.workflowId,
      outlet: input.outlet,
      ...(input.target ? { target: input.target } : {}),
      checkpoint: checkpoint.name,
    });
    results.push(result);
    if (result === 'refused') {
      log.info('outlet refuses statistics; follow-up ends', { checkpoint: checkpoint.name });
      break;
    }
  }
  return results;
}

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { engagementWorkflowId } from '../contracts/ids';
import type { FollowUps } from '../activities/publish';
import { ENGAGEMENT_CHECKPOINTS, type EngagementInput } from '../contracts/workflow';
import type { engagementWorkflow } from '../workflows/engagement.workflow';

/**
 * Starts engagement follow-ups from the publish activity: no extra workflow task in the content
 * workflow. The derived id makes a repeated start (a retried activity) a no-op. The start is
 * delayed until the first checkpoint is due, so publishing costs the server one write and no
 * workflow task or timer: that matters when many posts are due at once (RELIABILITY.md G2).
 */
export function engagementFollowUps(client: Client, taskQueue: string): FollowUps {
  return {
    async start(input) {
      try {
        await client.workflow.start<typeof engagementWorkflow>('engagementWorkflow', {
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

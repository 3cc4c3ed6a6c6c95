import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { engagementWorkflowId } from '../contracts/ids';
import type { FollowUps } from '../activities/publish';
import type { engagementWorkflow } from '../workflows/engagement.workflow';

/**
 * Starts engagement follow-ups from the publish activity: no extra workflow task in the content
 * workflow. The derived id makes a repeated start (a retried activity) a no-op.
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
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
  };
}

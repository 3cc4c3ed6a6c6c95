// Workflow IDs are derived from business keys, never random (STYLE.md habit 6).

export const TASK_QUEUE_DEFAULT = 'publishing';

export function contentWorkflowId(contentId: string, version: number): string {
  return `content:${contentId}:v${version}`;
}

export function publicationKey(workflowId: string, outlet: string): string {
  return `${workflowId}:${outlet}`;
}

/** The engagement follow-up of one publication; started at most once per content workflow. */
export function engagementWorkflowId(contentWorkflowId: string, outlet: string): string {
  return `${contentWorkflowId}:engagement:${outlet}`;
}

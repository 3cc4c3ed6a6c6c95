// What the worker bundles: every workflow, by name.
export { contentWorkflow } from './content/workflow';
export { engagementWorkflow } from './engagement.workflow';

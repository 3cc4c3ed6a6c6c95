// What the worker bundles: every workflow, by name.
import './stack-depth';

export { contentWorkflow } from './content/workflow';
export { engagementWorkflow } from './engagement.workflow';

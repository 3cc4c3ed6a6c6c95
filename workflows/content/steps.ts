import { condition, patched, startChild } from '@temporalio/workflow';
import { engagementWorkflowId } from '../../contracts/ids';
import { FailureType, type ContentState, type ValidateResult } from '../../contracts/workflow';
import { engagementWorkflow } from '../engagement.workflow';
import { legacy, local } from './proxies';
import { finish, recorded, transition } from './records';
import type { ContentItem } from './state';

// The steps of the process that are not publishing itself, in the order they happen.

/** Reads and checks the stored content; new runs record the outcome in the same transaction. */
export async function validate(item: ContentItem): Promise<ValidateResult> {
  if (item.legacy) {
    await transition(item, 'validating', item.input.submittedBy, 'submitted');
    return legacy.validateContent(item.ref);
  }
  return local.validateContent({
    ...item.ref,
    workflowId: item.workflowId,
    record: { runId: item.runId, seq: ++item.seq },
  });
}

/** Ends an item whose content is invalid or a draft (new runs: already recorded). */
export function endEarly(item: ContentItem, result: ValidateResult): Promise<ContentState> {
  const alreadyRecorded = !item.legacy;
  if (!result.ok) {
    const error = { type: FailureType.ContentInvalid, message: result.message };
    return finish(item, 'failed', 'system', result.message, { error, alreadyRecorded });
  }
  return finish(item, 'draft', 'system', 'status: draft', { alreadyRecorded });
}

export async function awaitingApproval(item: ContentItem): Promise<void> {
  if (item.legacy) await transition(item, 'awaiting_approval', 'system', null);
  else recorded(item, 'awaiting_approval');
}

/** Waits for a believed decision; meanwhile the item reports `halted` whenever a switch is on. */
export async function awaitDecision(item: ContentItem): Promise<void> {
  while (item.decision === null) {
    const halt = item.switchHalt();
    if (halt && item.view.status !== 'halted') {
      item.view.halt = { ...halt, since: new Date().toISOString() };
      await transition(item, 'halted', 'system', halt.message, { haltReason: halt.reason });
    } else if (!halt && item.view.status === 'halted') {
      item.view.halt = null;
      await transition(item, 'awaiting_approval', 'system', 'kill switch released');
    }
    await condition(
      () =>
        item.decision !== null || (item.switchHalt() !== null) !== (item.view.status === 'halted'),
    );
  }
}

/** New runs recorded `scheduled` and any token warning with the approval itself. */
export async function approved(item: ContentItem, actor: string): Promise<void> {
  if (!item.legacy) return;
  await transition(item, 'scheduled', actor, 'approved');
  // Added after the first release: older histories have no such activity call here.
  if (patched('warn-token-expiry')) {
    const warning = await legacy.checkAccountExpiry({
      ...item.ref,
      workflowId: item.workflowId,
      scheduledAt: item.view.scheduledAt,
    });
    if (warning) item.view.warnings.push(warning);
  }
}

/** Runs from before per-channel publishing: a child follows each publication's engagement. */
export async function published(item: ContentItem): Promise<ContentState> {
  // Added after the first release: older histories start no child here.
  if (patched('engagement-follow-up')) {
    for (const publication of item.view.publications) {
      await startChild(engagementWorkflow, {
        workflowId: engagementWorkflowId(item.workflowId, publication.outlet),
        parentClosePolicy: 'ABANDON',
        args: [
          {
            ...item.ref,
            workflowId: item.workflowId,
            outlet: publication.outlet,
            publishedAt: publication.publishedAt,
          },
        ],
      });
    }
  }
  const urns = item.view.publications.map((p) => p.postUrn).join(', ');
  return finish(item, 'published', 'system', urns);
}

/** Cancelled from the Temporal UI (or the API): recorded, and nothing half-published. */
export function cancelled(item: ContentItem): Promise<ContentState> {
  return item.view.publications.length > 0
    ? finish(item, 'published', 'operator', 'cancel requested after the post went out')
    : finish(item, 'cancelled', 'operator', 'cancelled in Temporal');
}

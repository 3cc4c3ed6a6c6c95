import {
  CancellationScope,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ContentState, ContentWorkflowInput, PublishTarget } from '../../contracts/workflow';
import { installDecisionHandlers } from './decisions';
import { killSwitchQuery, statusQuery } from './definitions';
import { installHaltHandlers } from './halts';
import { publishWhenDue } from './publish-attempt';
import { finish } from './records';
import { cancelledTargets, publishEverywhere } from './targets';
import { ContentItem } from './state';
import {
  approved,
  awaitDecision,
  awaitingApproval,
  cancelled,
  endEarly,
  published,
  validate,
} from './steps';

/** Patch id: runs from here on record steps inside the activities that do the work. */
export const HOT_PATH_V2 = 'hot-path-v2';
/** Patch id: runs from here on skip the search-attribute writes that change nothing listed. */
export const LEAN_VISIBILITY = 'lean-visibility';

/** One content item, from submission to a single post on each outlet. */
export async function contentWorkflow(input: ContentWorkflowInput): Promise<ContentState> {
  const { workflowId, runId } = workflowInfo();
  // Newest patch first: a run that has it never asks for the older one (one marker per run).
  const lean = patched(LEAN_VISIBILITY);
  const item = new ContentItem(input, workflowId, runId, {
    legacy: !lean && !patched(HOT_PATH_V2),
    leanVisibility: lean,
  });
  installDecisionHandlers(item);
  installHaltHandlers(item);
  setHandler(statusQuery, () => item.view);
  setHandler(killSwitchQuery, () => ({
    item: item.view.itemSwitch,
    global: item.view.globalSwitch,
  }));

  try {
    const validated = await validate(item);
    if (!validated.ok || validated.status === 'draft') return await endEarly(item, validated);
    item.view.contentHash = validated.contentHash;
    item.view.outlets = validated.outlets;
    if (!item.legacy) item.aim(validated.targets ?? validated.outlets.map(outletOnly));
    item.view.globalSwitch = validated.globalSwitch;
    item.view.scheduledAt ??= validated.scheduledAt;
    await awaitingApproval(item);

    await awaitDecision(item);
    const decision = item.decision;
    if (!decision?.approved) {
      const note = item.view.approvals.at(-1)?.note ?? null;
      return await finish(item, 'rejected', decision?.actor ?? 'system', note, {
        alreadyRecorded: !item.legacy,
      });
    }
    await approved(item, decision.actor);
    if (!item.legacy) return await publishEverywhere(item);

    // Runs from before per-channel publishing: one outlet after the other.
    for (const outlet of item.view.outlets) {
      if (!(await publishWhenDue(item, outlet))) return item.view;
    }
    return await CancellationScope.nonCancellable(() => published(item));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() =>
      item.legacy ? cancelled(item) : cancelledTargets(item),
    );
    throw err;
  }
}

/** An item validated before channels existed goes to each outlet's one account. */
function outletOnly(outlet: string): PublishTarget {
  return { outlet, channelId: null, channelName: null, key: outlet };
}

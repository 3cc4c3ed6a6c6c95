import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SignedDecision } from '../../contracts/decisions';
import type { ContentState } from '../../contracts/workflow';

// The messages a content workflow answers. The API sends the signed Updates; operators may send
// `halt` (always safe) from the Temporal UI. Decisions sent straight to Temporal without the
// API's signature change nothing.

export const approveUpdate = defineUpdate<ContentState, [SignedDecision]>('approve');
export const rejectUpdate = defineUpdate<ContentState, [SignedDecision]>('reject');
export const rescheduleUpdate = defineUpdate<ContentState, [SignedDecision]>('reschedule');
/** Lifts an operator's halt, or authorizes a re-send after an unknown outcome. */
export const releaseUpdate = defineUpdate<ContentState, [SignedDecision]>('releaseItem');
/** The API's halt, naming the operator; the `halt` signal below is the Temporal UI's. */
export const haltUpdate = defineUpdate<ContentState, [SignedDecision]>('haltItem');

/** From the Temporal UI: stops the item before its outlet call; recorded as "via Temporal". */
export const haltSignal = defineSignal<[unknown]>('halt');
/** The global switch: engaging is believed at once, releasing only with the API's signature. */
export const globalSwitchSignal = defineSignal<[GlobalSwitchMessage]>('globalKillSwitch');
/** An account was reconnected: items parked for re-authorization look again. */
export const accountReconnectedSignal = defineSignal<[]>('accountReconnected');

/**
 * Unsigned decisions that older releases accepted as signals. Today they are refused and logged;
 * they stay defined so histories that used them still replay.
 */
export const legacySignals = {
  approve: defineSignal<[unknown]>('approveSignal'),
  reject: defineSignal<[unknown]>('rejectSignal'),
  reschedule: defineSignal<[unknown]>('rescheduleSignal'),
  release: defineSignal<[unknown]>('release'),
} as const;

export const statusQuery = defineQuery<ContentState>('status');
export const killSwitchQuery = defineQuery<{
  item: ContentState['itemSwitch'];
  global: ContentState['globalSwitch'];
}>('killSwitch');

export interface GlobalSwitchMessage {
  engaged: boolean;
  reason: string | null;
  actor: string;
  /** Required to release: the API's signed `global_release`. */
  proof?: SignedDecision;
}

import { condition, log, patched, setHandler } from '@temporalio/workflow';
import { ALL_ITEMS } from '../../contracts/decisions';
import type { HaltReason } from '../../contracts/workflow';
import { legacy, local } from './proxies';
import { SIGNED_DECISIONS } from './decisions';
import { accountReconnectedSignal, globalSwitchSignal, haltSignal } from './definitions';
import {
  globalSwitchMessage,
  haltReason,
  legacyDecision,
  looksSigned,
  signedDecision,
} from './inputs';
import { audit, clearHaltReason, transition } from './records';
import type { ContentItem } from './state';

// Stopping is always safe, starting again is not: a halt is believed from anyone who can reach
// Temporal (recorded as coming "via Temporal", naming no person), while a release needs the API's
// signature (decisions.ts) and, for the global switch, the switch's row in Postgres — the truth
// the publish activity reads right before every outlet call.

/** While parked for re-authorization, look again this often even without a signal. */
const REAUTH_RECHECK = '10 minutes';
/** A missed release signal must not park an item for ever: re-read the switch this often. */
const KILL_SWITCH_RECHECK = '1 minute';

export function installHaltHandlers(item: ContentItem): void {
  setHandler(haltSignal, async (raw) => {
    if (item.legacy && !patched(SIGNED_DECISIONS)) return legacyHalt(item, raw);
    const reason = haltReason(raw) ?? 'halted from the Temporal UI';
    item.view.itemSwitch = { engaged: true, reason };
    await audit(item, 'item_halt', 'temporal', `${reason} (via Temporal)`);
  });
  setHandler(globalSwitchSignal, async (raw) => {
    const message = globalSwitchMessage(raw);
    if (!message) {
      log.warn('ignored a malformed globalKillSwitch signal');
      return;
    }
    if (message.engaged || (item.legacy && !patched(SIGNED_DECISIONS))) {
      item.view.globalSwitch = {
        engaged: message.engaged,
        reason: message.engaged ? message.reason : null,
      };
      return;
    }
    await releaseGlobalSwitch(item, message.proof);
  });
  setHandler(accountReconnectedSignal, () => {
    item.reconnects++;
  });
}

async function releaseGlobalSwitch(item: ContentItem, proof: unknown): Promise<void> {
  if (!looksSigned(proof)) {
    log.warn('refused an unsigned release of the global kill switch');
    await audit(item, 'decision_refused', 'temporal', 'unsigned global switch release ignored');
    return;
  }
  let decision;
  try {
    decision = signedDecision(proof);
  } catch (err) {
    log.warn('refused a malformed release of the global kill switch', { error: String(err) });
    return;
  }
  if (decision.claim.contentId !== ALL_ITEMS) return;
  const verdict = await local.verifyDecision({
    ...item.ref,
    workflowId: item.workflowId,
    runId: item.runId,
    seq: ++item.seq,
    decision,
    expected: { action: 'global_release', contentHash: null, bindsHash: false },
    transition: null,
    scheduledAt: null,
  });
  // Believed or not, the switch's row decides: a forged release leaves an engaged switch engaged.
  if (verdict.ok) item.view.globalSwitch = verdict.globalSwitch;
}

/** Parks the item as `halted` until the reason is gone; never fails or drops it. */
export async function park(item: ContentItem, reason: HaltReason, message: string): Promise<void> {
  item.view.halt = { reason, message, since: new Date().toISOString() };
  await transition(item, 'halted', 'system', message, { haltReason: reason });
  if (reason === 'kill_switch') {
    while (item.switchHalt() !== null) {
      if (!(await condition(() => item.switchHalt() === null, KILL_SWITCH_RECHECK))) {
        item.view.globalSwitch = await (item.legacy ? legacy : local).readKillSwitch();
      }
    }
  } else if (reason === 'item_halt') {
    await condition(() => item.switchHalt() === null);
  } else if (reason === 'reauth_required') {
    const seen = item.reconnects;
    await condition(() => item.reconnects !== seen, REAUTH_RECHECK);
  } else {
    // outcome_unknown, linkedin_version: an operator's signed release clears the halt.
    await condition(() => item.view.halt === null);
  }
  item.view.halt = null;
  clearHaltReason(item);
}

async function legacyHalt(item: ContentItem, raw: unknown): Promise<void> {
  let input;
  try {
    input = legacyDecision(raw, 'reason');
  } catch {
    log.warn('ignored a malformed halt signal');
    return;
  }
  item.view.itemSwitch = { engaged: true, reason: input.reason ?? null };
  await audit(item, 'item_halt', input.actor, input.reason ?? null);
}

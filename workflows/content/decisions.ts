import { ApplicationFailure, log, patched, setHandler, uuid4 } from '@temporalio/workflow';
import type { DecisionAction, SignedDecision } from '../../contracts/decisions';
import { DECISION_MAX_AGE_MS } from '../../contracts/decisions';
import { allows, type ItemAction } from '../../contracts/phases';
import { FailureType, type ContentState, type PublishStatus } from '../../contracts/workflow';
import { legacy, local } from './proxies';
import {
  approveUpdate,
  haltUpdate,
  legacySignals,
  rejectUpdate,
  releaseUpdate,
  rescheduleUpdate,
} from './definitions';
import { legacyDecision, looksSigned, signedDecision, type LegacyDecision } from './inputs';
import { audit, recorded, showSchedule } from './records';
import type { ContentItem } from './state';

// Editors' and operators' decisions. Each arrives as an Update signed by the API; the validator
// refuses what cannot apply (wrong step, stale hash, another item's claim) and the handler changes
// nothing until a local activity has checked the signature against the worker's own public key.
// Unsigned decisions — the signals of older releases, or Updates sent straight to Temporal — are
// refused and logged. Histories recorded before signatures replay through the `legacy` branches.

/** Patch id: from here on, decisions must carry the API's signature. */
export const SIGNED_DECISIONS = 'signed-decisions';

interface Rule {
  action: DecisionAction;
  /** The phase rule (contracts/phases.ts) the item must satisfy. */
  allowed: ItemAction;
  /** The claim must name the hash the workflow holds (what the editor saw). */
  bindsHash: boolean;
  /** The status change the decision makes, recorded with it (new runs). */
  to?: (item: ContentItem) => PublishStatus | null;
  apply: (item: ContentItem, decision: SignedDecision, warnings: string[]) => void;
}

const RULES: Record<'approve' | 'reject' | 'reschedule' | 'release' | 'halt', Rule> = {
  approve: {
    action: 'approve',
    allowed: 'approve',
    bindsHash: true,
    to: (item) => (item.view.status === 'awaiting_approval' ? 'scheduled' : null),
    apply(item, { claim }, warnings) {
      item.decision = { approved: true, actor: claim.actor };
      pushApproval(item, 'approved', claim.actor, claim.note, claim.contentHash);
      item.view.warnings.push(...warnings);
      if (item.view.status === 'awaiting_approval' && !item.legacy) recorded(item, 'scheduled');
    },
  },
  reject: {
    action: 'reject',
    allowed: 'reject',
    bindsHash: false,
    to: () => 'rejected',
    apply(item, { claim }) {
      item.decision = { approved: false, actor: claim.actor };
      pushApproval(item, 'rejected', claim.actor, claim.note, item.view.contentHash ?? '');
      // The activity recorded it: the Update's answer already says `rejected`.
      if (!item.legacy) recorded(item, 'rejected');
    },
  },
  reschedule: {
    action: 'reschedule',
    allowed: 'reschedule',
    bindsHash: false,
    apply(item, { claim }) {
      item.view.scheduledAt = new Date(claim.scheduledAt ?? Date.now()).toISOString();
      item.scheduleChanges++;
      showSchedule(item);
    },
  },
  release: {
    action: 'release',
    allowed: 'release',
    bindsHash: false,
    apply(item) {
      item.view.itemSwitch = { engaged: false, reason: null };
      // The operator checked the outlet (or fixed the version): a re-send is now safe.
      if (!item.legacy) {
        for (const run of item.targets) {
          const parked = run.progress.halt;
          if (parked !== 'outcome_unknown' && parked !== 'linkedin_version') continue;
          run.resendAuthorized = parked === 'outcome_unknown';
          run.progress.halt = null;
        }
        return;
      }
      const parked = item.view.halt?.reason;
      if (parked === 'outcome_unknown' || parked === 'linkedin_version') {
        item.view.halt = null;
        item.resendAuthorized = parked === 'outcome_unknown';
      }
    },
  },
  halt: {
    action: 'halt',
    allowed: 'halt',
    bindsHash: false,
    apply(item, { claim }) {
      item.view.itemSwitch = { engaged: true, reason: claim.note ?? 'halted by an operator' };
    },
  },
};

export function installDecisionHandlers(item: ContentItem): void {
  setHandler(approveUpdate, (raw) => decide(item, RULES.approve, raw), {
    validator: (raw) => validate(item, RULES.approve, raw),
  });
  setHandler(rejectUpdate, (raw) => decide(item, RULES.reject, raw), {
    validator: (raw) => validate(item, RULES.reject, raw),
  });
  setHandler(rescheduleUpdate, (raw) => decide(item, RULES.reschedule, raw), {
    validator: (raw) => validate(item, RULES.reschedule, raw),
  });
  setHandler(releaseUpdate, (raw) => decide(item, RULES.release, raw), {
    validator: (raw) => validate(item, RULES.release, raw),
  });
  setHandler(haltUpdate, (raw) => decide(item, RULES.halt, raw), {
    validator: (raw) => validate(item, RULES.halt, raw),
  });
  for (const [name, signal] of Object.entries(legacySignals)) {
    setHandler(signal, (raw: unknown) =>
      unsignedSignal(item, name as keyof typeof legacySignals, raw),
    );
  }
}

/** Synchronous and read-only: refuses what cannot apply before the Update enters history. */
function validate(item: ContentItem, rule: Rule, raw: unknown): void {
  // Validators run only for live Updates, never on replay: every live decision must be signed.
  if (!looksSigned(raw)) {
    log.warn('refused an unsigned decision sent straight to Temporal', { action: rule.action });
    throw ApplicationFailure.nonRetryable(
      `${rule.action} needs the API's signature; send it through the Stargue API`,
      FailureType.Unverified,
    );
  }
  const { claim } = signedDecision(raw);
  if (claim.action !== rule.action)
    refuse(FailureType.InvalidInput, `the claim is for ${claim.action}, not ${rule.action}`);
  if (claim.contentId !== item.input.contentId || claim.version !== item.input.version) {
    refuse(
      FailureType.InvalidInput,
      `the claim names ${claim.contentId} v${claim.version}, not this item`,
    );
  }
  const age = Date.now() - Date.parse(claim.issuedAt);
  if (age > DECISION_MAX_AGE_MS || age < -60_000) {
    refuse(
      FailureType.Unverified,
      'the claim is too old or from the future; send the request again',
    );
  }
  if (item.usedRequests.has(claim.requestId))
    refuse(FailureType.InvalidState, 'this request was already acted on');
  checkAllowed(item, rule);
  if (rule.bindsHash && claim.contentHash !== item.view.contentHash) {
    refuse(
      FailureType.StaleContentHash,
      `the content changed since it was previewed: approved hash ${claim.contentHash || '(none)'}, current ${item.view.contentHash}`,
    );
  }
  if (rule.action === 'reschedule' && claim.scheduledAt === null) {
    refuse(FailureType.InvalidInput, 'a reschedule needs scheduledAt');
  }
}

function checkAllowed(item: ContentItem, rule: Rule): void {
  const { view } = item;
  const position = {
    status: view.itemSwitch.engaged && rule.action === 'release' ? 'halted' : view.status,
    phase: view.phase,
    haltReason: view.halt?.reason ?? (view.itemSwitch.engaged ? 'item_halt' : null),
  } as const;
  // A decision accepted but not yet acted on must not be followed by a second one.
  const pending =
    (rule.action === 'approve' || rule.action === 'reject') &&
    (item.decision !== null || item.deciding);
  if (!allows(rule.allowed, position) || pending) {
    refuse(
      FailureType.InvalidState,
      `cannot ${rule.action}: the item is ${view.status}${view.halt ? ` (${view.halt.reason}, was ${view.phase})` : ''}`,
    );
  }
}

/** Believes a signed decision only once the worker has verified it, then applies it. */
async function decide(item: ContentItem, rule: Rule, raw: unknown): Promise<ContentState> {
  if (!looksSigned(raw)) return legacyDecide(item, rule, raw);
  const decision = signedDecision(raw);
  const serial = rule.action === 'approve' || rule.action === 'reject';
  if (serial) item.deciding = true;
  try {
    const to = item.legacy ? null : (rule.to?.(item) ?? null);
    const verdict = await local.verifyDecision({
      ...item.ref,
      workflowId: item.workflowId,
      runId: item.runId,
      seq: ++item.seq,
      decision,
      expected: {
        action: rule.action,
        contentHash: item.view.contentHash,
        bindsHash: rule.bindsHash,
      },
      transition: to ? { from: item.view.status, to } : null,
      scheduledAt: item.view.scheduledAt,
    });
    if (!verdict.ok) {
      throw ApplicationFailure.nonRetryable(verdict.reason, FailureType.Unverified);
    }
    // The item may have moved while the signature was checked (a cancel, a switch).
    if (!serial) checkAllowed(item, rule);
    item.usedRequests.add(decision.claim.requestId);
    rule.apply(item, decision, verdict.warnings);
    return item.view;
  } finally {
    if (serial) item.deciding = false;
  }
}

/** Signals that once carried unsigned decisions: refused now, replayed as before in old runs. */
async function unsignedSignal(
  item: ContentItem,
  name: keyof typeof legacySignals,
  raw: unknown,
): Promise<void> {
  if (item.legacy && !patched(SIGNED_DECISIONS)) {
    try {
      if (name === 'release') return await legacyRelease(item, raw);
      const rule = RULES[name];
      legacyValidate(item, rule, raw);
      await legacyDecide(item, rule, raw);
    } catch (err) {
      log.warn(`${name} signal refused`, {
        error: err instanceof Error ? err.message : String(err),
      });
    }
    return;
  }
  log.warn('refused an unsigned decision signal sent straight to Temporal', { signal: name });
  await audit(item, 'decision_refused', 'temporal', `unsigned ${name} signal ignored`);
}

// ---- histories recorded before decisions were signed ----

function legacyValidate(item: ContentItem, rule: Rule, raw: unknown): void {
  const input = legacyDecision(
    raw,
    rule.action === 'reject' ? 'reason' : rule.action === 'reschedule' ? 'scheduledAt' : null,
  );
  checkAllowed(item, rule);
  if (
    rule.bindsHash &&
    input.contentHash !== undefined &&
    input.contentHash !== item.view.contentHash
  ) {
    refuse(FailureType.StaleContentHash, 'the content changed since it was previewed');
  }
}

/** Only a replay of an older history reaches this with an unsigned decision (no validator). */
async function legacyDecide(item: ContentItem, rule: Rule, raw: unknown): Promise<ContentState> {
  if (!item.legacy || patched(SIGNED_DECISIONS)) {
    throw ApplicationFailure.nonRetryable(
      `${rule.action} needs the API's signature`,
      FailureType.Unverified,
    );
  }
  const input: LegacyDecision = legacyDecision(raw, null);
  if (rule.action === 'reschedule') {
    item.view.scheduledAt = input.scheduledAt ?? item.view.scheduledAt;
    item.scheduleChanges++;
    showSchedule(item);
    await audit(item, 'reschedule', input.actor, `rescheduled to ${item.view.scheduledAt}`);
    return item.view;
  }
  const approved = rule.action === 'approve';
  item.decision = { approved, actor: input.actor };
  const note = approved ? (input.note ?? null) : (input.reason ?? null);
  const contentHash = item.view.contentHash ?? '';
  pushApproval(item, approved ? 'approved' : 'rejected', input.actor, note, contentHash);
  await legacy.recordDecision({
    ...item.ref,
    requestId: uuid4(),
    decision: approved ? 'approved' : 'rejected',
    actor: input.actor,
    note,
    contentHash,
  });
  return item.view;
}

async function legacyRelease(item: ContentItem, raw: unknown): Promise<void> {
  const input = legacyDecision(raw, null);
  item.view.itemSwitch = { engaged: false, reason: null };
  if (item.view.halt?.reason === 'outcome_unknown') {
    item.view.halt = null;
    item.resendAuthorized = true;
  }
  await audit(item, 'item_release', input.actor, null);
}

function pushApproval(
  item: ContentItem,
  decision: 'approved' | 'rejected',
  actor: string,
  note: string | null,
  contentHash: string,
): void {
  item.view.approvals.push({ decision, actor, note, contentHash, at: new Date().toISOString() });
}

function refuse(type: string, message: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

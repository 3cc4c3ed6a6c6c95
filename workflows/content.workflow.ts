import {
  ApplicationFailure,
  CancellationScope,
  ActivityFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  patched,
  startChild,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
  uuid4,
} from '@temporalio/workflow';
import type { z } from 'zod';
import type { createActivities } from '../activities';
import { engagementWorkflow } from './engagement.workflow';
import type {
  ApproveInput,
  ContentState,
  ContentWorkflowInput,
  GlobalSwitchInput,
  HaltInput,
  HaltReason,
  PublishResult,
  PublishStatus,
  RejectInput,
  ReleaseInput,
  RescheduleInput,
} from '../contracts/workflow';
import {
  ApproveInputSchema,
  FailureType,
  GlobalSwitchInputSchema,
  HaltInputSchema,
  PERMANENT_FAILURES,
  RejectInputSchema,
  ReleaseInputSchema,
  RescheduleInputSchema,
} from '../contracts/workflow';
import { HaltReasonKey, PublishStatusKey, ScheduledAtKey } from '../contracts/search-attributes';

type Activities = ReturnType<typeof createActivities>;

const { validateContent, recordTransition, recordDecision, readKillSwitch, checkAccountExpiry } =
  proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });

// The outlet call: HTTP deadline (20 s) < startToClose, so a hung call ends as "unknown" inside
// the attempt; a dead worker is noticed at startToClose and the next attempt resolves the outcome.
const { publishToOutlet } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...PERMANENT_FAILURES],
  },
});

export const approveUpdate = defineUpdate<ContentState, [ApproveInput]>('approve');
export const rejectUpdate = defineUpdate<ContentState, [RejectInput]>('reject');
export const rescheduleUpdate = defineUpdate<ContentState, [RescheduleInput]>('reschedule');
export const approveSignal = defineSignal<[ApproveInput]>('approveSignal');
export const rejectSignal = defineSignal<[RejectInput]>('rejectSignal');
export const rescheduleSignal = defineSignal<[RescheduleInput]>('rescheduleSignal');
export const haltSignal = defineSignal<[HaltInput]>('halt');
export const releaseSignal = defineSignal<[ReleaseInput]>('release');
export const globalSwitchSignal = defineSignal<[GlobalSwitchInput]>('globalKillSwitch');
export const accountReconnectedSignal = defineSignal<[]>('accountReconnected');
export const statusQuery = defineQuery<ContentState>('status');
export const killSwitchQuery = defineQuery<{
  item: ContentState['itemSwitch'];
  global: ContentState['globalSwitch'];
}>('killSwitch');

/** While parked for re-authorization, look again this often even without a signal. */
const REAUTH_RECHECK = '10 minutes';
/** A missed release signal must not park an item for ever: re-read the switch this often. */
const KILL_SWITCH_RECHECK = '1 minute';
const RATE_LIMIT_FIRST_BACKOFF_MS = 60_000;

/** One content item, from submission to a single post on each outlet. */
export async function contentWorkflow(input: ContentWorkflowInput): Promise<ContentState> {
  const { workflowId, runId } = workflowInfo();
  const state: ContentState = {
    contentId: input.contentId,
    version: input.version,
    status: 'validating',
    phase: 'validating',
    contentHash: null,
    outlets: [],
    scheduledAt: null,
    approvals: [],
    publications: [],
    halt: null,
    itemSwitch: { engaged: false, reason: null },
    globalSwitch: { engaged: false, reason: null },
    lastError: null,
    nextAttemptAt: null,
    warnings: [],
  };
  let seq = 0;
  let decision: { approved: boolean; actor: string } | null = null;
  let scheduleChanges = 0;
  let reconnects = 0;
  let publishCalls = 0;
  let rateLimitStreak = 0;
  // An operator's release of an `outcome_unknown` item vouches that a re-send is safe.
  let resendAuthorized = false;

  // ---- handlers ----

  const assertPhase = (action: string, allowed: PublishStatus[]): void => {
    if (!allowed.includes(state.phase) || decisionPendingFor(action)) {
      throw ApplicationFailure.nonRetryable(
        `cannot ${action}: the item is ${state.status}${state.halt ? ` (${state.halt.reason}, was ${state.phase})` : ''}`,
        'INVALID_STATE',
      );
    }
  };
  // An approval accepted but not yet acted on must not be followed by a second decision.
  const decisionPendingFor = (action: string): boolean =>
    (action === 'approve' || action === 'reject') && decision !== null;

  const validateApprove = (a: ApproveInput): void => {
    checked(ApproveInputSchema, a, 'approve');
    assertPhase('approve', ['awaiting_approval']);
    if (a.contentHash !== undefined && a.contentHash !== state.contentHash) {
      throw ApplicationFailure.nonRetryable(
        `the content changed since it was previewed: approved hash ${a.contentHash}, current ${state.contentHash}`,
        'STALE_CONTENT_HASH',
      );
    }
  };
  const approve = async (a: ApproveInput, requestId: string): Promise<ContentState> => {
    decision = { approved: true, actor: a.actor };
    const contentHash = state.contentHash ?? '';
    state.approvals.push({
      decision: 'approved',
      actor: a.actor,
      note: a.note ?? null,
      contentHash,
      at: now(),
    });
    await recordDecision({
      ...ref(),
      requestId,
      decision: 'approved',
      actor: a.actor,
      note: a.note ?? null,
      contentHash,
    });
    return state;
  };
  const validateReject = (r: RejectInput): void => {
    checked(RejectInputSchema, r, 'reject');
    assertPhase('reject', ['awaiting_approval']);
  };
  const reject = async (r: RejectInput, requestId: string): Promise<ContentState> => {
    decision = { approved: false, actor: r.actor };
    const contentHash = state.contentHash ?? '';
    state.approvals.push({
      decision: 'rejected',
      actor: r.actor,
      note: r.reason,
      contentHash,
      at: now(),
    });
    await recordDecision({
      ...ref(),
      requestId,
      decision: 'rejected',
      actor: r.actor,
      note: r.reason,
      contentHash,
    });
    return state;
  };
  const validateReschedule = (r: RescheduleInput): void => {
    checked(RescheduleInputSchema, r, 'reschedule');
    assertPhase('reschedule', ['validating', 'awaiting_approval', 'scheduled']);
  };
  const reschedule = async (r: RescheduleInput): Promise<ContentState> => {
    state.scheduledAt = new Date(r.scheduledAt).toISOString();
    scheduleChanges++;
    upsertSearchAttributes([{ key: ScheduledAtKey, value: new Date(state.scheduledAt) }]);
    describe();
    await audit('reschedule', r.actor, `rescheduled to ${state.scheduledAt}`);
    return state;
  };

  setHandler(approveUpdate, (a) => approve(a, updateId()), { validator: validateApprove });
  setHandler(rejectUpdate, (r) => reject(r, updateId()), { validator: validateReject });
  setHandler(rescheduleUpdate, reschedule, { validator: validateReschedule });
  // Signals cannot answer; an invalid one is logged and dropped, never fails the workflow.
  setHandler(approveSignal, (a) =>
    tryHandle('approve', () => (validateApprove(a), approve(a, uuid4()))),
  );
  setHandler(rejectSignal, (r) =>
    tryHandle('reject', () => (validateReject(r), reject(r, uuid4()))),
  );
  setHandler(rescheduleSignal, (r) =>
    tryHandle('reschedule', () => (validateReschedule(r), reschedule(r))),
  );
  // Signal payloads come from anyone with access to Temporal: a malformed one is dropped, never
  // allowed to fail workflow tasks.
  setHandler(haltSignal, async (raw) => {
    const h = parsedOrNull(HaltInputSchema, raw, 'halt');
    if (!h) return;
    state.itemSwitch = { engaged: true, reason: h.reason };
    await audit('item_halt', h.actor, h.reason);
  });
  setHandler(releaseSignal, async (raw) => {
    const r = parsedOrNull(ReleaseInputSchema, raw, 'release');
    if (!r) return;
    state.itemSwitch = { engaged: false, reason: null };
    if (state.halt?.reason === 'outcome_unknown') {
      state.halt = null;
      resendAuthorized = true;
    } else if (state.halt?.reason === 'linkedin_version') {
      // LinkedIn refused our API version (426): the release says a working one is now set.
      state.halt = null;
    }
    await audit('item_release', r.actor, null);
  });
  setHandler(globalSwitchSignal, (raw) => {
    const g = parsedOrNull(GlobalSwitchInputSchema, raw, 'globalKillSwitch');
    if (!g) return;
    state.globalSwitch = { engaged: g.engaged, reason: g.engaged ? g.reason : null };
  });
  setHandler(accountReconnectedSignal, () => {
    reconnects++;
  });
  setHandler(statusQuery, () => state);
  setHandler(killSwitchQuery, () => ({ item: state.itemSwitch, global: state.globalSwitch }));

  // ---- steps ----

  try {
    await transition('validating', input.submittedBy, 'submitted');
    const validated = await validateContent(ref());
    if (!validated.ok) {
      return await finish('failed', 'system', validated.message, {
        type: FailureType.ContentInvalid,
        message: validated.message,
      });
    }
    state.contentHash = validated.contentHash;
    state.outlets = validated.outlets;
    state.globalSwitch = validated.globalSwitch;
    if (state.scheduledAt === null) state.scheduledAt = validated.scheduledAt;
    if (validated.status === 'draft') return await finish('draft', 'system', 'status: draft');

    await transition('awaiting_approval', 'system', null);
    await awaitDecision();
    const made = decision as { approved: boolean; actor: string } | null;
    if (!made?.approved) {
      return await finish(
        'rejected',
        made?.actor ?? 'system',
        state.approvals.at(-1)?.note ?? null,
      );
    }

    await transition('scheduled', made.actor, 'approved');
    // Added after the first release: older histories have no such activity call here.
    if (patched('warn-token-expiry')) {
      const warning = await checkAccountExpiry({
        ...ref(),
        workflowId,
        scheduledAt: state.scheduledAt,
      });
      if (warning) state.warnings.push(warning);
    }
    for (const outlet of state.outlets) {
      if (!(await publishWhenDue(outlet))) return state;
    }
    const urns = state.publications.map((p) => p.postUrn).join(', ');
    return await CancellationScope.nonCancellable(async () => {
      // Added after the first release: older histories start no child here.
      if (patched('engagement-follow-up')) await startEngagementFollowUps();
      return finish('published', 'system', urns);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() =>
      state.publications.length > 0
        ? finish('published', 'operator', 'cancel requested after the post went out')
        : finish('cancelled', 'operator', 'cancelled in Temporal'),
    );
    throw err;
  }

  // ---- helpers ----

  /** Statistics are read later by a child that outlives this item (ABANDON). */
  async function startEngagementFollowUps(): Promise<void> {
    for (const publication of state.publications) {
      await startChild(engagementWorkflow, {
        workflowId: `${workflowId}:engagement:${publication.outlet}`,
        parentClosePolicy: 'ABANDON',
        args: [
          {
            ...ref(),
            workflowId,
            outlet: publication.outlet,
            publishedAt: publication.publishedAt,
          },
        ],
      });
    }
  }

  /** While awaiting a decision the item reports `halted` whenever a kill switch is on. */
  async function awaitDecision(): Promise<void> {
    while (decision === null) {
      const halt = switchHalt();
      if (halt && state.status !== 'halted') {
        state.halt = { ...halt, since: now() };
        await transition('halted', 'system', halt.message, undefined, halt.reason);
      } else if (!halt && state.status === 'halted') {
        state.halt = null;
        await transition('awaiting_approval', 'system', 'kill switch released');
      }
      await condition(
        () => decision !== null || (switchHalt() !== null) !== (state.status === 'halted'),
      );
    }
  }

  /** Returns false when the item failed for good (already recorded). */
  async function publishWhenDue(outlet: string): Promise<boolean> {
    for (;;) {
      await waitUntilDue();
      await transition('publishing', 'system', `publishing to ${outlet}`);
      const result = await attemptPublish(outlet);
      if (result !== 'retry') return result === 'published';
      // Not published: the loop waits (halt, rate limit) and tries again.
    }
  }

  async function attemptPublish(outlet: string): Promise<'published' | 'failed' | 'retry'> {
    let result: PublishResult;
    const resend = resendAuthorized;
    resendAuthorized = false;
    try {
      // Once the outlet call has started it must finish and be recorded, even if cancelled;
      // what follows (parking, waiting out a rate limit) stays cancellable.
      result = await CancellationScope.nonCancellable(() =>
        publishToOutlet({
          ...ref(),
          workflowId,
          outlet,
          contentHash: state.contentHash ?? '',
          call: ++publishCalls,
          ...(resend ? { resendAuthorized: true } : {}),
        }),
      );
    } catch (err) {
      const failure = err instanceof ActivityFailure ? err.cause : err;
      const type =
        failure instanceof ApplicationFailure ? (failure.type ?? 'UNKNOWN') : 'ACTIVITY_TIMEOUT';
      const message = failure instanceof Error ? failure.message : String(failure);
      if (type === FailureType.OutcomeUnknown || type === 'ACTIVITY_TIMEOUT') {
        await park(
          'outcome_unknown',
          `LinkedIn's answer is unknown after several attempts: ${message}. Check the profile, then release the item to try again.`,
        );
        return 'retry';
      }
      const failType = type === 'UNKNOWN' ? FailureType.ServerError : type;
      await CancellationScope.nonCancellable(() =>
        finish('failed', 'system', message, { type: failType, message }),
      );
      return 'failed';
    }
    switch (result.kind) {
      case 'published':
        state.publications.push({
          outlet,
          postUrn: result.postUrn,
          url: result.url,
          publishedAt: result.publishedAt,
          resolution: result.resolution,
        });
        state.lastError = null;
        state.nextAttemptAt = null;
        return 'published';
      case 'halted':
        // The activity read the switch from Postgres (the truth); the signal may not have come.
        if (result.reason === 'kill_switch')
          state.globalSwitch = { engaged: true, reason: result.message };
        await park(result.reason, result.message);
        return 'retry';
      case 'unresolved':
        await park('outcome_unknown', result.message);
        return 'retry';
      case 'media_pending':
        // LinkedIn is still processing the uploaded media: wait durably, then ask again.
        state.nextAttemptAt = new Date(Date.now() + result.retryAfterMs).toISOString();
        describe();
        await sleep(result.retryAfterMs);
        state.nextAttemptAt = null;
        return 'retry';
      case 'rate_limited': {
        rateLimitStreak++;
        const delay =
          result.retryAfterMs ??
          Math.min(
            RATE_LIMIT_FIRST_BACKOFF_MS * 2 ** (rateLimitStreak - 1),
            msUntilUtcMidnight() + 60_000,
          );
        state.lastError = { type: 'RATE_LIMITED', message: result.message, at: now() };
        state.nextAttemptAt = new Date(Date.now() + delay).toISOString();
        await transition(
          'scheduled',
          'system',
          `rate limited by the outlet; next attempt at ${state.nextAttemptAt}`,
        );
        await sleep(delay);
        state.nextAttemptAt = null;
        return 'retry';
      }
    }
  }

  /** Sleeps until the scheduled time; a reschedule re-arms the timer, a halt parks the item. */
  async function waitUntilDue(): Promise<void> {
    for (;;) {
      const halt = switchHalt();
      if (halt) {
        await park(halt.reason, halt.message);
        continue;
      }
      if (state.status !== 'scheduled') await transition('scheduled', 'system', null);
      const due = state.scheduledAt ? Date.parse(state.scheduledAt) : Date.now();
      const wait = due - Date.now();
      if (wait <= 0) return;
      const seen = scheduleChanges;
      await condition(() => scheduleChanges !== seen || switchHalt() !== null, wait);
    }
  }

  /** Parks the item as `halted` until the reason is gone; never fails or drops it. */
  async function park(reason: HaltReason, message: string): Promise<void> {
    state.halt = { reason, message, since: now() };
    await transition('halted', 'system', message, undefined, reason);
    if (reason === 'kill_switch') {
      while (switchHalt() !== null) {
        if (!(await condition(() => switchHalt() === null, KILL_SWITCH_RECHECK))) {
          state.globalSwitch = await readKillSwitch();
        }
      }
    } else if (reason === 'item_halt') {
      await condition(() => switchHalt() === null);
    } else if (reason === 'reauth_required') {
      const seen = reconnects;
      await condition(() => reconnects !== seen, REAUTH_RECHECK);
    } else {
      await condition(() => state.halt === null);
    }
    state.halt = null;
    upsertSearchAttributes([{ key: HaltReasonKey, value: null }]);
  }

  function switchHalt(): { reason: HaltReason; message: string } | null {
    if (state.globalSwitch.engaged) {
      return {
        reason: 'kill_switch',
        message: `global kill switch: ${state.globalSwitch.reason ?? 'engaged'}`,
      };
    }
    if (state.itemSwitch.engaged) {
      return {
        reason: 'item_halt',
        message: `item halted: ${state.itemSwitch.reason ?? 'engaged'}`,
      };
    }
    return null;
  }

  async function transition(
    to: PublishStatus,
    actor: string,
    reason: string | null,
    error?: { type: string; message: string },
    haltReason?: HaltReason,
  ): Promise<void> {
    const from = seq === 0 ? null : state.status;
    state.status = to;
    if (to !== 'halted') state.phase = to;
    if (error) state.lastError = { ...error, at: now() };
    upsertSearchAttributes([
      { key: PublishStatusKey, value: to },
      // Leaving `halted` clears the reason, so `HaltReason` never outlives the halt.
      { key: HaltReasonKey, value: to === 'halted' ? (haltReason ?? null) : null },
      ...(state.scheduledAt ? [{ key: ScheduledAtKey, value: new Date(state.scheduledAt) }] : []),
    ]);
    describe();
    await recordTransition({
      ...ref(),
      workflowId,
      runId,
      seq: ++seq,
      from,
      to,
      actor,
      reason,
      haltReason: haltReason ? (state.halt?.message ?? haltReason) : null,
      lastError: error ? `${error.type}: ${error.message}` : null,
    });
  }

  async function finish(
    to: PublishStatus,
    actor: string,
    reason: string | null,
    error?: { type: string; message: string },
  ): Promise<ContentState> {
    state.halt = null;
    await transition(to, actor, reason, error);
    await condition(allHandlersFinished);
    return state;
  }

  async function audit(action: string, actor: string, reason: string | null): Promise<void> {
    try {
      await recordTransition({
        ...ref(),
        workflowId,
        runId,
        seq: ++seq,
        from: state.status,
        to: state.status,
        actor,
        reason: `${action}${reason ? `: ${reason}` : ''}`,
        haltReason: null,
        lastError: null,
      });
    } catch (err) {
      log.warn('audit write failed', { action, error: String(err) });
    }
  }

  function tryHandle(action: string, run: () => unknown): void {
    try {
      const result = run();
      if (result instanceof Promise) {
        result.catch((err: unknown) => log.warn(`${action} signal failed`, { error: String(err) }));
      }
    } catch (err) {
      log.warn(`${action} signal refused`, {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  function describe(): void {
    const lines = [
      `**${state.status}**${state.halt ? ` — ${state.halt.message}` : ''}`,
      `content \`${state.contentId}\` v${state.version} → ${state.outlets.join(', ') || '…'}`,
      `scheduled: ${state.scheduledAt ?? 'on approval'}`,
      ...state.publications.map((p) => `published on ${p.outlet}: ${p.url}`),
      ...(state.lastError
        ? [`last error: ${state.lastError.type}: ${state.lastError.message}`]
        : []),
    ];
    setCurrentDetails(lines.join('\n\n'));
  }

  function ref(): { contentId: string; version: number } {
    return { contentId: input.contentId, version: input.version };
  }
}

/** Validators refuse malformed input with a reason the caller sees (the API answers 409/422). */
function checked<T>(schema: z.ZodType<T>, value: unknown, action: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw ApplicationFailure.nonRetryable(
      `invalid ${action}: ${problems.join('; ')}`,
      'INVALID_INPUT',
    );
  }
  return parsed.data;
}

function parsedOrNull<T>(schema: z.ZodType<T>, value: unknown, signal: string): T | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  log.warn(`ignored a malformed ${signal} signal`, { issues: parsed.error.issues.length });
  return null;
}

function now(): string {
  return new Date().toISOString();
}

function updateId(): string {
  // Updates carry their own id; reused as the decision's request id so a retry records it once.
  return uuid4();
}

function msUntilUtcMidnight(): number {
  const t = new Date();
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1) - t.getTime();
}

import { ApplicationFailure, Context } from '@temporalio/activity';
import { publicationKey } from '../contracts/ids';
import {
  FailureType,
  type FollowUpMark,
  type PublishInput,
  type PublishResult,
} from '../contracts/workflow';
import type { Db, Prisma } from '../platform/db/client';
import type { CreateOutcome, Outlet } from '../outlets/outlet';
import { prepareAttachments } from './media';
import {
  claimPublication,
  confirmPublication,
  markFollowUp,
  openPublication,
} from './publication-store';
import { sendWithKey, type KeyedOutlet } from './publish-keyed';

/**
 * The worker's follow-up starter: a confirmed publication carries its engagement follow-up
 * (written with the confirmation), and `pending` tells the starter one is there and that a post
 * has just gone out (worker/follow-ups.ts starts them once posts stop going out).
 */
export interface FollowUps {
  pending(): void;
}

export interface PublishDeps {
  db: Db;
  outlets: Record<string, Outlet>;
  /** Outlets that take a client-chosen key per post (Bluesky), by name. */
  keyedOutlets?: Record<string, KeyedOutlet>;
  /**
   * How long after an ambiguous attempt an identical re-send is still safe: inside LinkedIn's
   * duplicate window a re-send of a post that did land is answered with 422 naming it.
   */
  resendWindowMs?: number;
  /** Test hook for fault drills: runs after `sending` commits, before the request leaves. */
  beforeSend?: (key: string) => Promise<void> | void;
  /** Told when a confirmation left an engagement follow-up to start. */
  followUps?: FollowUps;
  /** After uploading media whose status the token may not read, wait this long (default 20 s). */
  mediaGraceMs?: number;
}

const DEFAULT_RESEND_WINDOW_MS = 10 * 60_000;
const DEFAULT_MEDIA_GRACE_MS = 20_000;
const HEARTBEAT_EVERY_MS = 2_000;
// Do not start an outlet call this close to the attempt's deadline: Temporal may already have
// handed the work to another attempt (a frozen worker waking up, RELIABILITY.md W4).
const DEADLINE_MARGIN_MS = 25_000;
const FRESH_CLAIM_MS = 250;

export function createPublishActivities(deps: PublishDeps) {
  const resendWindowMs = deps.resendWindowMs ?? DEFAULT_RESEND_WINDOW_MS;
  const { db } = deps;

  return {
    /**
     * Publishes one item to one outlet at most once. A `publications` row (UNIQUE idempotency key)
     * moves intent → sending → confirmed, `sending` committed before the call. An attempt that finds
     * `sending` does not know whether the earlier call landed and resolves it: read back where the
     * scopes allow, else re-send the identical text (LinkedIn answers a duplicate with the earlier
     * URN), else park for an operator — never a blind second create.
     */
    async publishToOutlet(input: PublishInput): Promise<PublishResult> {
      // Heartbeats let Temporal notice a dead worker within the heartbeat timeout instead of
      // waiting out startToClose (RELIABILITY.md G5).
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await publishOnce(input);
      } finally {
        clearInterval(beat);
      }
    },
  };

  async function publishOnce(input: PublishInput): Promise<PublishResult> {
    const info = Context.current().info;
    const fence = input.call * 1000 + info.attempt;
    const deadline = info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs;
    const key = publicationKey(input.workflowId, input.target?.key ?? input.outlet);
    const keyed = deps.keyedOutlets?.[input.outlet];
    const outlet = deps.outlets[input.outlet];
    if (!outlet && !keyed)
      throw ApplicationFailure.nonRetryable(
        `unknown outlet ${input.outlet}`,
        FailureType.OutletDisabled,
      );
    let claimedAt = -Infinity;
    const postUrl = (urn: string) => (keyed ? keyed.postUrl({ id: urn }) : outlet!.postUrl(urn));

    // The content, both switches and the publication row (created, or an earlier attempt's) in
    // one statement, which in new runs also records `publishing` (a slot is held per round trip).
    if (keyed && !input.target?.channelId) contentChanged();
    const opened = await openPublication(db, {
      key,
      input,
      keyed: keyed !== undefined,
      // Chosen once, before the first create: every attempt sends this same key.
      recordKey: keyed ? keyed.newPublicationKey() : null,
    });
    const { rendered, switches } = opened;
    if (!opened.fits || !rendered || !opened.row) contentChanged();
    const text = rendered.text;
    let pub = opened.row;
    if (pub.state === 'confirmed' && pub.postUrn) {
      // The confirmation marked the follow-up; marked again in case a release before the mark
      // confirmed it and failed to start one (a repeated start is a no-op).
      const followUp = followUpFor(pub.confirmedAt ?? new Date());
      if (followUp && (await markFollowUp(db, key, followUp))) deps.followUps?.pending();
      return published(
        postUrl(pub.postUrn),
        pub.postUrn,
        'already_recorded',
        pub.confirmedAt ?? new Date(),
      );
    }
    if (pub.state === 'failed') {
      throw ApplicationFailure.nonRetryable(
        pub.lastError ?? 'publication failed',
        FailureType.Rejected,
      );
    }

    // The global kill switch lives in Postgres and was read with the content, right before the
    // outlet call; the outlet's switch with it.
    if (switches.killSwitch) {
      return {
        kind: 'halted',
        reason: 'kill_switch',
        message: `global kill switch: ${switches.killSwitch}`,
      };
    }
    if (!switches.posting) {
      throw ApplicationFailure.nonRetryable(
        `posting to ${input.outlet} is switched off`,
        FailureType.OutletDisabled,
      );
    }

    const ambiguous = pub.state === 'sending' || pub.state === 'unresolved';
    if (keyed) return publishWithKey(keyed, input.target!.channelId!, opened.payload);

    const prepared = await (outlet as Outlet).prepare(input.target?.channelId ?? null);
    if (!prepared.ok)
      return { kind: 'halted', reason: 'reauth_required', message: prepared.message };
    const session = prepared.session;
    pub = await claim(session.accountId, session.authorUrn);
    if (ambiguous) {
      const since = pub.sendingAt ?? pub.createdAt;
      const found = await session.findPost(text, new Date(since.getTime() - 60_000));
      if (found.kind === 'found') return confirm(found.urn, 'read_back');
      if (
        found.kind === 'cannot_read' &&
        !input.resendAuthorized &&
        Date.now() - since.getTime() > resendWindowMs
      ) {
        await updateOwned({
          state: 'unresolved',
          lastError: `${FailureType.OutcomeUnknown}: too old to re-send safely`,
        });
        return {
          kind: 'unresolved',
          message:
            'an earlier attempt may have posted and LinkedIn cannot be asked any more; check the profile, then release the item',
        };
      }
    }

    // Images and documents are uploaded (or reused) and recorded with the row before the create.
    const media = await prepareAttachments({
      db,
      session,
      publicationId: pub.id,
      fence,
      media: rendered.media,
      deadline,
      createMarginMs: DEADLINE_MARGIN_MS,
      graceMs: deps.mediaGraceMs ?? DEFAULT_MEDIA_GRACE_MS,
    });
    if (media.kind === 'pending') {
      await undoClaim(ambiguous);
      return { kind: 'media_pending', retryAfterMs: media.retryAfterMs, message: media.message };
    }
    if (media.kind === 'failed') return fail(FailureType.MediaFailed, media.message);

    let outcome: CreateOutcome;
    if (media.kind === 'outlet_failure') {
      outcome = media.failure;
    } else {
      await deps.beforeSend?.(key);
      // A worker frozen since the claim must not wake up and send: re-check right before the call.
      await stillOwned();
      outcome = await session.create(text, media.attachments);
      if (outcome.kind === 'unauthorized' && (await session.refresh())) {
        // The refresh took time: the second create obeys the same deadline and fence as the first.
        await stillOwned();
        outcome = await session.create(text, media.attachments);
      }
    }

    switch (outcome.kind) {
      case 'created':
        return confirm(outcome.urn, 'created');
      case 'duplicate':
        if (ambiguous) return confirm(outcome.urn, 'adopted_duplicate');
        // On a clean first try the earlier post is not ours (RELIABILITY.md L10).
        return fail(
          FailureType.DuplicateNotOurs,
          `LinkedIn already holds this exact text as ${outcome.urn}; it was not published by this item, so it is not adopted`,
        );
      case 'created_unnamed': {
        const found = await session.findPost(
          text,
          new Date((pub.sendingAt ?? new Date()).getTime() - 60_000),
        );
        if (found.kind === 'found') return confirm(found.urn, 'read_back');
        // Still `sending`: the next attempt re-sends and the duplicate answer names the post.
        throw ApplicationFailure.retryable(
          'LinkedIn created the post without naming it',
          FailureType.OutcomeUnknown,
        );
      }
      case 'unauthorized':
        await undoClaim(ambiguous);
        await session.markReauthRequired(outcome.message);
        return {
          kind: 'halted',
          reason: 'reauth_required',
          message: `LinkedIn account must be re-authorized (${outcome.message})`,
        };
      case 'rate_limited':
        await undoClaim(ambiguous);
        return {
          kind: 'rate_limited',
          retryAfterMs: outcome.retryAfterMs,
          message: outcome.message,
        };
      case 'version_inactive':
        // Nothing was created: the item parks until an operator fixes LINKEDIN_VERSION and
        // releases it; the error stays on the row for the `stargue_linkedin_version_refused` alarm.
        await updateOwned({
          ...(ambiguous ? {} : { state: 'intent', sendingAt: null }),
          lastError: `${FailureType.VersionInactive}: ${outcome.message}`,
        });
        return { kind: 'halted', reason: 'linkedin_version', message: outcome.message };
      case 'permanent':
        return fail(outcome.type, outcome.message);
      case 'unknown':
        await updateOwned({ lastError: `${FailureType.OutcomeUnknown}: ${outcome.message}` });
        throw ApplicationFailure.retryable(
          `outcome unknown: ${outcome.message}`,
          FailureType.OutcomeUnknown,
        );
    }

    /** A client-key outlet's attempt: claim, send with the stored key, record what came of it. */
    async function publishWithKey(
      outlet: KeyedOutlet,
      channelId: string,
      payload: unknown,
    ): Promise<PublishResult> {
      const opened = await outlet.open(channelId);
      if (!opened) return fail(FailureType.AccountMissing, `channel ${input.target?.key} is gone`);
      if (!opened.ok) return { kind: 'halted', reason: 'reauth_required', message: opened.message };
      const row = await claim(opened.session.accountId, opened.session.accountId);
      const recordKey = row.recordKey as string;
      const since = row.sendingAt ?? row.createdAt;
      const step = await sendWithKey(
        opened.session,
        recordKey,
        payload,
        ambiguous ? { since } : null,
        async () => {
          await deps.beforeSend?.(key);
          await stillOwned();
        },
      );
      switch (step.kind) {
        case 'confirm':
          return confirm(step.post.id, step.resolution, step.post.cid);
        case 'fail':
          return fail(step.type, step.message);
        case 'retry':
          await updateOwned({ state: 'intent', sendingAt: null, lastError: step.message });
          // Definitely nothing posted: retried with the same key, then the channel fails.
          throw ApplicationFailure.retryable(step.message, FailureType.OutletUnavailable);
        case 'reauth_required':
          await updateOwned({ state: 'intent', sendingAt: null });
          await outlet.markReauthRequired(channelId, step.message);
          return {
            kind: 'halted',
            reason: 'reauth_required',
            message: `${input.target?.key} must be reconnected (${step.message})`,
          };
        case 'rate_limited':
          await updateOwned({ state: 'intent', sendingAt: null });
          if (step.retryAt) await outlet.recordRateLimit(channelId, step.retryAt, step.message);
          return { kind: 'rate_limited', retryAfterMs: step.retryAfterMs, message: step.message };
        case 'unknown':
          await updateOwned({ lastError: `${FailureType.OutcomeUnknown}: ${step.message}` });
          throw ApplicationFailure.retryable(
            `outcome unknown: ${step.message}`,
            FailureType.OutcomeUnknown,
          );
      }
    }

    /** Claims the row for this attempt: everything written from here on is fenced. */
    async function claim(accountId: string, authorUrn: string | null) {
      if (Date.now() > deadline - DEADLINE_MARGIN_MS) {
        throw ApplicationFailure.retryable(
          'attempt too close to its deadline to call the outlet',
          FailureType.Superseded,
        );
      }
      const claimed = await claimPublication(db, {
        key,
        fence,
        sendingAt: ambiguous ? pub.sendingAt : new Date(),
        accountId,
        authorUrn,
      });
      if (!claimed) superseded();
      claimedAt = Date.now();
      return claimed;
    }

    /** New runs follow each publication's engagement; older ones start a child themselves. */
    function followUpFor(publishedAt: Date): FollowUpMark | null {
      if (!input.target) return null;
      return {
        taskQueue: Context.current().info.taskQueue,
        input: {
          contentId: input.contentId,
          version: input.version,
          workflowId: input.workflowId,
          outlet: input.outlet,
          target: input.target.key,
          publishedAt: publishedAt.toISOString(),
        },
      };
    }

    async function confirm(
      urn: string,
      resolution: 'created' | 'adopted_duplicate' | 'read_back',
      cid?: string,
    ): Promise<PublishResult> {
      const confirmedAt = new Date();
      const followUp = followUpFor(confirmedAt);
      // The confirmation, what records it (the item's `published`, or this channel's entry when
      // the item has several) and the follow-up still to start are one statement, under the fence.
      const owned = await confirmPublication(db, {
        key,
        fence,
        input,
        data: { urn, confirmedAt, resolution, cid: cid ?? null },
        followUp,
      });
      if (!owned) superseded();
      if (followUp) deps.followUps?.pending();
      return published(postUrl(urn), urn, resolution, confirmedAt);
    }

    async function fail(
      type: (typeof FailureType)[keyof typeof FailureType],
      message: string,
    ): Promise<never> {
      await updateOwned({ state: 'failed', lastError: `${type}: ${message}` });
      throw ApplicationFailure.nonRetryable(message, type);
    }

    /**
     * Every write after the claim is fenced: a stale attempt (a newer one claimed the row, or the
     * row is already confirmed) changes nothing and its result is discarded.
     */
    async function updateOwned(data: Prisma.PublicationUpdateManyMutationInput): Promise<void> {
      const { count } = await db.publication.updateMany({
        where: { idempotencyKey: key, attempt: fence, state: { not: 'confirmed' } },
        data,
      });
      if (count === 0) superseded();
    }

    /**
     * Right before an outlet call. A newer attempt can take the row only once Temporal gave up on
     * this one (a frozen or cut-off worker), so the row is read again only when time has passed
     * since the claim (media uploads, a pause); right after it, the claim is the check.
     */
    async function stillOwned(): Promise<void> {
      const owned =
        Date.now() - claimedAt < FRESH_CLAIM_MS ||
        (await db.publication.count({
          where: { idempotencyKey: key, attempt: fence, state: 'sending' },
        })) > 0;
      if (!owned) superseded();
      if (Date.now() > deadline - DEADLINE_MARGIN_MS) {
        await undoClaim(ambiguous);
        throw ApplicationFailure.retryable(
          'attempt too close to its deadline to call the outlet',
          FailureType.Superseded,
        );
      }
    }

    // A definite "nothing was created" (401, 429) returns a clean row to `intent`; an ambiguous
    // one stays `sending` so the next attempt still resolves the earlier call.
    async function undoClaim(wasAmbiguous: boolean): Promise<void> {
      if (wasAmbiguous) return;
      await updateOwned({ state: 'intent', sendingAt: null });
    }
  }
}

function contentChanged(): never {
  throw ApplicationFailure.nonRetryable(
    'the stored content no longer matches what was approved',
    FailureType.ContentChanged,
  );
}

function superseded(): never {
  throw ApplicationFailure.nonRetryable(
    'a newer attempt owns this publication',
    FailureType.Superseded,
  );
}

function published(
  url: string,
  urn: string,
  resolution: 'created' | 'already_recorded' | 'adopted_duplicate' | 'read_back',
  at: Date,
): PublishResult {
  return {
    kind: 'published',
    postUrn: urn,
    url,
    resolution,
    publishedAt: at.toISOString(),
  };
}

import type { DecisionAction, SignedDecision } from './decisions';

// Imported by workflow code: types and plain constants only — no zod, no I/O. The API parses its
// inputs with the zod schemas in contracts/api.ts; the workflow checks what reaches it with the
// small functions in workflows/content/inputs.ts.

export const PUBLISH_STATUSES = [
  'validating',
  'draft',
  'awaiting_approval',
  'scheduled',
  'publishing',
  'published',
  'partially_published',
  'rejected',
  'cancelled',
  'failed',
  'halted',
] as const;
export type PublishStatus = (typeof PUBLISH_STATUSES)[number];

export const TERMINAL_STATUSES: readonly PublishStatus[] = [
  'draft',
  'published',
  'partially_published',
  'rejected',
  'cancelled',
  'failed',
];

/**
 * One place an item is published to: an outlet and one of its channels (a connected account).
 * Each target publishes exactly once, on its own: one failing or parked holds back no other.
 */
export interface PublishTarget {
  outlet: string;
  /** The channel's id; null for items from before channels (the outlet's one account). */
  channelId: string | null;
  /** The channel's name when the item was submitted, for people. */
  channelName: string | null;
  /** What the publication's idempotency key is made of; fixed at submission. */
  key: string;
}

/** How one target stands. */
export type ChannelStatus = 'waiting' | 'publishing' | 'published' | 'failed' | 'parked';

export interface ChannelProgress {
  key: string;
  outlet: string;
  channel: string | null;
  status: ChannelStatus;
  /** Why it failed or is parked, in plain words. */
  reason: string | null;
  halt: HaltReason | null;
  postUrn: string | null;
  url: string | null;
}

/** Why an item is parked. `halted` always carries one of these. */
export const HALT_REASONS = [
  'kill_switch',
  'item_halt',
  'reauth_required',
  'outcome_unknown',
  /** LinkedIn answered 426 to our LINKEDIN_VERSION: set a working one, then release the item. */
  'linkedin_version',
] as const;
export type HaltReason = (typeof HALT_REASONS)[number];

/** What the API starts a workflow with: ids only; the content itself is read from its row. */
export interface ContentWorkflowInput {
  contentId: string;
  version: number;
  /** Who submitted (display only; the audit entry the API wrote names them). */
  submittedBy: string;
}

export interface ApprovalRecord {
  decision: 'approved' | 'rejected';
  actor: string;
  note: string | null;
  contentHash: string;
  at: string;
}

export interface PublicationRecord {
  outlet: string;
  postUrn: string;
  url: string;
  publishedAt: string;
  resolution: PublishResolution;
}

export interface ErrorRecord {
  type: string;
  message: string;
  at: string;
}

/** Everything an editor or operator needs to know about one item, as the `status` query returns it. */
export interface ContentState {
  contentId: string;
  version: number;
  status: PublishStatus;
  /** The step the item is in when a halt is lifted (`halted` overlays it). */
  phase: PublishStatus;
  contentHash: string | null;
  outlets: string[];
  scheduledAt: string | null;
  approvals: ApprovalRecord[];
  publications: PublicationRecord[];
  halt: { reason: HaltReason; message: string; since: string } | null;
  itemSwitch: { engaged: boolean; reason: string | null };
  globalSwitch: { engaged: boolean; reason: string | null };
  lastError: ErrorRecord | null;
  /** When a rate-limited or failed attempt will be retried, if one is waiting. */
  nextAttemptAt: string | null;
  /** Things an operator should act on before they become a halt (e.g. an expiring token). */
  warnings: string[];
  /** Each target (outlet and channel) and how it stands; empty before validation. */
  channels: ChannelProgress[];
}

// ---- activities' contracts ----

export interface ContentRef {
  contentId: string;
  version: number;
}

export type ValidateResult =
  | {
      ok: true;
      status: 'draft' | 'ready';
      contentHash: string;
      outlets: string[];
      /** Where the item goes, one entry per outlet and channel (absent from older runs' results). */
      targets?: PublishTarget[];
      scheduledAt: string | null;
      globalSwitch: { engaged: boolean; reason: string | null };
    }
  | { ok: false; message: string };

/** One channel of several failed for good (workflows/content/targets.ts). */
export interface ChannelFailureInput {
  contentId: string;
  version: number;
  workflowId: string;
  /** The target's key: `linkedin:jane`, or the outlet for items from before channels. */
  target: string;
  type: string;
  message: string;
}

export interface TransitionInput extends ContentRef {
  workflowId: string;
  runId: string;
  /** Position of this transition in the run: makes a retried write idempotent. */
  seq: number;
  from: PublishStatus | null;
  to: PublishStatus;
  actor: string;
  reason: string | null;
  haltReason: string | null;
  lastError: string | null;
}

/** What the validate activity needs; `record` (new runs) makes it record the outcome too. */
export interface ValidateInput extends ContentRef {
  /** The caller's workflow id: the row must name it, so a run started by hand cannot borrow it. */
  workflowId?: string;
  record?: { runId: string; seq: number };
}

/** A signed decision to check, and the status change it makes once it is believed. */
export interface VerifyDecisionInput extends ContentRef {
  workflowId: string;
  runId: string;
  seq: number;
  decision: SignedDecision;
  /**
   * What the workflow expects the claim to say; anything else is refused. `contentHash` is the
   * item's (recorded with an approval or a rejection); `bindsHash` says whether the claim must
   * name exactly it (an approval does).
   */
  expected: { action: DecisionAction; contentHash: string | null; bindsHash: boolean };
  /** The status change to record with the decision, in the same transaction. */
  transition: { from: PublishStatus; to: PublishStatus } | null;
  /** For an approval: the time it will publish, to warn about tokens that die before it. */
  scheduledAt: string | null;
}

export type VerifyDecisionResult =
  | { ok: true; warnings: string[]; globalSwitch: { engaged: boolean; reason: string | null } }
  | { ok: false; reason: string };

export interface DecisionInput extends ContentRef {
  requestId: string;
  decision: 'approved' | 'rejected';
  actor: string;
  note: string | null;
  contentHash: string;
}

export interface PublishInput extends ContentRef {
  workflowId: string;
  outlet: string;
  /** The channel to publish to; absent in older runs (the outlet's one account). */
  target?: PublishTarget;
  contentHash: string;
  /** Grows with every call the workflow makes; with the attempt number it fences stale workers. */
  call: number;
  /** An operator released an `outcome_unknown` item: re-sending is allowed even past the window. */
  resendAuthorized?: boolean;
  /**
   * New runs: the activity records `publishing` with its first write and `published` with the
   * confirmation (when `final`, the item's last outlet), and starts the engagement follow-up.
   */
  record?: {
    runId: string;
    /** The status the item leaves for `publishing`. */
    from: PublishStatus;
    publishingSeq: number;
    publishedSeq: number;
    final: boolean;
  };
}

export type PublishResolution = 'created' | 'already_recorded' | 'adopted_duplicate' | 'read_back';

export type PublishResult =
  | {
      kind: 'published';
      postUrn: string;
      url: string;
      resolution: PublishResolution;
      publishedAt: string;
    }
  | {
      kind: 'halted';
      reason: 'kill_switch' | 'reauth_required' | 'linkedin_version';
      message: string;
    }
  | { kind: 'rate_limited'; retryAfterMs: number | null; message: string }
  | { kind: 'unresolved'; message: string }
  /** Media uploaded but not yet usable at the outlet: wait durably, then call again. */
  | { kind: 'media_pending'; retryAfterMs: number; message: string };

/** Failure `type`s raised on purpose; the workflow and the API branch on them. */
export const FailureType = {
  ContentInvalid: 'CONTENT_INVALID',
  ContentChanged: 'CONTENT_CHANGED',
  OutcomeUnknown: 'OUTCOME_UNKNOWN',
  Superseded: 'ATTEMPT_SUPERSEDED',
  DuplicateNotOurs: 'DUPLICATE_POST',
  Forbidden: 'LINKEDIN_FORBIDDEN',
  TooLong: 'TOO_LONG',
  VersionInactive: 'LINKEDIN_VERSION_INACTIVE',
  Rejected: 'LINKEDIN_REJECTED',
  BlueskyRejected: 'BLUESKY_REJECTED',
  ServerError: 'LINKEDIN_5XX',
  OutletDisabled: 'OUTLET_DISABLED',
  AccountMissing: 'ACCOUNT_NOT_CONNECTED',
  /** A decision whose signature or claim the worker could not verify. */
  Unverified: 'UNVERIFIED_DECISION',
  InvalidState: 'INVALID_STATE',
  InvalidInput: 'INVALID_INPUT',
  StaleContentHash: 'STALE_CONTENT_HASH',
  /** The outlet could not be reached or failed, and nothing was posted: retried, then failed. */
  OutletUnavailable: 'OUTLET_UNAVAILABLE',
  /** The outlet could not process an image or document (or lost it): replace it. */
  MediaFailed: 'MEDIA_FAILED',
} as const;
export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export const PERMANENT_FAILURES: readonly string[] = [
  FailureType.ContentInvalid,
  FailureType.ContentChanged,
  FailureType.Superseded,
  FailureType.DuplicateNotOurs,
  FailureType.Forbidden,
  FailureType.TooLong,
  FailureType.VersionInactive,
  FailureType.Rejected,
  FailureType.BlueskyRejected,
  FailureType.OutletDisabled,
  FailureType.AccountMissing,
  FailureType.MediaFailed,
];

// ---- engagement follow-up ----

export interface EngagementCheckpoint {
  name: string;
  /** Time after publishing at which to read the post's statistics. */
  afterMs: number;
}

/** About 1 h, 24 h and 7 days after publishing. */
export const ENGAGEMENT_CHECKPOINTS: readonly EngagementCheckpoint[] = [
  { name: '1h', afterMs: 3_600_000 },
  { name: '24h', afterMs: 86_400_000 },
  { name: '7d', afterMs: 604_800_000 },
];

export interface EngagementInput extends ContentRef {
  /** The content workflow whose publication this follows. */
  workflowId: string;
  outlet: string;
  /** The publication's target key (outlet and channel); absent in older runs (the outlet). */
  target?: string;
  publishedAt: string;
  checkpoints?: EngagementCheckpoint[];
}

/** A follow-up still to start, as a confirmed publication row carries it (`follow_up`). */
export interface FollowUpMark {
  /** The task queue of the worker that confirmed the post: its follow-up runs there too. */
  taskQueue: string;
  input: EngagementInput;
}

export type EngagementResult = 'collected' | 'refused' | 'unavailable';

import type {
  ChannelProgress,
  ContentState,
  ContentWorkflowInput,
  HaltReason,
  PublishStatus,
  PublishTarget,
} from '../../contracts/workflow';

/** Who decided, once a decision has been believed. */
export interface Decision {
  approved: boolean;
  actor: string;
}

/** One target's run: its progress (part of the view) and what only the workflow needs. */
export interface TargetRun {
  target: PublishTarget;
  progress: ChannelProgress;
  /** An operator's release of an `outcome_unknown` target vouches that a re-send is safe. */
  resendAuthorized: boolean;
  rateLimitStreak: number;
  /** When it parked, for the item's `halt.since`. */
  parkedSince: string | null;
}

/**
 * Everything one content workflow knows. The `status` query returns `view`; the rest is the
 * bookkeeping the handlers and steps share, kept in one place instead of closure variables.
 */
export class ContentItem {
  readonly view: ContentState;
  /** Runs recorded before the hot-path change write every transition with its own activity. */
  readonly legacy: boolean;
  /** Runs from the lean-visibility change on write search attributes only when the list changes. */
  readonly leanVisibility: boolean;
  /** What this run last wrote to `PublishStatus` and `HaltReason`; null before its first write. */
  listed: { status: PublishStatus; haltReason: HaltReason | null } | null = null;
  /** Position of the next audit entry in this run; makes retried writes idempotent. */
  seq = 0;
  decision: Decision | null = null;
  /** A decision is being verified: a second one waits its turn (the validator refuses it). */
  deciding = false;
  /** Update and request ids already acted on: a replayed signed claim changes nothing. */
  readonly usedRequests = new Set<string>();
  scheduleChanges = 0;
  reconnects = 0;
  publishCalls = 0;
  rateLimitStreak = 0;
  /** An operator's release of an `outcome_unknown` item vouches that a re-send is safe. */
  resendAuthorized = false;
  /** Where the item goes (new runs): one run per outlet and channel. */
  targets: TargetRun[] = [];
  /** One target at a time parks the whole item for a switch; the others wait behind it. */
  switchParked = false;

  constructor(
    readonly input: ContentWorkflowInput,
    readonly workflowId: string,
    readonly runId: string,
    shape: { legacy: boolean; leanVisibility: boolean },
  ) {
    this.legacy = shape.legacy;
    this.leanVisibility = shape.leanVisibility;
    this.view = {
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
      channels: [],
    };
  }

  get ref(): { contentId: string; version: number } {
    return { contentId: this.input.contentId, version: this.input.version };
  }

  /** Sets where the item goes; each target starts `waiting`. */
  aim(targets: readonly PublishTarget[]): void {
    this.targets = targets.map((target) => ({
      target,
      progress: {
        key: target.key,
        outlet: target.outlet,
        channel: target.channelName,
        status: 'waiting',
        reason: null,
        halt: null,
        postUrn: null,
        url: null,
      },
      resendAuthorized: false,
      rateLimitStreak: 0,
      parkedSince: null,
    }));
    this.view.channels = this.targets.map((run) => run.progress);
  }

  /** The halt a kill switch imposes right now, if any (global first). */
  switchHalt(): { reason: HaltReason; message: string } | null {
    const { globalSwitch, itemSwitch } = this.view;
    if (globalSwitch.engaged) {
      return {
        reason: 'kill_switch',
        message: `global kill switch: ${globalSwitch.reason ?? 'engaged'}`,
      };
    }
    if (itemSwitch.engaged) {
      return { reason: 'item_halt', message: `item halted: ${itemSwitch.reason ?? 'engaged'}` };
    }
    return null;
  }
}

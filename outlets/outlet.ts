import type { FailureTypeName } from '../contracts/workflow';

/** What one create call on an outlet came to, in terms the publish activity can act on. */
export type CreateOutcome =
  | { kind: 'created'; urn: string }
  /** Created, but the answer did not name the post. */
  | { kind: 'created_unnamed' }
  /** The outlet already holds this text and names the earlier post. */
  | { kind: 'duplicate'; urn: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'rate_limited'; retryAfterMs: number | null; message: string }
  /** The outlet no longer serves the API version we speak (LinkedIn's 426): nothing was created. */
  | { kind: 'version_inactive'; message: string }
  | { kind: 'permanent'; type: FailureTypeName; message: string }
  /** The post may or may not exist: timeout, reset, 5xx, a malformed answer. */
  | { kind: 'unknown'; message: string };

export type ReadBack =
  | { kind: 'found'; urn: string }
  | { kind: 'not_found' }
  /** The account's scopes do not allow reading posts back (share-only apps). */
  | { kind: 'cannot_read'; message: string };

/** A failure of any outlet call that is not a create: nothing was created by it. */
export type OutletFailure = Extract<
  CreateOutcome,
  { kind: 'unauthorized' | 'rate_limited' | 'version_inactive' | 'permanent' | 'unknown' }
>;

export type MediaKind = 'image' | 'document';

/** Media attached to a post, by the outlet's own ids (uploaded under the session's author). */
export type Attachments =
  | { kind: 'images'; images: { urn: string; alt: string }[] }
  | { kind: 'document'; urn: string; title: string };

export type MediaProcessing = 'waiting_upload' | 'processing' | 'available' | 'failed' | 'unknown';

/** Uploading media under the session's author; init and upload are safe to retry. */
export interface OutletMedia {
  /** Registers an upload; the returned URN is recorded before the bytes are sent. */
  initialize(
    kind: MediaKind,
  ): Promise<{ kind: 'initialized'; urn: string; uploadUrl: string } | OutletFailure>;
  upload(input: {
    uploadUrl: string;
    data: Uint8Array<ArrayBuffer>;
    contentType: string;
    timeoutMs: number;
  }): Promise<{ kind: 'uploaded' } | OutletFailure>;
  /** Processing status by URN; `cannot_read` when the token may not read it (member tokens). */
  status(
    urns: string[],
  ): Promise<
    | { kind: 'read'; statuses: Record<string, MediaProcessing> }
    | { kind: 'cannot_read'; message: string }
    | OutletFailure
  >;
}

/** An account ready to post, with its token held inside (never returned to callers). */
export interface OutletSession {
  /** The channel (channels table) this session posts on. */
  readonly channelId: string;
  readonly accountId: string;
  readonly authorUrn: string;
  /** Present where the outlet takes images and documents. */
  readonly media?: OutletMedia;
  create(commentary: string, attachments?: Attachments): Promise<CreateOutcome>;
  /** Looks for a post of this account with this text, created at or after `since`. */
  findPost(commentary: string, since: Date): Promise<ReadBack>;
  /** Tries to renew an expired token once; false when the account must be re-authorized. */
  refresh(): Promise<boolean>;
  markReauthRequired(reason: string): Promise<void>;
}

/**
 * Why a channel cannot post now: `reauth_required` (its account must be reconnected, or may not
 * post as the channel's author) and `channel_disabled` (an operator disabled it) both wait for
 * an operator; the channel's items park, the others' continue.
 */
export type NotPrepared = {
  ok: false;
  reason: 'reauth_required' | 'channel_disabled';
  message: string;
};

export type Prepared = { ok: true; session: OutletSession } | NotPrepared;

export type EngagementReading =
  | { kind: 'collected'; reactions: number; comments: number }
  /** The account's scopes or the outlet's product do not allow reading statistics. */
  | { kind: 'refused'; message: string }
  | { kind: 'unavailable'; message: string };

/** A place posts go to. LinkedIn is the first; the publish activity only knows this contract. */
export interface Outlet {
  readonly name: string;
  /**
   * Opens one channel's account (channels table id); without one, the outlet's default channel
   * (publications of items submitted before channels existed).
   */
  prepare(channelId?: string | null): Promise<Prepared>;
  postUrl(urn: string): string;
  /** Statistics of a published post, read with its channel's account, where the outlet offers them. */
  readEngagement?(urn: string, channelId?: string | null): Promise<EngagementReading>;
}

/** Stands in for an outlet whose credentials are not configured: items park instead of failing. */
export function unconfiguredOutlet(
  name: string,
  message: string,
  postUrl: (urn: string) => string,
): Outlet {
  return {
    name,
    postUrl,
    prepare: async () => ({ ok: false, reason: 'reauth_required', message }),
  };
}

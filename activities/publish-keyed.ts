// The send step for outlets that take a client-chosen key (Bluesky's record key): the key is
// stored with the publication before the first create, every attempt sends the same key, and
// an attempt that finds an earlier one unfinished asks the outlet about the key first.
import { FailureType, type FailureTypeName } from '../contracts/workflow';
import type { ChannelSession, CreateResult, Opened, PostRef } from '../outlets/outlet-v2';

/** A client-key outlet as the publish activity uses it, per channel. */
export interface KeyedOutlet {
  newPublicationKey(): string;
  /** Opens a channel's session; null when the channel is not this outlet's (or is gone). */
  open(channelId: string): Promise<Opened<unknown> | null>;
  postUrl(post: PostRef): string;
  /** Remembers that the channel's account refused us, so items wait for a reconnect. */
  markReauthRequired(channelId: string, message: string): Promise<void>;
  /** Remembers until when the channel is rate limited (shown by GET /v1/channels). */
  recordRateLimit(channelId: string, until: Date, message: string): Promise<void>;
}

/** What the activity does next, in the same words as the LinkedIn path's outcomes. */
export type KeyedStep =
  | { kind: 'confirm'; post: PostRef; resolution: 'created' | 'read_back' }
  | { kind: 'fail'; type: FailureTypeName; message: string }
  /** Nothing was posted: the row goes back to `intent` and the activity retries. */
  | { kind: 'retry'; message: string }
  | { kind: 'reauth_required'; message: string }
  | { kind: 'rate_limited'; retryAfterMs: number | null; retryAt: Date | null; message: string }
  /** Nobody can tell yet: the row stays `sending` and the next attempt asks again by key. */
  | { kind: 'unknown'; message: string };

/**
 * Sends one publication with its key. An `ambiguous` row (an earlier attempt may have posted)
 * is resolved by key before any create, so a post that landed is adopted, never repeated.
 */
export async function sendWithKey(
  session: ChannelSession<unknown>,
  key: string,
  payload: unknown,
  ambiguous: { since: Date } | null,
  beforeCreate: () => Promise<void>,
): Promise<KeyedStep> {
  if (ambiguous) {
    const found = await session.resolve(key, payload, ambiguous.since);
    switch (found.kind) {
      case 'found':
        return { kind: 'confirm', post: found.post, resolution: 'read_back' };
      case 'conflict':
        return { kind: 'fail', type: FailureType.DuplicateNotOurs, message: found.message };
      case 'cannot_read':
        return { kind: 'unknown', message: found.message };
      case 'not_found':
        break;
    }
  }
  await beforeCreate();
  return stepOf(await session.create(key, payload));
}

function stepOf(result: CreateResult): KeyedStep {
  switch (result.kind) {
    case 'created':
      return { kind: 'confirm', post: result.post, resolution: result.resolution };
    case 'not_created':
      return { kind: 'retry', message: result.message };
    case 'reauth_required':
      return { kind: 'reauth_required', message: result.message };
    case 'rate_limited': {
      const retryAt = result.retryAt === null ? null : new Date(result.retryAt);
      const valid = retryAt !== null && !Number.isNaN(retryAt.getTime());
      return {
        kind: 'rate_limited',
        retryAt: valid ? retryAt : null,
        retryAfterMs: valid ? Math.max(0, retryAt.getTime() - Date.now()) : null,
        message: result.message,
      };
    }
    case 'permanent':
      return { kind: 'fail', type: result.type, message: result.message };
    case 'unknown':
      return { kind: 'unknown', message: result.message };
  }
}

// The second version of the outlet contract (docs/outlets.md), written for channels: many
// accounts per outlet, each rendered, measured and published on its own. Bluesky implements it
// first; LinkedIn moves onto it when the publish workflow is reshaped per channel, and
// outlet.ts (the first version) goes then.
import type { Issue } from '../contracts/issues';
import type { FailureTypeName } from '../contracts/workflow';

/** One measure of a rendered text against one of the outlet's limits. */
export interface Measure {
  unit: 'utf16_units' | 'graphemes' | 'utf8_bytes';
  value: number;
  limit: number;
}

/** The media an outlet takes with one post. */
export interface MediaRules {
  maxImages: number;
  maxImageBytes: number;
  imageTypes: readonly string[];
  altTextRequired: boolean;
}

/** What validation renders for one channel: the exact payload, as previewed and approved. */
export interface RenderedPost<Payload> {
  /** The text a reader will see. */
  text: string;
  measures: Measure[];
  /** SHA-256 of everything the payload sends (text, rich-text ranges, languages, media). */
  contentHash: string;
  payload: Payload;
}

export type RenderOutcome<Payload> =
  { ok: true; post: RenderedPost<Payload> } | { ok: false; issues: Issue[] };

/** A published post: the outlet's id for it (LinkedIn URN, Bluesky at:// URI) and version. */
export interface PostRef {
  id: string;
  /** Bluesky's CID of the record as published; LinkedIn has none. */
  cid?: string;
}

/** What one create call came to. Every kind but `created` leaves the key usable again. */
export type CreateResult =
  | { kind: 'created'; post: PostRef; resolution: 'created' | 'read_back' }
  /** Nothing was published (the read-back found nothing): try again with the same key. */
  | { kind: 'not_created'; message: string }
  | { kind: 'reauth_required'; message: string }
  /** `retryAt`: when the outlet says the limit resets (ISO instant), null when it did not say. */
  | { kind: 'rate_limited'; retryAt: string | null; message: string }
  | { kind: 'permanent'; type: FailureTypeName; message: string }
  /** Neither the create nor the read-back could tell: resolve later with the same key. */
  | { kind: 'unknown'; message: string };

export type Resolution =
  | { kind: 'found'; post: PostRef }
  | { kind: 'not_found' }
  /** Something else sits where this publication's post would be: never adopted. */
  | { kind: 'conflict'; post: PostRef; message: string }
  | { kind: 'cannot_read'; message: string };

/**
 * How an outlet keeps a create exactly once.
 * - `client_key` (Bluesky): the caller stores `newPublicationKey()` with the publication before
 *   the first create and passes it to every attempt; the outlet cannot make two posts for one key,
 *   and `resolve` looks the key up.
 * - `duplicate_probe` (LinkedIn): the outlet chooses the id; an ambiguous attempt is resolved by
 *   reading back recent posts, or by an identical re-send inside the outlet's duplicate window.
 */
export type Idempotency =
  { kind: 'client_key' } | { kind: 'duplicate_probe'; resendWindowMs: number };

/** One connected account, signed in, ready to publish. */
export interface ChannelSession<Payload> {
  /** The account's stable id at the outlet (DID, member URN). */
  readonly accountId: string;
  create(key: string, payload: Payload): Promise<CreateResult>;
  /** Whether the post of this key exists; `since` bounds a read-back where there is no key. */
  resolve(key: string, payload: Payload, since: Date): Promise<Resolution>;
}

export type Opened<Payload> =
  | { ok: true; session: ChannelSession<Payload> }
  | { ok: false; reason: 'reauth_required'; message: string };

/** A place posts go to, for any number of channels of type `Channel`. */
export interface OutletV2<Payload, Channel, Input> {
  readonly name: string;
  readonly media: MediaRules;
  readonly idempotency: Idempotency;
  /**
   * Renders and measures one item for one channel, at validation time; lookups the payload
   * needs (Bluesky's mentions) happen here, so publishing sends what was approved.
   */
  render(input: Input, channel: Channel): Promise<RenderOutcome<Payload>>;
  /** A key for a new publication (`client_key` outlets); stored before the first create. */
  newPublicationKey(): string;
  open(channel: Channel): Promise<Opened<Payload>>;
  postUrl(post: PostRef): string;
}

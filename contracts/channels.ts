// Channels: one connected account on one outlet, named by the operator (docs/operations.md,
// "Channels"). Pure data and types, no zod: the workflow imports them.

/** Outlets a channel can be on. */
export const CHANNEL_OUTLETS = ['linkedin', 'bluesky'] as const;
export type ChannelOutlet = (typeof CHANNEL_OUTLETS)[number];

export function isChannelOutlet(name: string): name is ChannelOutlet {
  return (CHANNEL_OUTLETS as readonly string[]).includes(name);
}

/**
 * A channel's name: what `outlets: [linkedin:acme-page, bluesky:stargue.bsky.social]` says. A
 * Bluesky handle fits, so it can be its own channel's name. Unique per outlet.
 */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{0,62}$/;
export const CHANNEL_NAME_RULE =
  'lowercase letters, digits, `.` and `-`, 1–63 characters, starting with a letter or digit';

export const CHANNEL_STATUSES = ['active', 'reauth_required'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/**
 * One channel an item publishes to, resolved when it is submitted. `channelId` is the identity
 * (a rename does not change it); `key` (`outlet:name` at submission) names it to people.
 */
export interface Target {
  outlet: ChannelOutlet;
  /** null: the outlet had no channel yet; it publishes on the default once one is connected. */
  channelId: string | null;
  channelName: string | null;
  key: string;
}

/**
 * A target as content.targets stores it: with what it sends where that differs per channel
 * (a Bluesky payload and its hash). Never part of workflow input or history.
 */
export interface StoredTarget extends Target {
  payload?: unknown;
  contentHash?: string;
}

/** The targets `content.targets` holds; null for items from before channels (the column is null). */
export function storedTargets(json: unknown): StoredTarget[] | null {
  return Array.isArray(json) ? (json as StoredTarget[]) : null;
}

export function targetKey(outlet: ChannelOutlet, channelName: string): string {
  return `${outlet}:${channelName}`;
}

/** The operator-only audit subject of a channel (OPERATOR_AUDIT_PREFIXES has its prefix). */
export const CHANNEL_AUDIT_PREFIX = 'channel:';
export function channelAuditSubject(outlet: string, name: string): string {
  return `${CHANNEL_AUDIT_PREFIX}${outlet}:${name}`;
}

// Changing channels: every change an operator makes is audited under `channel:<outlet>:<name>`,
// and changes to one outlet's channels are serialized (names and the default are per outlet).
import { channelAuditSubject, type ChannelOutlet, type ChannelStatus } from '../contracts/channels';
import { appendAudit, type AuditEntry } from '../platform/audit';
import type { Db, Prisma } from '../platform/db/client';
import { AppError, ErrorCode } from '../publishing/errors';
import {
  defaultChannel,
  getChannelByName,
  requireChannel,
  type Channel,
  type ChannelDb,
} from './store';

// pg_advisory_xact_lock(namespace, key) namespaces; LinkedIn's token refresh uses 7_734_002.
const OUTLET_LOCK_NAMESPACE = 7_734_003;

type Tx = Prisma.TransactionClient;

/** Runs `work` in a transaction holding the outlet's channel lock. */
export function withOutletLock<T>(
  db: Db,
  outlet: ChannelOutlet,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OUTLET_LOCK_NAMESPACE}, hashtext(${outlet}))`;
      return work(tx);
    },
    { timeout: 30_000 },
  );
}

function audit(
  tx: ChannelDb,
  actor: string,
  channel: Pick<Channel, 'id' | 'outlet' | 'name'>,
  action: string,
  details: Record<string, unknown> = {},
  extra: Partial<AuditEntry> = {},
) {
  return appendAudit(tx, {
    actor,
    action,
    subject: channelAuditSubject(channel.outlet, channel.name),
    details: { channelId: channel.id, ...details },
    ...extra,
  });
}

async function assertNameFree(tx: Tx, outlet: ChannelOutlet, name: string): Promise<void> {
  if (await getChannelByName(tx, outlet, name)) {
    throw new AppError(
      ErrorCode.ChannelConflict,
      `a ${outlet} channel named ${JSON.stringify(name)} exists already; choose another name`,
    );
  }
}

/**
 * Inserts a channel inside the outlet's lock (see withOutletLock). The outlet's first channel
 * becomes its default, so `outlets: [bluesky]` works as soon as one account is connected.
 */
export async function insertChannel(
  tx: Tx,
  actor: string,
  data: Omit<Prisma.ChannelUncheckedCreateInput, 'isDefault' | 'createdBy' | 'updatedBy'> & {
    outlet: ChannelOutlet;
  },
): Promise<Channel> {
  await assertNameFree(tx, data.outlet, data.name);
  const isDefault = (await defaultChannel(tx, data.outlet)) === null;
  const channel = await tx.channel.create({
    data: { ...data, isDefault, createdBy: actor, updatedBy: actor },
  });
  await audit(tx, actor, channel, 'channel.created', {
    displayName: channel.displayName,
    account: channel.authorUrn ?? channel.did,
    default: isDefault,
  });
  return channel;
}

/** What PATCH /v1/channels/:outlet/:name may change; absent fields stay as they are. */
export interface ChannelChange {
  name?: string | undefined;
  displayName?: string | undefined;
  disabled?: boolean | undefined;
  default?: boolean | undefined;
}

/**
 * Applies a change in one transaction: rename (the id, and so every item and publication that
 * names the channel, stays), display name, disable/enable, default on/off. Each effective part is
 * audited; a part that changes nothing is not.
 */
export function updateChannel(
  db: Db,
  actor: string,
  outlet: ChannelOutlet,
  name: string,
  change: ChannelChange,
): Promise<Channel> {
  return withOutletLock(db, outlet, async (tx) => {
    let channel = await requireChannel(tx, outlet, name);
    const save = async (data: Prisma.ChannelUpdateInput) =>
      (channel = await tx.channel.update({
        where: { id: channel.id },
        data: { ...data, updatedBy: actor },
      }));

    if (change.name !== undefined && change.name !== channel.name) {
      await assertNameFree(tx, outlet, change.name);
      const previous = channel;
      await save({ name: change.name });
      // Under both names, so each name's history tells where the channel went or came from.
      await audit(tx, actor, previous, 'channel.renamed', {
        from: previous.name,
        to: channel.name,
      });
      await audit(tx, actor, channel, 'channel.renamed', { from: previous.name, to: channel.name });
    }
    if (change.displayName !== undefined && change.displayName !== channel.displayName) {
      const from = channel.displayName;
      await save({ displayName: change.displayName });
      await audit(tx, actor, channel, 'channel.display_name_changed', {
        from,
        to: channel.displayName,
      });
    }
    if (change.disabled !== undefined && change.disabled !== (channel.disabledAt !== null)) {
      await save({ disabledAt: change.disabled ? new Date() : null });
      await audit(tx, actor, channel, change.disabled ? 'channel.disabled' : 'channel.enabled');
    }
    if (change.default !== undefined && change.default !== channel.isDefault) {
      if (change.default) {
        if (channel.disabledAt !== null) {
          throw new AppError(
            ErrorCode.InvalidState,
            `${outlet} channel ${JSON.stringify(channel.name)} is disabled and cannot be the default; enable it first`,
          );
        }
        const previous = await defaultChannel(tx, outlet);
        if (previous) {
          await tx.channel.update({
            where: { id: previous.id },
            data: { isDefault: false, updatedBy: actor },
          });
          await audit(tx, actor, previous, 'channel.default_cleared', { to: channel.name });
        }
        await save({ isDefault: true });
        await audit(tx, actor, channel, 'channel.default_set', { from: previous?.name ?? null });
      } else {
        await save({ isDefault: false });
        await audit(tx, actor, channel, 'channel.default_cleared', { to: null });
      }
    }
    return channel;
  });
}

export const renameChannel = (
  db: Db,
  actor: string,
  outlet: ChannelOutlet,
  name: string,
  newName: string,
) => updateChannel(db, actor, outlet, name, { name: newName });

export const disableChannel = (db: Db, actor: string, outlet: ChannelOutlet, name: string) =>
  updateChannel(db, actor, outlet, name, { disabled: true });

export const enableChannel = (db: Db, actor: string, outlet: ChannelOutlet, name: string) =>
  updateChannel(db, actor, outlet, name, { disabled: false });

export const setDefaultChannel = (db: Db, actor: string, outlet: ChannelOutlet, name: string) =>
  updateChannel(db, actor, outlet, name, { default: true });

/**
 * The account refused its credentials: items for this channel wait until an operator reconnects
 * it. Returns whether the channel changed (it is marked and audited once).
 */
export async function markReauthRequired(
  db: ChannelDb,
  channelId: string,
  reason: string,
  actor = 'system',
): Promise<boolean> {
  const status: ChannelStatus = 'reauth_required';
  const changed = await db.channel.updateMany({
    where: { id: channelId, status: 'active' },
    data: { status, reauthReason: reason.slice(0, 500), updatedBy: actor },
  });
  if (changed.count === 0) return false;
  const channel = await db.channel.findUniqueOrThrow({ where: { id: channelId } });
  await audit(db, actor, channel, 'channel.reauth_required', {}, { reason: channel.reauthReason });
  return true;
}

/** Reconnected: the channel publishes again. Returns whether it was waiting. */
export async function clearReauth(
  db: ChannelDb,
  channelId: string,
  actor: string,
): Promise<boolean> {
  const changed = await db.channel.updateMany({
    where: { id: channelId, status: 'reauth_required' },
    data: { status: 'active', reauthReason: null, updatedBy: actor },
  });
  if (changed.count === 0) return false;
  const channel = await db.channel.findUniqueOrThrow({ where: { id: channelId } });
  await audit(db, actor, channel, 'channel.reauth_cleared');
  return true;
}

/**
 * The outlet refused for now (429): remembered until `until`, which an earlier, later limit is
 * never moved back from. Audited once per reset time.
 */
export async function recordRateLimit(
  db: ChannelDb,
  channelId: string,
  until: Date,
  reason: string,
): Promise<void> {
  const changed = await db.channel.updateMany({
    where: {
      id: channelId,
      OR: [{ rateLimitedUntil: null }, { rateLimitedUntil: { lt: until } }],
    },
    data: { rateLimitedUntil: until },
  });
  if (changed.count === 0) return;
  const channel = await db.channel.findUniqueOrThrow({ where: { id: channelId } });
  await audit(
    db,
    'system',
    channel,
    'channel.rate_limited',
    { until: until.toISOString() },
    {
      reason: reason.slice(0, 500),
      dedupeKey: `channel-rate-limited:${channelId}:${until.toISOString()}`,
    },
  );
}

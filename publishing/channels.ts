// The channel use cases behind /v1/channels: views without secrets, Bluesky connections, and the
// operator's changes; items parked on a channel are told when it can publish again.
import type { z } from 'zod';
import type {
  ChangeChannelInput,
  ChannelListSchema,
  ChannelView,
  CreateChannelInput,
  ReconnectInput,
} from '../contracts/api';
import type { ChannelOutlet } from '../contracts/channels';
import { connectBlueskyChannel, reconnectBlueskyChannel } from '../channels/bluesky';
import { updateChannel } from '../channels/manage';
import { listChannels, type Channel } from '../channels/store';
import type { Vault } from '../platform/crypto/vault';
import type { LinkedinToken } from '../platform/db/client';
import type { Actor, PublishingDeps } from './deps';
import { resumeParkedItems } from './linkedin-connect';
import { toAppError } from './temporal-errors';

export interface ChannelDeps extends PublishingDeps {
  vault: Vault;
  /** BLUESKY_DEFAULT_SERVICE and BLUESKY_TIMEOUT_MS. */
  bluesky: { defaultService: string; timeoutMs: number };
}

type Token = Pick<LinkedinToken, 'status' | 'accessExpiresAt' | 'refreshCiphertext'>;

/** What any role may see of a channel: never a sealed column. */
export function channelView(channel: Channel, token?: Token | null): ChannelView {
  const tokenRefused =
    token !== undefined &&
    token !== null &&
    (token.status !== 'active' ||
      (token.accessExpiresAt.getTime() <= Date.now() && token.refreshCiphertext === null));
  return {
    outlet: channel.outlet as ChannelOutlet,
    name: channel.name,
    displayName: channel.displayName,
    default: channel.isDefault,
    disabled: channel.disabledAt !== null,
    disabledAt: channel.disabledAt?.toISOString() ?? null,
    status: channel.status === 'reauth_required' || tokenRefused ? 'reauth_required' : 'active',
    reauthReason:
      channel.reauthReason ??
      (tokenRefused ? 'the LinkedIn token is refused or expired; reconnect the channel' : null),
    kind:
      channel.outlet === 'bluesky'
        ? 'account'
        : channel.authorUrn?.startsWith('urn:li:organization:')
          ? 'page'
          : 'member',
    account: channel.authorUrn ?? channel.did ?? '',
    handle: channel.handle,
    service: channel.service,
    accessExpiresAt: token?.accessExpiresAt.toISOString() ?? null,
    rateLimitedUntil: channel.rateLimitedUntil?.toISOString() ?? null,
    createdAt: channel.createdAt.toISOString(),
    createdBy: channel.createdBy,
    updatedAt: channel.updatedAt.toISOString(),
    updatedBy: channel.updatedBy,
  };
}

async function viewOf(deps: PublishingDeps, channel: Channel): Promise<ChannelView> {
  const token = channel.linkedinTokenId
    ? await deps.db.linkedinToken.findUnique({
        where: { id: channel.linkedinTokenId },
        select: { status: true, accessExpiresAt: true, refreshCiphertext: true },
      })
    : null;
  return channelView(channel, token);
}

export async function listChannelViews(
  deps: PublishingDeps,
): Promise<z.infer<typeof ChannelListSchema>> {
  try {
    const channels = await listChannels(deps.db);
    const tokens = await deps.db.linkedinToken.findMany({
      where: {
        id: { in: channels.flatMap((c) => (c.linkedinTokenId ? [c.linkedinTokenId] : [])) },
      },
      select: { id: true, status: true, accessExpiresAt: true, refreshCiphertext: true },
    });
    const byId = new Map(tokens.map((t) => [t.id, t]));
    return {
      items: channels.map((c) =>
        channelView(c, c.linkedinTokenId ? byId.get(c.linkedinTokenId) : null),
      ),
    };
  } catch (err) {
    return toAppError(err);
  }
}

/** Connects a Bluesky account (POST /v1/channels); 422 when Bluesky refuses the app password. */
export async function createChannel(
  deps: ChannelDeps,
  actor: Actor,
  body: CreateChannelInput,
): Promise<ChannelView> {
  try {
    const channel = await connectBlueskyChannel(blueskyDeps(deps), actor.name, {
      name: body.name,
      displayName: body.displayName,
      identifier: body.identifier,
      appPassword: body.appPassword,
      service: origin(body.service ?? deps.bluesky.defaultService),
    });
    return channelView(channel);
  } catch (err) {
    return toAppError(err);
  }
}

/** New credentials for a Bluesky channel; its parked items continue. */
export async function reconnectChannel(
  deps: ChannelDeps,
  actor: Actor,
  name: string,
  body: ReconnectInput,
): Promise<ChannelView> {
  try {
    const channel = await reconnectBlueskyChannel(blueskyDeps(deps), actor.name, name, {
      identifier: body.identifier,
      appPassword: body.appPassword,
      service: body.service === undefined ? undefined : origin(body.service),
    });
    await resumeParkedItems(deps);
    return channelView(channel);
  } catch (err) {
    return toAppError(err);
  }
}

/** PATCH /v1/channels/:outlet/:name; enabling a channel lets its parked items continue. */
export async function changeChannel(
  deps: PublishingDeps,
  actor: Actor,
  outlet: ChannelOutlet,
  name: string,
  body: ChangeChannelInput,
): Promise<ChannelView> {
  try {
    const wasDisabled =
      body.disabled === false &&
      (await deps.db.channel.findUnique({ where: { outlet_name: { outlet, name } } }))
        ?.disabledAt != null;
    const channel = await updateChannel(deps.db, actor.name, outlet, name, body);
    if (wasDisabled) await resumeParkedItems(deps);
    return await viewOf(deps, channel);
  } catch (err) {
    return toAppError(err);
  }
}

function blueskyDeps(deps: ChannelDeps) {
  return { db: deps.db, vault: deps.vault, log: deps.log, timeoutMs: deps.bluesky.timeoutMs };
}

/** The service as stored: its origin (the schema allows an origin, with or without `/`). */
function origin(service: string): string {
  return new URL(service).origin;
}

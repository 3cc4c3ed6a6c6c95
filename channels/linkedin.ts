// Connecting a LinkedIn account to a channel once OAuth has given us its tokens. The token row is
// the member's (one per member, outlets/linkedin/accounts.ts); channels point at it. Connecting
// a member never touches another member's channels.
import { saveAccount } from '../outlets/linkedin/accounts';
import type { LinkedInTokens } from '../outlets/linkedin/oauth';
import { personUrn } from '../outlets/linkedin/urns';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/db/client';
import { appendAudit } from '../platform/audit';
import { channelAuditSubject } from '../contracts/channels';
import { AppError, ErrorCode } from '../publishing/errors';
import { clearReauth, insertChannel, withOutletLock } from './manage';
import { freeName, slugName } from './names';
import { getChannelByName, type Channel } from './store';

export interface LinkedInConnection {
  /** The member LinkedIn's userinfo named. */
  sub: string;
  name: string | null;
  tokens: LinkedInTokens;
  /** The operator who connected it. */
  connectedBy: string;
  /** The channel to connect or reconnect; absent: the member's own (or the page's) channel. */
  channelName?: string | null;
  /** The page the channel posts as; absent: the member, or the page a reconnected channel has. */
  organizationUrn?: string | null;
}

export interface ConnectedChannel {
  channel: Channel;
  /** false: an existing channel was reconnected (its name, default and history kept). */
  created: boolean;
  account: { id: string; memberUrn: string };
}

/**
 * Stores the member's tokens and creates or reconnects the channel, in one transaction: a
 * refused connection (the channel posts as someone else, the account is already another
 * channel) stores nothing. Storing the tokens clears re-authorization on every channel of the
 * member (saveAccount).
 */
export function connectLinkedInChannel(
  db: Db,
  vault: Vault,
  input: LinkedInConnection,
): Promise<ConnectedChannel> {
  return withOutletLock(db, 'linkedin', async (tx) => {
    const memberUrn = personUrn(input.sub);
    const named = input.channelName
      ? await getChannelByName(tx, 'linkedin', input.channelName)
      : null;
    const author =
      input.organizationUrn ??
      (named?.authorUrn?.startsWith('urn:li:organization:') ? named.authorUrn : memberUrn);
    if (named && named.authorUrn !== author) {
      throw new AppError(
        ErrorCode.ChannelConflict,
        `LinkedIn channel ${named.name} posts as ${named.authorUrn ?? 'another account'}, not ${author}; ` +
          (named.authorUrn?.startsWith('urn:li:person:')
            ? 'sign in to LinkedIn as that member to reconnect it, or connect a new channel'
            : 'reconnect it for the same page, or connect a new channel'),
      );
    }
    const existing = named ?? (await tx.channel.findUnique({ where: { authorUrn: author } }));
    if (!named && existing && input.channelName) {
      throw new AppError(
        ErrorCode.ChannelConflict,
        `${author} is already connected as LinkedIn channel ${existing.name}; reconnect that channel (channel=${existing.name}) or rename it`,
      );
    }

    const account = await saveAccount(tx as unknown as Db, vault, {
      sub: input.sub,
      name: input.name,
      tokens: input.tokens,
      connectedBy: input.connectedBy,
    });
    if (existing) {
      // A page's channel may now post with another administrator's token.
      await tx.channel.update({
        where: { id: existing.id },
        data: { linkedinTokenId: account.id, updatedBy: input.connectedBy },
      });
      await clearReauth(tx, existing.id, input.connectedBy);
      const channel = await tx.channel.findUniqueOrThrow({ where: { id: existing.id } });
      await appendAudit(tx, {
        actor: input.connectedBy,
        action: 'channel.reconnected',
        subject: channelAuditSubject(channel.outlet, channel.name),
        details: { channelId: channel.id, accountId: account.id, author },
      });
      return { channel, created: false, account };
    }

    const isPage = author !== memberUrn;
    const name =
      input.channelName ??
      (await freeName(
        tx,
        'linkedin',
        isPage
          ? `org-${author.replace('urn:li:organization:', '')}`
          : slugName(input.name, `linkedin-${input.sub}`),
      ));
    const channel = await insertChannel(tx, input.connectedBy, {
      outlet: 'linkedin',
      name,
      displayName: (isPage ? name : input.name?.trim() || memberUrn).slice(0, 200),
      linkedinTokenId: account.id,
      authorUrn: author,
    });
    return { channel, created: true, account };
  });
}

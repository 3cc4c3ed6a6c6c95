import { appendAudit } from '../../platform/audit';
import { VaultError, type Vault } from '../../platform/crypto/vault';
import type { Db } from '../../platform/db/client';
import type { Logger } from '../../platform/logger';
import type { Outlet, OutletSession, Prepared, ReadBack } from '../outlet';
import { markReauthRequired, recordRateLimit } from '../../channels/manage';
import {
  channelAccount,
  openAccessToken,
  openRefreshToken,
  saveAccount,
  type ChannelAccount,
} from './accounts';
import type { LinkedInClient } from './client';
import { toCreateOutcome } from './create-outcome';
import { linkedinMedia, postContent } from './outlet-media';
import { postUrl } from './urns';

export const REAUTH_MESSAGE = 'LinkedIn account must be re-authorized';
const REFRESH_LOCK_NAMESPACE = 7_734_002;

export interface LinkedInOutletDeps {
  db: Db;
  vault: Vault;
  client: LinkedInClient;
  log: Logger;
  linkedinVersion: string;
}

/** LinkedIn as an Outlet: tokens are fetched and opened here, inside the activity, never passed in. */
export function createLinkedInOutlet(deps: LinkedInOutletDeps): Outlet {
  const { db, vault, client, log } = deps;

  /** The member's token is refused: every channel posting with it waits for a reconnect. */
  async function markReauth(accountId: string, reason: string): Promise<void> {
    const changed = await db.linkedinToken.updateMany({
      where: { id: accountId, status: 'active' },
      data: { status: 'reauth_required' },
    });
    if (changed.count > 0) {
      log.warn({ accountId, reason }, REAUTH_MESSAGE);
      await appendAudit(db, {
        actor: 'system',
        action: 'linkedin.reauth_required',
        subject: accountId,
        reason,
      });
    }
    const channels = await db.channel.findMany({
      where: { linkedinTokenId: accountId, status: 'active' },
      select: { id: true },
    });
    for (const channel of channels) await markReauthRequired(db, channel.id, reason);
  }

  /**
   * A token that cannot be opened (tampered row, key no longer configured) is the operator's to
   * fix, not a reason to fail items: callers park. Logged with its code only, never the bytes.
   */
  function openSealed<T>(open: () => T, accountId: string): T | VaultError {
    try {
      return open();
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      log.error({ accountId, code: err.code }, 'stored LinkedIn token cannot be opened');
      return err;
    }
  }

  /** One refresh at a time per account (advisory lock); a second caller reuses the first's result. */
  async function refresh(accountId: string, staleAccessToken: string): Promise<boolean> {
    const outcome = await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(${accountId}))`;
        const row = await tx.linkedinToken.findUnique({ where: { id: accountId } });
        if (!row) return false;
        if (row.status === 'active') {
          const current = openSealed(() => openAccessToken(vault, row), accountId);
          if (!(current instanceof VaultError) && current !== staleAccessToken) return true;
        }
        const refreshToken = openSealed(() => openRefreshToken(vault, row), accountId);
        if (!refreshToken || refreshToken instanceof VaultError) return false;
        if (row.refreshExpiresAt && row.refreshExpiresAt.getTime() < Date.now()) return false;
        const result = await client.refresh(refreshToken);
        if (!result.ok) {
          log.warn({ accountId, error: result.error.code }, 'LinkedIn token refresh failed');
          return false;
        }
        const sub = row.memberUrn.replace('urn:li:person:', '');
        await saveAccount(tx as unknown as Db, vault, {
          sub,
          name: row.displayName,
          tokens: result.tokens,
          connectedBy: row.connectedBy,
        });
        return 'refreshed' as const;
      },
      { timeout: 30_000 },
    );
    if (outcome === 'refreshed') {
      await appendAudit(db, {
        actor: 'system',
        action: 'linkedin.token_refreshed',
        subject: accountId,
      });
    }
    return outcome !== false;
  }

  function session(
    channelId: string,
    accountId: string,
    authorUrn: string,
    accessToken: string,
    scopes: string[],
  ): OutletSession {
    let token = accessToken;
    return {
      channelId,
      accountId,
      authorUrn,
      media: linkedinMedia(client, authorUrn, () => token, deps),
      async create(commentary, attachments) {
        const content = postContent(attachments);
        const outcome = toCreateOutcome(
          await client.createPost({
            accessToken: token,
            author: authorUrn,
            commentary,
            ...(content ? { content } : {}),
          }),
          deps,
        );
        if (outcome.kind === 'rate_limited') {
          await recordRateLimit(
            db,
            channelId,
            rateLimitReset(outcome.retryAfterMs),
            outcome.message,
          );
        }
        return outcome;
      },
      async findPost(commentary, since): Promise<ReadBack> {
        if (!scopes.includes('r_member_social') && !scopes.includes('r_organization_social')) {
          return { kind: 'cannot_read', message: 'the token has no read scope (share-only app)' };
        }
        const found = await client.findPostsByAuthor({
          accessToken: token,
          author: authorUrn,
          count: 20,
        });
        if (found.kind !== 'found')
          return { kind: 'cannot_read', message: `read-back failed: ${found.kind}` };
        const match = found.posts.find(
          (p) =>
            p.commentary === commentary &&
            (p.createdAt === undefined || p.createdAt >= since.getTime()),
        );
        return match ? { kind: 'found', urn: match.id } : { kind: 'not_found' };
      },
      async refresh() {
        const ok = await refresh(accountId, token);
        if (ok) {
          const row = await db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
          token = openAccessToken(vault, row);
        }
        return ok;
      },
      markReauthRequired: (reason) => markReauth(accountId, reason),
    };
  }

  /** Whether the channel may post as its author now; a message for the operator when not. */
  async function authorRefusal(account: ChannelAccount): Promise<string | null> {
    const { channel, token } = account;
    if (!channel.authorUrn?.startsWith('urn:li:organization:')) return null;
    const orgFlag = await db.outletFeatureFlag.findUnique({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
    });
    // Never posted as the member instead: the operator named the page.
    if (!orgFlag?.enabled) {
      return `LinkedIn channel ${channel.name} posts as a page, and organization posting (Community Management) is switched off (outlet flag linkedin/organization_posting)`;
    }
    if (!token.scopes.includes('w_organization_social')) {
      return `${REAUTH_MESSAGE}: channel ${channel.name} posts as a page and its token lacks w_organization_social; reconnect it`;
    }
    return null;
  }

  return {
    name: 'linkedin',
    postUrl,
    async prepare(channelId?: string | null): Promise<Prepared> {
      const account = await channelAccount(db, channelId);
      if (!account)
        return {
          ok: false,
          reason: 'reauth_required',
          message: channelId
            ? 'the LinkedIn channel is not connected'
            : 'no default LinkedIn channel is connected',
        };
      const { channel, token: row } = account;
      if (channel.disabledAt !== null) {
        return {
          ok: false,
          reason: 'channel_disabled',
          message: `LinkedIn channel ${channel.name} is disabled; an operator can enable it`,
        };
      }
      if (row.status !== 'active' || channel.status !== 'active')
        return { ok: false, reason: 'reauth_required', message: REAUTH_MESSAGE };
      const refusal = await authorRefusal(account);
      if (refusal) return { ok: false, reason: 'reauth_required', message: refusal };
      const author = channel.authorUrn as string;
      const opened = openSealed(() => openAccessToken(vault, row), row.id);
      let accessToken = opened instanceof VaultError ? '' : opened;
      if (opened instanceof VaultError || row.accessExpiresAt.getTime() <= Date.now()) {
        // A refresh also heals an unreadable access token: the new one is sealed afresh.
        if (!(await refresh(row.id, accessToken))) {
          if (opened instanceof VaultError) {
            // Not marked: restoring the key it was sealed with fixes it as well as reconnecting.
            return {
              ok: false,
              reason: 'reauth_required',
              message: `${REAUTH_MESSAGE}: its stored token cannot be opened (${opened.code}); reconnect it, or restore the encryption key it was sealed with`,
            };
          }
          await markReauth(row.id, 'access token expired and no refresh token');
          return { ok: false, reason: 'reauth_required', message: REAUTH_MESSAGE };
        }
        accessToken = openAccessToken(
          vault,
          await db.linkedinToken.findUniqueOrThrow({ where: { id: row.id } }),
        );
      }
      return {
        ok: true,
        session: session(channel.id, row.id, author, accessToken, row.scopes),
      };
    },
  };
}

/**
 * When a LinkedIn limit resets: its Retry-After when it sent one, else the next midnight UTC,
 * when LinkedIn's daily member and app limits reset (LINKEDIN.md §5).
 */
export function rateLimitReset(retryAfterMs: number | null, now = Date.now()): Date {
  if (retryAfterMs !== null) return new Date(now + retryAfterMs);
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return midnight;
}

import { createHash, randomBytes } from 'node:crypto';
import type { LinkedInClient } from '../outlets/linkedin';
import { connectLinkedInChannel, type ConnectedChannel } from '../channels/linkedin';
import { usableKeyOwner } from '../platform/api-keys';
import { appendAudit } from '../platform/audit';
import type { Vault } from '../platform/crypto/vault';
import { accountReconnectedSignal } from '../workflows/content/definitions';
import type { Actor, PublishingDeps } from './deps';
import { AppError, ErrorCode } from './errors';
import { toAppError } from './temporal-errors';

export interface ConnectDeps extends PublishingDeps {
  linkedin: LinkedInClient | null;
  vault: Vault;
}

const STATE_TTL_MS = 10 * 60_000;
const BASE_SCOPES = ['openid', 'profile', 'w_member_social'];

const LINKEDIN_ERRORS: Record<string, string> = {
  user_cancelled_login: 'the LinkedIn sign-in was cancelled; start again to connect the account',
  user_cancelled_authorize:
    'the LinkedIn consent was declined; start again and allow the requested access',
  unauthorized_scope_error:
    'the LinkedIn app is not allowed one of the requested scopes (check its products)',
};

function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

function requireClient(deps: ConnectDeps): LinkedInClient {
  if (!deps.linkedin) {
    throw new AppError(
      ErrorCode.NotConfigured,
      'LinkedIn is not configured (LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET, LINKEDIN_REDIRECT_URI)',
    );
  }
  return deps.linkedin;
}

/** What the operator connects: a channel by name, optionally posting as a page. */
export interface AuthorizeTarget {
  /** The channel to connect or reconnect; absent: the signed-in member's own channel. */
  channel?: string | undefined;
  /** `urn:li:organization:…`: the channel posts as this page (Community Management). */
  organization?: string | undefined;
}

/**
 * Starts the authorization-code flow: a 256-bit single-use state, stored hashed, bound to the
 * operator and to the channel it connects.
 */
export async function startLinkedInAuthorization(
  deps: ConnectDeps,
  actor: Actor,
  target: AuthorizeTarget = {},
): Promise<string> {
  const client = requireClient(deps);
  try {
    const orgFlag = await deps.db.outletFeatureFlag.findUnique({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
    });
    if (target.organization && !orgFlag?.enabled) {
      throw new AppError(
        ErrorCode.InvalidState,
        'organization posting (Community Management) is switched off: the outlet flag linkedin/organization_posting must be on to connect a page',
      );
    }
    // Organization posting needs the Community Management API scope, asked for only when gated on.
    const scopes = orgFlag?.enabled ? [...BASE_SCOPES, 'w_organization_social'] : BASE_SCOPES;
    const state = randomBytes(32).toString('base64url');
    await deps.db.oauthState.create({
      data: {
        stateHash: hashState(state),
        apiKeyId: actor.keyId,
        scopes,
        expiresAt: new Date(Date.now() + STATE_TTL_MS),
        channelName: target.channel ?? null,
        organizationUrn: target.organization ?? null,
      },
    });
    await appendAudit(deps.db, {
      actor: actor.name,
      action: 'linkedin.authorize_started',
      subject: 'linkedin',
      details: {
        role: actor.role,
        scopes,
        channel: target.channel ?? null,
        organization: target.organization ?? null,
      },
    });
    return client.authorizationUrl({ state, scopes });
  } catch (err) {
    return toAppError(err);
  }
}

export interface CallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
}

export interface ConnectedAccount {
  /** The channel connected (`created`) or reconnected. */
  channel: string;
  created: boolean;
  authorUrn: string;
  accountId: string;
  memberUrn: string;
  name: string | null;
  scopes: string[];
  accessExpiresAt: string;
  resumed: number;
}

/** Finishes the flow. Any state problem stores nothing; the failure is logged and audited. */
export async function completeLinkedInAuthorization(
  deps: ConnectDeps,
  query: CallbackQuery,
): Promise<ConnectedAccount> {
  const client = requireClient(deps);
  const refuse = async (message: string, reason: string): Promise<never> => {
    deps.log.warn({ reason }, 'LinkedIn authorization refused');
    await appendAudit(deps.db, {
      actor: 'oauth-callback',
      action: 'linkedin.authorize_refused',
      subject: 'linkedin',
      reason,
    });
    throw new AppError(ErrorCode.OAuthFailed, message);
  };
  try {
    if (!query.state)
      return await refuse('the authorization answer has no state; start again', 'missing state');
    const claimed = await deps.db.oauthState.updateMany({
      where: { stateHash: hashState(query.state), usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) {
      const row = await deps.db.oauthState.findUnique({
        where: { stateHash: hashState(query.state) },
      });
      const why = !row ? 'unknown state' : row.usedAt ? 'state already used' : 'state expired';
      return await refuse(`the authorization state is not valid (${why}); start again`, why);
    }
    const row = await deps.db.oauthState.findUniqueOrThrow({
      where: { stateHash: hashState(query.state) },
    });
    const operator = usableKeyOwner(
      await deps.db.apiKey.findUnique({ where: { id: row.apiKeyId } }),
    );
    if (operator?.role !== 'operator') {
      return await refuse(
        'the operator who started this authorization is no longer allowed to finish it',
        'operator key revoked or expired',
      );
    }
    if (query.error) {
      const message =
        LINKEDIN_ERRORS[query.error] ??
        `LinkedIn refused the authorization (${query.error.slice(0, 60)})`;
      return await refuse(message, `linkedin error ${query.error.slice(0, 60)}`);
    }
    if (!query.code)
      return await refuse('the authorization answer has no code; start again', 'missing code');

    const exchanged = await client.exchangeCode(query.code);
    if (!exchanged.ok)
      return await refuse(
        `LinkedIn did not issue a token: ${exchanged.error.description}`,
        `token exchange ${exchanged.error.code}`,
      );
    const me = await client.userinfo(exchanged.tokens.accessToken);
    if (!me.ok)
      return await refuse(
        'LinkedIn did not say who the member is (userinfo failed)',
        `userinfo ${me.failure.kind}`,
      );

    if (row.organizationUrn && !exchanged.tokens.scopes.includes('w_organization_social')) {
      return await refuse(
        'LinkedIn did not grant w_organization_social, which posting as a page needs (is the Community Management API enabled for the app?)',
        'organization scope not granted',
      );
    }
    let connected: ConnectedChannel;
    try {
      connected = await connectLinkedInChannel(deps.db, deps.vault, {
        sub: me.sub,
        name: me.name ?? null,
        tokens: exchanged.tokens,
        connectedBy: operator.name,
        channelName: row.channelName,
        organizationUrn: row.organizationUrn,
      });
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.ChannelConflict) {
        deps.log.warn({ reason: 'channel conflict' }, 'LinkedIn authorization refused');
        await appendAudit(deps.db, {
          actor: operator.name,
          action: 'linkedin.authorize_refused',
          subject: 'linkedin',
          reason: err.message,
        });
      }
      throw err;
    }
    const saved = connected.account;
    await appendAudit(deps.db, {
      actor: operator.name,
      action: 'linkedin.connected',
      subject: saved.id,
      details: {
        memberUrn: saved.memberUrn,
        scopes: exchanged.tokens.scopes,
        refreshToken: Boolean(exchanged.tokens.refreshToken),
        channel: connected.channel.name,
        channelId: connected.channel.id,
      },
    });
    const resumed = await resumeParkedItems(deps);
    const stored = await deps.db.linkedinToken.findUniqueOrThrow({ where: { id: saved.id } });
    return {
      channel: connected.channel.name,
      created: connected.created,
      authorUrn: connected.channel.authorUrn ?? saved.memberUrn,
      accountId: saved.id,
      memberUrn: saved.memberUrn,
      name: stored.displayName,
      scopes: stored.scopes,
      accessExpiresAt: stored.accessExpiresAt.toISOString(),
      resumed,
    };
  } catch (err) {
    return toAppError(err);
  }
}

/**
 * Items parked for re-authorization continue by themselves once told an account is back (a
 * channel reconnected or enabled); each re-checks its own channels and parks again if still
 * blocked.
 */
export async function resumeParkedItems(deps: PublishingDeps): Promise<number> {
  let resumed = 0;
  const query = `WorkflowType = 'contentWorkflow' AND ExecutionStatus = 'Running' AND HaltReason = 'reauth_required'`;
  try {
    for await (const wf of deps.temporal.workflow.list({ query })) {
      await deps.temporal.workflow
        .getHandle(wf.workflowId, wf.runId)
        .signal(accountReconnectedSignal);
      resumed++;
    }
  } catch (err) {
    // They re-check on their own every few minutes; a missed signal only delays them.
    deps.log.warn({ err: String(err) }, 'could not signal parked items');
  }
  return resumed;
}

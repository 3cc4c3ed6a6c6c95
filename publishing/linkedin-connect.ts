import { createHash, randomBytes } from 'node:crypto';
import type { LinkedInClient } from '../outlets/linkedin';
import { saveAccount } from '../outlets/linkedin/accounts';
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

/** Starts the authorization-code flow: a 256-bit single-use state, stored hashed, bound to the operator. */
export async function startLinkedInAuthorization(deps: ConnectDeps, actor: Actor): Promise<string> {
  const client = requireClient(deps);
  try {
    const orgFlag = await deps.db.outletFeatureFlag.findUnique({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
    });
    // Organization posting needs the Community Management API scope, asked for only when gated on.
    const scopes = orgFlag?.enabled ? [...BASE_SCOPES, 'w_organization_social'] : BASE_SCOPES;
    const state = randomBytes(32).toString('base64url');
    await deps.db.oauthState.create({
      data: {
        stateHash: hashState(state),
        apiKeyId: actor.keyId,
        scopes,
        expiresAt: new Date(Date.now() + STATE_TTL_MS),
      },
    });
    await appendAudit(deps.db, {
      actor: actor.name,
      action: 'linkedin.authorize_started',
      subject: 'linkedin',
      details: { role: actor.role, scopes },
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

    const saved = await saveAccount(deps.db, deps.vault, {
      sub: me.sub,
      name: me.name ?? null,
      tokens: exchanged.tokens,
      connectedBy: operator.name,
    });
    await appendAudit(deps.db, {
      actor: operator.name,
      action: 'linkedin.connected',
      subject: saved.id,
      details: {
        memberUrn: saved.memberUrn,
        scopes: exchanged.tokens.scopes,
        refreshToken: Boolean(exchanged.tokens.refreshToken),
      },
    });
    const resumed = await resumeParkedItems(deps);
    const stored = await deps.db.linkedinToken.findUniqueOrThrow({ where: { id: saved.id } });
    return {
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

/** Items parked for re-authorization continue by themselves once told the account is back. */
async function resumeParkedItems(deps: ConnectDeps): Promise<number> {
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

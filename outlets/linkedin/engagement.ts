import type { Vault } from '../../platform/crypto/vault';
import type { Db } from '../../platform/db/client';
import type { EngagementReading } from '../outlet';
import { currentAccount, openAccessToken } from './accounts';
import type { LinkedInClient } from './client';

const READ_SCOPES = ['r_member_social', 'r_organization_social'];

/** Reads a post's reactions and comments where the connected account's scopes allow it. */
export function createLinkedInEngagementReader(deps: {
  db: Db;
  vault: Vault;
  client: LinkedInClient;
}) {
  return async (urn: string): Promise<EngagementReading> => {
    const account = await currentAccount(deps.db);
    if (!account || account.status !== 'active') {
      return { kind: 'unavailable', message: 'no active LinkedIn account' };
    }
    if (!account.scopes.some((s) => READ_SCOPES.includes(s))) {
      return {
        kind: 'refused',
        message:
          'the LinkedIn token has no read scope (r_member_social); statistics are not available',
      };
    }
    const outcome = await deps.client.getSocialActions({
      accessToken: openAccessToken(deps.vault, account),
      urn,
    });
    switch (outcome.kind) {
      case 'found':
        return { kind: 'collected', reactions: outcome.reactions, comments: outcome.comments };
      case 'forbidden':
        return {
          kind: 'refused',
          message: `LinkedIn refused: missing permission ${outcome.permission}`,
        };
      case 'not_found':
        return { kind: 'unavailable', message: 'the post is gone' };
      case 'unknown':
        // Worth another try: the activity's retry policy does that.
        throw new Error(`LinkedIn statistics unavailable for now (${outcome.reason})`);
      default:
        return { kind: 'unavailable', message: `LinkedIn answered ${outcome.kind}` };
    }
  };
}

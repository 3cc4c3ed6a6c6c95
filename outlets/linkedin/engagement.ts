import type { Vault } from '../../platform/crypto/vault';
import type { Db } from '../../platform/db/client';
import type { EngagementReading } from '../outlet';
import { channelAccount, openAccessToken } from './accounts';
import type { LinkedInClient } from './client';

const READ_SCOPES = ['r_member_social', 'r_organization_social'];

/** Reads a post's reactions and comments where its channel's account's scopes allow it. */
export function createLinkedInEngagementReader(deps: {
  db: Db;
  vault: Vault;
  client: LinkedInClient;
}) {
  return async (urn: string, channelId?: string | null): Promise<EngagementReading> => {
    // The account that published the post: statistics of a page's post need the page's token.
    const found = await channelAccount(deps.db, channelId);
    const account = found?.token;
    if (!account || account.status !== 'active') {
      return { kind: 'unavailable', message: 'no active LinkedIn account for this channel' };
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

import { postUrl, type LinkedInClient } from '../outlets/linkedin';
import { createLinkedInEngagementReader } from '../outlets/linkedin/engagement';
import { createLinkedInOutlet } from '../outlets/linkedin/outlet';
import { unconfiguredOutlet, type Outlet } from '../outlets/outlet';
import type { KeyedOutlet } from '../activities/publish-keyed';
import { blueskyChannelFor } from '../channels/bluesky';
import { markReauthRequired, recordRateLimit } from '../channels/manage';
import { readMediaBytes } from '../media/store';
import { createBlueskyOutlet } from '../outlets/bluesky';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/logger';

/** The outlets a worker publishes to; an unconfigured one parks items instead of failing them. */
export function outletsFor(deps: {
  db: Db;
  vault: Vault;
  log: Logger;
  linkedin: LinkedInClient | null;
  linkedinVersion: string;
}): Record<string, Outlet> {
  return {
    linkedin: deps.linkedin
      ? {
          ...createLinkedInOutlet({ ...deps, client: deps.linkedin }),
          readEngagement: createLinkedInEngagementReader({ ...deps, client: deps.linkedin }),
        }
      : unconfiguredOutlet(
          'linkedin',
          'LinkedIn is not configured (LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET, LINKEDIN_REDIRECT_URI)',
          postUrl,
        ),
  };
}

/**
 * The outlets whose posts carry a key we choose (Bluesky's record key). A Bluesky channel keeps
 * its own credentials, so nothing needs configuring: an item waits only when its channel does.
 */
export function keyedOutletsFor(deps: {
  db: Db;
  vault: Vault;
  log: Logger;
  timeoutMs?: number;
}): Record<string, KeyedOutlet> {
  const bluesky = createBlueskyOutlet({
    log: deps.log,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    media: {
      async read(mediaId) {
        const stored = await readMediaBytes(deps.db, mediaId);
        if (!stored) throw new Error(`media ${mediaId} is no longer stored`);
        return stored.data;
      },
    },
  });
  return {
    bluesky: {
      newPublicationKey: () => bluesky.newPublicationKey(),
      postUrl: (post) => bluesky.postUrl(post),
      async open(channelId) {
        const found = await blueskyChannelFor(deps, channelId);
        return found ? await bluesky.open(found.channel) : null;
      },
      async markReauthRequired(channelId, message) {
        await markReauthRequired(deps.db, channelId, message);
      },
      recordRateLimit: (channelId, until, message) =>
        recordRateLimit(deps.db, channelId, until, message),
    },
  };
}

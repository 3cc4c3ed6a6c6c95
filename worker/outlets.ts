import { postUrl, type LinkedInClient } from '../outlets/linkedin';
import { createLinkedInEngagementReader } from '../outlets/linkedin/engagement';
import { createLinkedInOutlet } from '../outlets/linkedin/outlet';
import { unconfiguredOutlet, type Outlet } from '../outlets/outlet';
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

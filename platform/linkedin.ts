import { createLinkedInClient, type LinkedInClient } from '../outlets/linkedin';
import type { Config } from './config';

/** LinkedIn's client timeout sits well below the publish activity's 60 s startToClose. */
export const LINKEDIN_REQUEST_TIMEOUT_MS = 20_000;

export function linkedinClientFrom(config: Config): LinkedInClient | null {
  if (!config.LINKEDIN_CLIENT_ID || !config.LINKEDIN_CLIENT_SECRET || !config.LINKEDIN_REDIRECT_URI)
    return null;
  return createLinkedInClient({
    apiBase: config.LINKEDIN_API_BASE,
    oauthBase: config.LINKEDIN_OAUTH_BASE,
    version: config.LINKEDIN_VERSION,
    clientId: config.LINKEDIN_CLIENT_ID,
    clientSecret: config.LINKEDIN_CLIENT_SECRET,
    redirectUri: config.LINKEDIN_REDIRECT_URI,
    requestTimeoutMs: LINKEDIN_REQUEST_TIMEOUT_MS,
  });
}

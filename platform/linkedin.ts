import { createLinkedInClient, type LinkedInClient } from '../outlets/linkedin';
import { versionHealth, versionNotice, type VersionHealth } from '../outlets/linkedin/versions';
import { ConfigError, type Config } from './config';
import type { Logger } from './logger';

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

/**
 * Start-up check of the API and the worker: a version LinkedIn has already sunset is refused
 * (every call would be answered 426); one within 60 days of its sunset is logged as a warning.
 */
export function checkLinkedInVersion(
  config: Config,
  log: Logger,
  now: Date = new Date(),
): VersionHealth {
  const health = versionHealth(config.LINKEDIN_VERSION, now);
  const notice = versionNotice(health);
  if (health.state === 'sunset') throw new ConfigError(notice ?? 'LINKEDIN_VERSION is sunset');
  if (notice) {
    log.warn(
      {
        setting: 'LINKEDIN_VERSION',
        value: health.version,
        sunset: health.sunset,
        daysLeft: health.daysLeft,
      },
      notice,
    );
  }
  return health;
}

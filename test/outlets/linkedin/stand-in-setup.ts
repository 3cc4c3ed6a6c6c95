import assert from 'node:assert/strict';
import {
  createLinkedInClient,
  type LinkedInClient,
  type LinkedInClientConfig,
} from '../../../outlets/linkedin';
import { startLinkedInStandIn, type StandIn, type StandInOptions } from '../../standin/linkedin';

/** Pinned so the tests do not depend on today's date. */
export const ACTIVE_VERSION = '202609';

export interface Harness {
  standIn: StandIn;
  client: LinkedInClient;
  config: LinkedInClientConfig;
  author: string;
}

export async function startHarness(
  options: StandInOptions = {},
  overrides: Partial<LinkedInClientConfig> = {},
): Promise<Harness> {
  const standIn = await startLinkedInStandIn({ activeVersions: [ACTIVE_VERSION], ...options });
  const config = clientConfig(standIn, overrides);
  return {
    standIn,
    client: createLinkedInClient(config),
    config,
    author: `urn:li:person:${standIn.member.sub}`,
  };
}

export function clientConfig(
  standIn: StandIn,
  overrides: Partial<LinkedInClientConfig> = {},
): LinkedInClientConfig {
  return {
    apiBase: standIn.url,
    oauthBase: `${standIn.url}/oauth/v2`,
    version: ACTIVE_VERSION,
    clientId: standIn.client.clientId,
    clientSecret: standIn.client.clientSecret,
    redirectUri: standIn.client.redirectUris[0] ?? '',
    requestTimeoutMs: 2000,
    ...overrides,
  };
}

/** Follows the authorization endpoint once and returns where LinkedIn sent the browser. */
export async function authorizeRedirect(authorizationUrl: string): Promise<URL> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(response.status, 302, `expected a redirect, got ${response.status}`);
  const location = response.headers.get('location');
  assert.ok(location, 'redirect without a Location header');
  return new URL(location);
}

export async function shareToken(standIn: StandIn, scopes = ['w_member_social']): Promise<string> {
  return (await standIn.issueToken({ scopes })).accessToken;
}

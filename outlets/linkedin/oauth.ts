import { z } from 'zod';
import type { LinkedInClientConfig } from './config';
import { parseJsonObject } from './errors';
import { sendRequest } from './http';
import {
  failureFromResponse,
  failureFromResult,
  unknownOutcome,
  type LinkedInFailure,
} from './outcomes';
import { sanitizeSnippet } from './sanitize';

export interface LinkedInTokens {
  accessToken: string;
  expiresInSeconds: number;
  scopes: string[];
  refreshToken?: string;
  /** Remaining lifetime: LinkedIn does not extend it on refresh. */
  refreshTokenExpiresInSeconds?: number;
  idToken?: string;
}

/**
 * `code` is LinkedIn's (`invalid_request`, `invalid_client_id`, …) or, when LinkedIn gave no
 * OAuth answer, one of `timeout`, `network`, `server_error`, `malformed`; `status` is absent then
 * only for `timeout` and `network`.
 */
export interface OAuthError {
  code: string;
  description: string;
  status?: number;
}

export type TokenResult = { ok: true; tokens: LinkedInTokens } | { ok: false; error: OAuthError };

export type UserinfoResult =
  | { ok: true; sub: string; name?: string; email?: string; locale?: string }
  | { ok: false; failure: LinkedInFailure };

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().optional(),
  id_token: z.string().min(1).optional(),
});

const OAuthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

const UserinfoSchema = z.object({
  sub: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  // Real answers carry `{country, language}`; the docs show `"en-US"`.
  locale: z.union([z.string(), z.object({ country: z.string(), language: z.string() })]).optional(),
});

export function authorizationUrl(
  config: LinkedInClientConfig,
  input: { state: string; scopes: string[] },
): string {
  // Encoded by hand so spaces become %20 as in LinkedIn's docs, not URLSearchParams' `+`.
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', config.clientId],
    ['redirect_uri', config.redirectUri],
    ['state', input.state],
    ['scope', input.scopes.join(' ')],
  ];
  const query = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `${config.oauthBase}/authorization?${query}`;
}

export function exchangeCode(config: LinkedInClientConfig, code: string): Promise<TokenResult> {
  return requestTokens(config, {
    grant_type: 'authorization_code',
    code,
    client_id: config.clientId,
    client_secret: config.clientSecret,
    redirect_uri: config.redirectUri,
  });
}

export function refresh(config: LinkedInClientConfig, refreshToken: string): Promise<TokenResult> {
  return requestTokens(config, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: config.clientId,
    client_secret: config.clientSecret,
  });
}

export async function userinfo(
  config: LinkedInClientConfig,
  accessToken: string,
): Promise<UserinfoResult> {
  const result = await sendRequest({
    url: `${config.apiBase}/v2/userinfo`,
    method: 'GET',
    headers: { Authorization: `Bearer ${accessToken}` },
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) return { ok: false, failure: failureFromResult(result) };
  const { response } = result;
  if (response.status !== 200) return { ok: false, failure: failureFromResponse(response) };
  const parsed = UserinfoSchema.safeParse(parseJsonObject(response.body));
  if (!parsed.success) return { ok: false, failure: unknownOutcome('malformed', response) };
  const { sub, name, email, locale } = parsed.data;
  return {
    ok: true,
    sub,
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
    ...(locale === undefined ? {} : { locale: formatLocale(locale) }),
  };
}

/** LinkedIn sends commas (`email,openid`), its docs say spaces: accept both. */
export function parseScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(/[\s,]+/).filter((item) => item !== '');
}

async function requestTokens(
  config: LinkedInClientConfig,
  form: Record<string, string>,
): Promise<TokenResult> {
  const result = await sendRequest({
    url: `${config.oauthBase}/accessToken`,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) {
    return {
      ok: false,
      error: { code: result.reason, description: sanitizeSnippet(result.detail) },
    };
  }
  const { response } = result;
  const json = parseJsonObject(response.body);
  if (response.status === 200) {
    const tokens = TokenResponseSchema.safeParse(json);
    // The body holds secrets, so a bad shape is reported without it.
    return tokens.success
      ? { ok: true, tokens: toTokens(tokens.data) }
      : oauthFailure('malformed', 'token response has an unexpected shape', response.status);
  }
  const error = OAuthErrorSchema.safeParse(json);
  if (error.success) {
    const description = sanitizeSnippet(error.data.error_description ?? '');
    return oauthFailure(error.data.error, description, response.status);
  }
  return oauthFailure(
    response.status >= 500 ? 'server_error' : 'malformed',
    sanitizeSnippet(response.body.trim()),
    response.status,
  );
}

function toTokens(body: z.infer<typeof TokenResponseSchema>): LinkedInTokens {
  return {
    accessToken: body.access_token,
    expiresInSeconds: body.expires_in,
    scopes: parseScopes(body.scope),
    ...(body.refresh_token === undefined ? {} : { refreshToken: body.refresh_token }),
    ...(body.refresh_token_expires_in === undefined
      ? {}
      : { refreshTokenExpiresInSeconds: body.refresh_token_expires_in }),
    ...(body.id_token === undefined ? {} : { idToken: body.id_token }),
  };
}

function oauthFailure(code: string, description: string, status: number): TokenResult {
  return { ok: false, error: { code, description, status } };
}

function formatLocale(locale: string | { country: string; language: string }): string {
  return typeof locale === 'string' ? locale : `${locale.language}-${locale.country}`;
}

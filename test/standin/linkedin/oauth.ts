import { escapeHtml, html, json, redirect, type Reply } from './reply';
import { header, type StandInRequest } from './request';
import {
  ACCESS_TOKEN_SECONDS,
  REFRESH_TOKEN_SECONDS,
  type StandInState,
  type TokenRecord,
} from './state';
import type { AuthorizationOutcome, ClientRegistration } from './types';

const CODE_NOT_FOUND = 'Unable to retrieve access token: authorization code not found';
const CODE_MISMATCH =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';
const GRANT_INVALID =
  'The provided authorization grant or refresh token is invalid, expired or revoked';

const CANCELLATIONS: Record<Exclude<AuthorizationOutcome, 'consent'>, (scope: string) => string> = {
  user_cancelled_login: () => 'The user cancelled LinkedIn login',
  user_cancelled_authorize: () => 'The user cancelled the authorization',
  unauthorized_scope_error: (scope) => scopeNotAuthorized(scope),
};

/** `GET /oauth/v2/authorization`: consents at once as the current member (no UI). */
export function authorize(state: StandInState, request: StandInRequest): Reply {
  const { query } = request;
  const client = state.clients.get(query.get('client_id') ?? '');
  if (!client) return errorPage('The passed in client_id is invalid');
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!client.redirectUris.includes(redirectUri)) {
    return errorPage('The redirect_uri does not match the registered value');
  }
  // Older docs make `state` optional: tolerate its absence, echo it when present.
  const sentState = query.get('state');
  const echo: Record<string, string> = sentState === null ? {} : { state: sentState };
  const fail = (error: string, description: string) =>
    redirect(withParams(redirectUri, { error, error_description: description, ...echo }));

  if (query.get('response_type') !== 'code') {
    return fail('invalid_request', 'The response_type parameter must be "code"');
  }
  const scopes = (query.get('scope') ?? '').split(/[\s,]+/).filter((scope) => scope !== '');
  if (scopes.length === 0)
    return fail('invalid_request', 'A required parameter "scope" is missing');
  const unprovisioned = scopes.find((scope) => !isProvisioned(client, scope));
  if (unprovisioned) return fail('unauthorized_scope_error', scopeNotAuthorized(unprovisioned));

  const outcome = state.takeNextAuthorization();
  if (outcome !== 'consent') return fail(outcome, CANCELLATIONS[outcome](scopes[0] ?? ''));

  const sub = state.currentMember;
  state.recordConsent(client.clientId, sub, scopes);
  const code = state.issueCode({ clientId: client.clientId, redirectUri, sub, scopes });
  return redirect(withParams(redirectUri, { code, ...echo }));
}

/** `POST /oauth/v2/accessToken`: both grants, form-encoded only. */
export function accessToken(state: StandInState, request: StandInRequest): Reply {
  const isForm = (header(request, 'content-type') ?? '').startsWith(
    'application/x-www-form-urlencoded',
  );
  // A JSON body is never parsed, so LinkedIn sees every parameter missing (UNCONFIRMED).
  const form = new URLSearchParams(isForm ? request.body : '');
  const grantType = form.get('grant_type');
  if (!grantType) return missing('grant_type');
  if (grantType === 'authorization_code') return exchangeCode(state, form);
  if (grantType === 'refresh_token') return refreshGrant(state, form);
  return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type "${grantType}"`);
}

function exchangeCode(state: StandInState, form: URLSearchParams): Reply {
  const absent = firstMissing(form, ['code', 'redirect_uri', 'client_id', 'client_secret']);
  if (absent) return missing(absent);
  const client = authenticateClient(state, form);
  if (!client) return oauthError(401, 'invalid_client_id', 'Client authentication failed');
  const { clientId } = client;
  const codeValue = form.get('code') ?? '';
  const redirectUri = form.get('redirect_uri') ?? '';
  const code = state.codes.get(codeValue);
  if (!code) return oauthError(400, 'invalid_request', CODE_NOT_FOUND);
  if (
    code.clientId !== clientId ||
    code.redirectUri !== redirectUri ||
    code.expiresAt <= Date.now()
  ) {
    return oauthError(400, 'invalid_request', CODE_MISMATCH);
  }
  // Single use: a second exchange finds nothing, as LinkedIn reports for reused codes.
  state.codes.delete(codeValue);
  const grant = { sub: code.sub, scopes: code.scopes, clientId };
  const access = state.issueAccessToken(grant, ACCESS_TOKEN_SECONDS);
  const refresh = client.issueRefreshTokens ? state.issueRefreshToken(grant) : undefined;
  return json(200, {
    ...tokenBody(access, refresh),
    ...(code.scopes.includes('openid') ? { id_token: idToken(state, access) } : {}),
  });
}

function refreshGrant(state: StandInState, form: URLSearchParams): Reply {
  const absent = firstMissing(form, ['refresh_token', 'client_id', 'client_secret']);
  if (absent) return missing(absent);
  const client = authenticateClient(state, form);
  if (!client) return oauthError(401, 'invalid_client_id', 'Client authentication failed');
  const { clientId } = client;
  const refresh = state.refreshTokens.get(form.get('refresh_token') ?? '');
  const usable =
    refresh && !refresh.revoked && refresh.expiresAt > Date.now() && refresh.clientId === clientId;
  if (!usable) return oauthError(400, 'invalid_request', GRANT_INVALID);
  const access = state.issueAccessToken(
    { sub: refresh.sub, scopes: refresh.scopes, clientId },
    ACCESS_TOKEN_SECONDS,
  );
  // The refresh token keeps its original expiry: LinkedIn reports the remaining seconds.
  return json(200, tokenBody(access, refresh));
}

function tokenBody(access: TokenRecord, refresh: TokenRecord | undefined) {
  return {
    access_token: access.token,
    expires_in: ACCESS_TOKEN_SECONDS,
    // The real format is comma-separated, whatever the docs show.
    scope: access.scopes.join(','),
    token_type: 'Bearer',
    ...(refresh
      ? {
          refresh_token: refresh.token,
          // Remaining lifetime, rounded to the nearest second: a token issued just now reports
          // the full year, as LinkedIn does.
          refresh_token_expires_in: Math.min(
            REFRESH_TOKEN_SECONDS,
            Math.round((refresh.expiresAt - Date.now()) / 1000),
          ),
        }
      : {}),
  };
}

/** Shaped like LinkedIn's RS256 id_token; the signature is filler, nothing verifies it here. */
function idToken(state: StandInState, access: TokenRecord): string {
  const member = state.members.get(access.sub);
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: 'https://www.linkedin.com/oauth',
    aud: access.clientId,
    iat: now,
    exp: now + 3600,
    sub: access.sub,
    ...(member && access.scopes.includes('profile') ? { name: member.name } : {}),
    ...(member?.email && access.scopes.includes('email') ? { email: member.email } : {}),
  };
  const signature = Buffer.from(access.token.slice(0, 64)).toString('base64url');
  return `${encode({ alg: 'RS256', kid: 'stand-in', typ: 'JWT' })}.${encode(claims)}.${signature}`;
}

/** Checked in LinkedIn's documented order; an empty value counts as missing. */
function firstMissing(form: URLSearchParams, names: string[]): string | undefined {
  return names.find((name) => !form.get(name));
}

function authenticateClient(
  state: StandInState,
  form: URLSearchParams,
): ClientRegistration | undefined {
  const client = state.clients.get(form.get('client_id') ?? '');
  return client && client.clientSecret === form.get('client_secret') ? client : undefined;
}

function isProvisioned(client: ClientRegistration, scope: string): boolean {
  return client.provisionedScopes?.includes(scope) ?? true;
}

function missing(name: string): Reply {
  return oauthError(400, 'invalid_request', `A required parameter "${name}" is missing`);
}

function oauthError(status: number, error: string, description: string): Reply {
  return json(status, { error, error_description: description });
}

/** LinkedIn writes the quotes as HTML entities inside the redirect. */
function scopeNotAuthorized(scope: string): string {
  return `Scope &quot;${scope}&quot; is not authorized for your application`;
}

function withParams(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** LinkedIn's own page, not a redirect: the redirect_uri cannot be trusted. */
function errorPage(message: string): Reply {
  return html(
    400,
    `<!DOCTYPE html><html lang="en"><head><title>LinkedIn</title></head><body><h1>Bummer, something went wrong.</h1><p>${escapeHtml(message)}</p></body></html>`,
  );
}

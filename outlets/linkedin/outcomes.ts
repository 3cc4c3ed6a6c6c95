import {
  missingPermission,
  parseLinkedInError,
  parseRetryAfter,
  unauthorizedReason,
  type UnauthorizedReason,
} from './errors';
import type { HttpResponse, HttpResult } from './http';
import { sanitizeSnippet } from './sanitize';

/** Why the outcome is unknown: the request may or may not have taken effect at LinkedIn. */
export type UnknownReason = 'timeout' | 'network' | 'server_error' | 'malformed';

/**
 * Failures every LinkedIn API call can meet. `message` and `snippet` are already truncated and
 * redacted, so they may be stored or logged.
 */
export type LinkedInFailure =
  | { kind: 'unauthorized'; reason: UnauthorizedReason }
  | { kind: 'forbidden'; permission: string }
  | { kind: 'version_inactive'; message: string }
  | { kind: 'version_missing' }
  | { kind: 'rate_limited'; retryAfterMs?: number }
  | { kind: 'rejected'; status: number; code?: string; message: string }
  | { kind: 'unknown'; reason: UnknownReason; status?: number; snippet?: string };

export function failureFromResult(result: HttpResult & { ok: false }): LinkedInFailure {
  return { kind: 'unknown', reason: result.reason, snippet: sanitizeSnippet(result.detail) };
}

/** Classifies an answer that the operation itself did not recognise as its success. */
export function failureFromResponse(response: HttpResponse): LinkedInFailure {
  const { status, headers, body } = response;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    return { kind: 'rate_limited', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status >= 500) return unknownOutcome('server_error', response);
  const error = status >= 400 ? parseLinkedInError(status, body) : undefined;
  if (!error) return unknownOutcome('malformed', response);
  if (status === 401) return { kind: 'unauthorized', reason: unauthorizedReason(error) };
  if (status === 403) {
    return {
      kind: 'forbidden',
      permission: missingPermission(error) ?? sanitizeSnippet(error.message),
    };
  }
  if (status === 426) return { kind: 'version_inactive', message: sanitizeSnippet(error.message) };
  if (status === 400 && error.code === 'VERSION_MISSING') return { kind: 'version_missing' };
  const code = error.code ?? error.inputErrorCodes[0];
  return {
    kind: 'rejected',
    status,
    ...(code === undefined ? {} : { code }),
    message: sanitizeSnippet(error.message),
  };
}

export function unknownOutcome(
  reason: UnknownReason,
  response: HttpResponse,
): LinkedInFailure & { kind: 'unknown' } {
  const snippet = response.body.trim();
  return {
    kind: 'unknown',
    reason,
    status: response.status,
    ...(snippet === '' ? {} : { snippet: sanitizeSnippet(snippet) }),
  };
}

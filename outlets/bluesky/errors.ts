import { XRPCError } from '@atproto/api';
import { sanitizeSnippet } from '../linkedin/sanitize';

/** How a failed call stands, once we know (by reading back) that it published nothing. */
export type CallFailure =
  | { kind: 'rate_limited'; retryAt: string | null }
  /** The server refused the request itself; sending it again will not help. */
  | { kind: 'refused'; account: boolean }
  /** 5xx, timeout, reset, an unreadable answer: worth another try. */
  | { kind: 'transient' };

// The account can no longer write (an operator must act), as opposed to a refused request.
const ACCOUNT_STATES = [
  'AccountTakedown',
  'AccountDeactivated',
  'RepoTakendown',
  'RepoDeactivated',
  'RepoSuspended',
];

export function classifyFailure(err: unknown, now = Date.now()): CallFailure {
  if (!(err instanceof XRPCError)) return { kind: 'transient' };
  const status = httpStatus(err);
  if (status === 429) return { kind: 'rate_limited', retryAt: retryAt(err.headers, now) };
  if (ACCOUNT_STATES.includes(err.error)) return { kind: 'refused', account: true };
  if (status >= 400 && status < 500) return { kind: 'refused', account: false };
  return { kind: 'transient' };
}

/** The HTTP status of an XRPC error; below 100 when no answer came (network, timeout). */
export function httpStatus(err: XRPCError): number {
  return err.status;
}

export function isRecordNotFound(err: unknown): boolean {
  return err instanceof XRPCError && err.error === 'RecordNotFound';
}

/**
 * When a rate limit resets: `ratelimit-reset` (Unix seconds, what Bluesky sends), else
 * `retry-after` (seconds or an HTTP date); null when neither is readable.
 */
export function retryAt(
  headers: Record<string, string | undefined> | undefined,
  now = Date.now(),
): string | null {
  const reset = headers?.['ratelimit-reset']?.trim();
  if (reset !== undefined && /^\d{1,12}$/.test(reset)) {
    return new Date(Math.max(Number(reset) * 1000, now)).toISOString();
  }
  const after = headers?.['retry-after']?.trim();
  if (after === undefined || after === '') return null;
  if (/^\d{1,9}$/.test(after)) return new Date(now + Number(after) * 1000).toISOString();
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : new Date(Math.max(date, now)).toISOString();
}

/** A short, redacted account of an error, safe for logs and workflow history. */
export function describeError(err: unknown): string {
  if (err instanceof XRPCError) {
    const status = httpStatus(err) > 99 ? `${httpStatus(err)} ` : '';
    const detail = causeMessage(err.cause);
    return sanitizeSnippet(
      `${status}${err.error}: ${err.message}${detail === undefined ? '' : ` (${detail})`}`,
    );
  }
  return sanitizeSnippet(err instanceof Error ? err.message : String(err));
}

// fetch() fails with "fetch failed"; the reason (reset, refused, timeout) is one or two causes down.
function causeMessage(cause: unknown, depth = 0): string | undefined {
  if (!(cause instanceof Error) || depth > 3) return undefined;
  return causeMessage(cause.cause, depth + 1) ?? cause.message;
}

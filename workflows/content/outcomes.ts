import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../../contracts/workflow';

// What a failed publish call means for the item: shared by both publishing shapes.

const RATE_LIMIT_FIRST_BACKOFF_MS = 60_000;

/** The activity gave up: an unknown outcome is for an operator to resolve, anything else fails. */
export function classify(
  err: unknown,
): { kind: 'unknown'; message: string } | { kind: 'failed'; type: string; message: string } {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  const type =
    failure instanceof ApplicationFailure ? (failure.type ?? 'UNKNOWN') : 'ACTIVITY_TIMEOUT';
  const message = failure instanceof Error ? failure.message : String(failure);
  if (type === FailureType.OutcomeUnknown || type === 'ACTIVITY_TIMEOUT') {
    return { kind: 'unknown', message };
  }
  return { kind: 'failed', type: type === 'UNKNOWN' ? FailureType.ServerError : type, message };
}

export function unknownOutcomeMessage(message: string): string {
  return `the outlet's answer is unknown after several attempts: ${message}. Check the profile, then release the item to try again.`;
}

/** How long to wait out a rate limit: the outlet's word, else doubling, at most until the reset. */
export function rateLimitDelay(retryAfterMs: number | null, streak: number): number {
  return (
    retryAfterMs ??
    Math.min(RATE_LIMIT_FIRST_BACKOFF_MS * 2 ** (streak - 1), msUntilUtcMidnight() + 60_000)
  );
}

function msUntilUtcMidnight(): number {
  const t = new Date();
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1) - t.getTime();
}

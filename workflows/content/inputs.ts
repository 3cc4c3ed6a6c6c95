import { ApplicationFailure } from '@temporalio/workflow';
import {
  DECISION_ACTIONS,
  type DecisionClaim,
  type SignedDecision,
} from '../../contracts/decisions';
import { FailureType } from '../../contracts/workflow';
import type { GlobalSwitchMessage } from './definitions';

// Anyone who can reach Temporal can send a message, so what arrives is checked before it is
// used. The API already parsed the same fields with zod; these small checks keep zod out of the
// workflow bundle. A malformed Update is refused; a malformed signal is logged and dropped.

const MAX_TEXT = 2_000;

function invalid(message: string): never {
  throw ApplicationFailure.nonRetryable(message, FailureType.InvalidInput);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text Postgres can store and that round-trips: bounded, no NUL, no lone surrogate. */
export function storableText(value: unknown, max: number): value is string {
  return (
    typeof value === 'string' &&
    value.length <= max &&
    !value.includes('\u0000') &&
    value.isWellFormed()
  );
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
}

function text(claim: Record<string, unknown>, key: string, max: number, min = 0): string {
  const value = claim[key];
  if (!storableText(value, max) || value.length < min) invalid(`invalid decision: ${key}`);
  return value;
}

function nullable<T>(
  claim: Record<string, unknown>,
  key: string,
  check: (v: unknown) => v is T,
): T | null {
  const value = claim[key];
  if (value === null || value === undefined) return null;
  if (!check(value)) invalid(`invalid decision: ${key}`);
  return value;
}

/** A decision as the API signs it, or an `INVALID_INPUT` failure naming the first bad field. */
export function signedDecision(value: unknown): SignedDecision {
  if (!isRecord(value) || !isRecord(value.claim))
    invalid('a decision needs the API\u2019s signed claim');
  const c = value.claim;
  const action = c.action;
  if (typeof action !== 'string' || !(DECISION_ACTIONS as readonly string[]).includes(action)) {
    invalid('invalid decision: action');
  }
  const version = c.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    invalid('invalid decision: version');
  }
  const claim: DecisionClaim = {
    action: action as DecisionClaim['action'],
    contentId: text(c, 'contentId', 200, 1),
    version,
    contentHash: text(c, 'contentHash', 64),
    actor: text(c, 'actor', 200, 1),
    role: text(c, 'role', 32, 1),
    channel: text(c, 'channel', 200),
    requestId: text(c, 'requestId', 200, 1),
    issuedAt: isInstant(c.issuedAt) ? c.issuedAt : invalid('invalid decision: issuedAt'),
    note: nullable(c, 'note', (v): v is string => storableText(v, MAX_TEXT)),
    scheduledAt: nullable(c, 'scheduledAt', isInstant),
    scheduledZone: nullable(c, 'scheduledZone', (v): v is string => storableText(v, 64)),
  };
  const keyId = value.keyId;
  const signature = value.signature;
  if (!storableText(keyId, 32) || !storableText(signature, 200)) {
    invalid('invalid decision: signature');
  }
  return { claim, keyId, signature };
}

/** True for anything shaped like a signed decision (older, unsigned shapes are not). */
export function looksSigned(value: unknown): boolean {
  return isRecord(value) && isRecord(value.claim);
}

/** The Temporal UI's halt: `{"reason": "…"}` or a bare string; anything else is dropped. */
export function haltReason(value: unknown): string | null {
  const reason = isRecord(value) ? value.reason : value;
  return storableText(reason, 500) && reason.trim() !== '' ? reason.trim() : null;
}

export function globalSwitchMessage(value: unknown): GlobalSwitchMessage | null {
  if (!isRecord(value) || typeof value.engaged !== 'boolean') return null;
  const reason = value.reason === null || value.reason === undefined ? null : value.reason;
  if (reason !== null && !storableText(reason, 500)) return null;
  if (!storableText(value.actor, 200)) return null;
  return {
    engaged: value.engaged,
    reason,
    actor: value.actor,
    ...(value.proof !== undefined ? { proof: value.proof as SignedDecision } : {}),
  };
}

/** The unsigned approve/reject/reschedule/release of older releases (replayed histories only). */
export interface LegacyDecision {
  actor: string;
  note?: string;
  contentHash?: string;
  reason?: string;
  scheduledAt?: string;
}

export function legacyDecision(
  value: unknown,
  required: 'reason' | 'scheduledAt' | null,
): LegacyDecision {
  if (!isRecord(value) || !storableText(value.actor, 200) || value.actor === '') {
    invalid('invalid input: actor');
  }
  const out: LegacyDecision = { actor: value.actor };
  if (storableText(value.note, MAX_TEXT)) out.note = value.note;
  if (typeof value.contentHash === 'string' && /^[0-9a-f]{64}$/.test(value.contentHash)) {
    out.contentHash = value.contentHash;
  }
  if (storableText(value.reason, MAX_TEXT) && value.reason !== '') out.reason = value.reason;
  if (isInstant(value.scheduledAt)) out.scheduledAt = new Date(value.scheduledAt).toISOString();
  if (required && out[required] === undefined) invalid(`invalid input: ${required}`);
  return out;
}

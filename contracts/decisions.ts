import { canonicalJson } from './canonical-json';

// A decision that changes what gets published (approve, reject, reschedule, release) is only
// believed when the API vouches for it: the API signs the claim below with its ed25519 key and
// the worker checks the signature against the public key in its own configuration. Anyone who
// can reach Temporal can send an Update or a signal; only the API can sign. Zod-free: the
// workflow bundle imports these types.

export const DECISION_ACTIONS = [
  'approve',
  'reject',
  'reschedule',
  'halt',
  'release',
  'global_release',
] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** Stands for "every item" in a claim about the global kill switch. */
export const ALL_ITEMS = '*';

/** What the API vouches for. Every field is signed; the workflow checks each against its state. */
export interface DecisionClaim {
  action: DecisionAction;
  contentId: string;
  version: number;
  /** The hash the editor saw; empty for actions that do not depend on the text (release, halt). */
  contentHash: string;
  actor: string;
  role: string;
  /** How the request came in (`POST /v1/content/:id/approve`, `review`), for the audit. */
  channel: string;
  /** The API request id; also the Update id, so a retried request has one effect. */
  requestId: string;
  issuedAt: string;
  /** Approval note, rejection or halt reason. */
  note: string | null;
  /** The new time of a reschedule, as an ISO instant, and the IANA zone it was chosen in. */
  scheduledAt: string | null;
  scheduledZone: string | null;
}

export interface SignedDecision {
  claim: DecisionClaim;
  keyId: string;
  /** ed25519 detached signature over `decisionBytes(claim)`, base64. */
  signature: string;
}

/** A signed claim is honoured for this long after the API issued it. */
export const DECISION_MAX_AGE_MS = 15 * 60_000;

/** The exact text that is signed. */
export function decisionBytes(claim: DecisionClaim): string {
  return `stargue-decision-v1\n${canonicalJson(claim)}`;
}

import { randomBytes } from 'node:crypto';

// Fields whose values the API itself produces or constrains (ids, enums, times, hashes, numbers,
// codes). Every other string — titles, post text, notes, reasons, outlet error text — was written
// by someone other than the assistant reading it, and may try to instruct it.
const TRUSTED_KEYS = new Set([
  'id',
  'workflowId',
  'status',
  'phase',
  'contentHash',
  'hash',
  'createdAt',
  'scheduledAt',
  'scheduledZone',
  'publishedAt',
  'accessExpiresAt',
  'nextAttemptAt',
  'updatedAt',
  'at',
  'since',
  'language',
  'outlet',
  'outlets',
  'state',
  'decision',
  'postUrn',
  'url',
  'nextCursor',
  'submittedBy',
  'actor',
  'updatedBy',
  'type',
  'kind',
  'disabledAt',
  'rateLimitedUntil',
]);

export interface Marked {
  /** The value with each untrusted string wrapped in this answer's markers. */
  value: unknown;
  /** How the markers read, for the notice that goes with the value. */
  open: string;
  close: string;
}

/**
 * Wraps every string written by others in markers carrying a random nonce, so that text inside
 * cannot close the marker and pass for the tool's own words. Unknown fields count as untrusted.
 */
export function markUntrusted(value: unknown): Marked {
  const nonce = randomBytes(6).toString('hex');
  const open = `<untrusted-${nonce}>`;
  const close = `</untrusted-${nonce}>`;
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string')
      return key !== null && TRUSTED_KEYS.has(key) ? v : `${open}${v}${close}`;
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    }
    return v;
  };
  return { value: walk(value, null), open, close };
}

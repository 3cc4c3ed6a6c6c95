import { createHash } from 'node:crypto';
import type { KeyOwner } from '../platform/api-keys';

/**
 * Remembers key lookups for a few seconds so the approval path does not wait on Postgres for
 * every request. A revoked or expired key is refused at the latest `ttlMs` after the change;
 * unknown keys are remembered too (a flood of made-up keys costs one query each per window).
 * Entries are keyed by the key's hash and the map is bounded (oldest out first).
 */
export function cachedKeyLookup(
  lookup: (key: string) => Promise<KeyOwner | null>,
  ttlMs: number,
  maxEntries = 10_000,
): (key: string) => Promise<KeyOwner | null> {
  if (ttlMs <= 0) return lookup;
  const entries = new Map<string, { owner: KeyOwner | null; until: number }>();
  return async (key) => {
    const id = createHash('sha256').update(key).digest('base64');
    const hit = entries.get(id);
    const now = Date.now();
    if (hit && hit.until > now) return hit.owner;
    const owner = await lookup(key);
    entries.delete(id);
    // Never past the key's own expiry: an expired key must not ride on a cached answer.
    entries.set(id, {
      owner,
      until: Math.min(now + ttlMs, owner?.expiresAt?.getTime() ?? Infinity),
    });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    return owner;
  };
}

import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../contracts/api';
import type { Db } from './db/client';

const PREFIX = 'stg_';
/** Longest lifetime `--expires-in` accepts: ten years. */
const MAX_LIFETIME_MS = 3650 * 24 * 60 * 60 * 1000;

/** Keys carry 256 random bits, so a plain SHA-256 is enough to store them (no slow hash needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function createApiKey(
  db: Db,
  name: string,
  role: Role,
  options: { expiresAt?: Date } = {},
): Promise<{ id: string; key: string }> {
  const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db.apiKey.create({
    data: {
      name,
      role,
      keyHash: hashApiKey(key),
      prefix: key.slice(0, PREFIX.length + 6),
      expiresAt: options.expiresAt ?? null,
    },
  });
  return { id: row.id, key };
}

export interface KeyOwner {
  id: string;
  name: string;
  role: Role;
  /** When the key stops working; null: never. A cache of lookups must not outlive it. */
  expiresAt: Date | null;
}

type KeyRow = {
  id: string;
  name: string;
  role: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
};

/** The key's owner if the key may still be used at `now`: neither revoked nor expired. */
export function usableKeyOwner(row: KeyRow | null, now = new Date()): KeyOwner | null {
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
  return { id: row.id, name: row.name, role: row.role as Role, expiresAt: row.expiresAt };
}

/**
 * The owner of a usable key, or null for an unknown, revoked or expired key. A pure lookup (it
 * writes nothing), so a short-lived cache may wrap it; last use is recorded apart, by
 * `createKeyUsageRecorder`.
 */
export async function findApiKey(db: Db, key: string): Promise<KeyOwner | null> {
  if (!key.startsWith(PREFIX) || key.length > 200) return null;
  return usableKeyOwner(await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) } }));
}

export async function revokeApiKey(db: Db, name: string): Promise<boolean> {
  const result = await db.apiKey.updateMany({
    where: { name, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return result.count > 0;
}

export async function listApiKeys(db: Db) {
  return db.apiKey.findMany({
    orderBy: { createdAt: 'asc' },
    select: {
      name: true,
      role: true,
      prefix: true,
      createdAt: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
    },
  });
}

/**
 * A lifetime such as `90d` or `12h` in milliseconds; null when the text is not one. At least an
 * hour, at most ten years.
 */
export function parseLifetime(text: string): number | null {
  const match = /^(\d{1,6})([dh])$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * (match[2] === 'd' ? 24 : 1) * 60 * 60 * 1000;
  return ms > 0 && ms <= MAX_LIFETIME_MS ? ms : null;
}

export interface KeyUsageRecorder {
  /** Notes that a key was just used. Returns at once; the write, if any, happens behind. */
  record(keyId: string): void;
  /** Waits for writes under way (graceful shutdown, tests). */
  flush(): Promise<void>;
}

/**
 * Writes `api_keys.last_used_at` coarsely, off the request's path: at most once per key per
 * `intervalMs` from this process, and the UPDATE itself skips a row written less than
 * `intervalMs` ago, so many API instances add little. A failed write is only logged: last use is a hint for
 * operators ("which keys are idle?"), not something a request should wait for or fail on.
 */
export function createKeyUsageRecorder(
  db: Db,
  options: { intervalMs?: number; onError?: (error: unknown) => void; now?: () => number } = {},
): KeyUsageRecorder {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const lastWritten = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  return {
    record(keyId) {
      const at = now();
      const last = lastWritten.get(keyId);
      if (last !== undefined && at - last < intervalMs) return;
      lastWritten.set(keyId, at);
      const write: Promise<void> = db.$executeRaw`
        UPDATE api_keys SET last_used_at = now()
         WHERE id = ${keyId}::uuid
           AND (last_used_at IS NULL
                OR last_used_at < now() - make_interval(secs => ${intervalMs / 1000}::float8))`.then(
        () => undefined,
        (error: unknown) => {
          lastWritten.delete(keyId);
          options.onError?.(error);
        },
      );
      pending.add(write);
      void write.finally(() => pending.delete(write));
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../contracts/api';
import type { Db } from './db/client';

const PREFIX = 'stg_';

/** Keys carry 256 random bits, so a plain SHA-256 is enough to store them (no slow hash needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function createApiKey(
  db: Db,
  name: string,
  role: Role,
): Promise<{ id: string; key: string }> {
  const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db.apiKey.create({
    data: { name, role, keyHash: hashApiKey(key), prefix: key.slice(0, PREFIX.length + 6) },
  });
  return { id: row.id, key };
}

export interface KeyOwner {
  id: string;
  name: string;
  role: Role;
}

/** The active key's owner, or null for an unknown or revoked key; looked up on every request. */
export async function findApiKey(db: Db, key: string): Promise<KeyOwner | null> {
  if (!key.startsWith(PREFIX) || key.length > 200) return null;
  const row = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) } });
  if (!row || row.revokedAt) return null;
  return { id: row.id, name: row.name, role: row.role as Role };
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
      lastUsedAt: true,
    },
  });
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db/client';

/**
 * The newest seal's id and hash, kept outside the database by `npm run audit:verify`. The seal
 * chain alone cannot show that its newest seals (and their rows) were cut off; a checkpoint can.
 * Signed with HMAC when AUDIT_CHECKPOINT_KEY is set, so the file cannot be rewritten to match a
 * cut chain. A checkpoint from before 0004_audit_journal names a chained row instead of a seal.
 */
export type Checkpoint =
  | { sealId: string; hash: string; at: string; signature: string | null }
  | { id: string; hash: string; at: string; signature: string | null };

export function checkpointFile(databaseUrl: string, dir: string): string {
  const url = new URL(databaseUrl);
  const name = createHash('sha256').update(`${url.host}${url.pathname}`).digest('hex').slice(0, 16);
  return path.join(dir, `audit-checkpoint-${name}.json`);
}

function sign(key: string | undefined, c: Checkpoint): string | null {
  if (!key) return null;
  const text = 'sealId' in c ? `seal:${c.sealId}|${c.hash}|${c.at}` : `${c.id}|${c.hash}|${c.at}`;
  return createHmac('sha256', key).update(text).digest('hex');
}

function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  const id = 'sealId' in c ? c.sealId : c.id;
  return (
    typeof id === 'string' &&
    /^\d{1,19}$/.test(id) &&
    typeof c.hash === 'string' &&
    typeof c.at === 'string' &&
    !Number.isNaN(Date.parse(c.at))
  );
}

export function readCheckpoint(
  file: string,
  key: string | undefined,
): Checkpoint | 'forged' | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 'forged';
  }
  if (!isCheckpoint(parsed)) return 'forged';
  const expected = sign(key, parsed);
  if (expected !== null) {
    const given = Buffer.from(String(parsed.signature ?? ''), 'utf8');
    const want = Buffer.from(expected, 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return 'forged';
  }
  return parsed;
}

export function writeCheckpoint(
  file: string,
  key: string | undefined,
  seal: { id: string; hash: string },
  at = new Date(),
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const body = { sealId: seal.id, hash: seal.hash, at: at.toISOString(), signature: null };
  writeFileSync(file, `${JSON.stringify({ ...body, signature: sign(key, body) }, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Null when what the checkpoint names is still there, unchanged; else what is wrong. */
export async function checkCheckpoint(db: Db, c: Checkpoint): Promise<string | null> {
  if ('sealId' in c) {
    const seal = await db.auditSeal.findUnique({
      where: { id: BigInt(c.sealId) },
      select: { hash: true },
    });
    if (!seal)
      return `seal ${c.sealId} recorded in the checkpoint of ${c.at} is gone (the newest seals were cut)`;
    if (seal.hash !== c.hash)
      return `seal ${c.sealId} no longer has the hash recorded in the checkpoint of ${c.at}`;
    return null;
  }
  const row = await db.audit.findUnique({ where: { id: BigInt(c.id) }, select: { hash: true } });
  if (!row)
    return `row ${c.id} recorded in the checkpoint of ${c.at} is gone (the newest entries were cut)`;
  if (row.hash !== c.hash)
    return `row ${c.id} no longer has the hash recorded in the checkpoint of ${c.at}`;
  return null;
}

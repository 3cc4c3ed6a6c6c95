import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db/client';

/**
 * The newest audit row's id and hash, kept outside the database. The chain alone cannot show
 * that its newest rows were cut off; a checkpoint can. Signed with HMAC when
 * AUDIT_CHECKPOINT_KEY is set, so the file cannot be rewritten to match a cut chain.
 */
export interface Checkpoint {
  id: string;
  hash: string;
  at: string;
  signature: string | null;
}

export function checkpointFile(databaseUrl: string, dir: string): string {
  const url = new URL(databaseUrl);
  const name = createHash('sha256').update(`${url.host}${url.pathname}`).digest('hex').slice(0, 16);
  return path.join(dir, `audit-checkpoint-${name}.json`);
}

function sign(key: string | undefined, c: Omit<Checkpoint, 'signature'>): string | null {
  return key ? createHmac('sha256', key).update(`${c.id}|${c.hash}|${c.at}`).digest('hex') : null;
}

export function readCheckpoint(
  file: string,
  key: string | undefined,
): Checkpoint | 'forged' | null {
  if (!existsSync(file)) return null;
  const c = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  const expected = sign(key, c);
  if (expected !== null) {
    const given = Buffer.from(c.signature ?? '', 'utf8');
    const want = Buffer.from(expected, 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return 'forged';
  }
  return c;
}

export function writeCheckpoint(
  file: string,
  key: string | undefined,
  c: { id: string; hash: string },
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const body = { ...c, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify({ ...body, signature: sign(key, body) }, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Null when the checkpointed row is still there with the same hash; else what is wrong. */
export async function checkCheckpoint(db: Db, c: Checkpoint): Promise<string | null> {
  const row = await db.audit.findUnique({ where: { id: BigInt(c.id) }, select: { hash: true } });
  if (!row)
    return `row ${c.id} recorded in the checkpoint of ${c.at} is gone (the newest entries were cut)`;
  if (row.hash !== c.hash)
    return `row ${c.id} no longer has the hash recorded in the checkpoint of ${c.at}`;
  return null;
}

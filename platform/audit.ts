import { createHash } from 'node:crypto';
import type { Db } from './db/client';

export const GENESIS_HASH = '0'.repeat(64);
// One writer at a time keeps the chain linear (RELIABILITY.md §4: advisory lock).
const AUDIT_LOCK_KEY = 7_734_001;

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  workflowId?: string | null;
  runId?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
  details?: Record<string, unknown> | null;
  /** The same event written twice (a retried activity) is recorded once. */
  dedupeKey?: string | null;
}

interface HashedFields {
  at: Date;
  actor: string;
  action: string;
  subject: string;
  workflowId: string | null;
  runId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  details: unknown;
}

/** Stable JSON: object keys sorted at every depth, so the same row always hashes the same. */
function canonical(value: unknown): string {
  // Postgres stores a lone surrogate as U+FFFD; hash what it will give back.
  if (typeof value === 'string') return JSON.stringify(value.toWellFormed());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${canonical(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(prevHash: string, row: HashedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonical({ ...row, at: row.at.toISOString(), details: row.details ?? null }))
    .digest('hex');
}

/** Strings as Postgres will give them back: a lone surrogate becomes U+FFFD. */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed() as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.toWellFormed(), wellFormed(v)]),
    ) as T;
  }
  return value;
}

export async function appendAudit(db: Db, raw: AuditEntry): Promise<void> {
  const entry = wellFormed(raw);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`;
    if (entry.dedupeKey) {
      const seen = await tx.audit.findUnique({
        where: { dedupeKey: entry.dedupeKey },
        select: { id: true },
      });
      if (seen) return;
    }
    const last = await tx.audit.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row: HashedFields = {
      at: new Date(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      workflowId: entry.workflowId ?? null,
      runId: entry.runId ?? null,
      fromStatus: entry.fromStatus ?? null,
      toStatus: entry.toStatus ?? null,
      reason: entry.reason ?? null,
      details: entry.details ?? null,
    };
    await tx.audit.create({
      data: {
        ...row,
        details: row.details ?? undefined,
        dedupeKey: entry.dedupeKey ?? null,
        prevHash,
        hash: auditHash(prevHash, row),
      },
    });
  });
}

export interface ChainProblem {
  id: string;
  problem: 'hash_mismatch' | 'broken_link';
}

/** Walks the whole chain; an edited, inserted or deleted row breaks it where it happened. */
export async function verifyAuditChain(
  db: Db,
): Promise<{ rows: number; problems: ChainProblem[] }> {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS_HASH;
  let rows = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const batch = await db.audit.findMany({
      orderBy: { id: 'asc' },
      take: 1000,
      ...(cursor !== undefined ? { where: { id: { gt: cursor } } } : {}),
    });
    if (batch.length === 0) break;
    for (const row of batch) {
      rows++;
      if (row.prevHash !== prevHash)
        problems.push({ id: row.id.toString(), problem: 'broken_link' });
      const expected = auditHash(row.prevHash, {
        at: row.at,
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        workflowId: row.workflowId,
        runId: row.runId,
        fromStatus: row.fromStatus,
        toStatus: row.toStatus,
        reason: row.reason,
        details: row.details,
      });
      if (expected !== row.hash) problems.push({ id: row.id.toString(), problem: 'hash_mismatch' });
      prevHash = row.hash;
    }
    cursor = batch.at(-1)?.id;
  }
  return { rows, problems };
}

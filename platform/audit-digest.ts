// What the audit journal hashes, in one place: rows, seals, and the hash chain of the rows
// written before 0004_audit_journal. The sealer, the verifier and the API all use these.
import { createHash } from 'node:crypto';
import type { Prisma } from './db/client';

export const GENESIS_HASH = '0'.repeat(64);

/** Stable JSON: object keys sorted at every depth, so the same row always hashes the same. */
export function canonical(value: unknown): string {
  // Postgres stores a lone surrogate as U+FFFD; hash what it will give back.
  if (typeof value === 'string') return JSON.stringify(value.toWellFormed());
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${canonical(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (...parts: (string | Uint8Array)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash;
};

/** The fields the hash chain of rows written before 0004_audit_journal covers. */
export interface ChainedFields {
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

/** The pre-0004 chain: `hash = SHA-256(prev_hash ‖ canonical row)`, over those fields only. */
export function chainHash(prevHash: string, row: ChainedFields): string {
  const fields: ChainedFields = {
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    workflowId: row.workflowId,
    runId: row.runId,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    reason: row.reason,
    details: row.details ?? null,
  };
  return sha256(prevHash, canonical(fields)).digest('hex');
}

/** The columns a seal covers: every column 0004_audit_journal knows, and never more. */
export const SEALED_COLUMNS = {
  id: true,
  writerXid: true,
  at: true,
  actor: true,
  action: true,
  subject: true,
  workflowId: true,
  runId: true,
  fromStatus: true,
  toStatus: true,
  reason: true,
  details: true,
  dedupeKey: true,
  prevHash: true,
  hash: true,
} as const satisfies Prisma.AuditSelect;

export type SealedRow = Prisma.AuditGetPayload<{ select: typeof SEALED_COLUMNS }>;

/**
 * SHA-256 over a row's sealed columns, as read back from Postgres: what a seal vouches for, and
 * the `hash` the API shows beside an entry. A column added later must not change old digests,
 * so the fields are named one by one.
 */
export function rowDigest(row: SealedRow): Buffer {
  const fields: SealedRow = {
    id: row.id,
    writerXid: row.writerXid,
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
    dedupeKey: row.dedupeKey,
    prevHash: row.prevHash,
    hash: row.hash,
  };
  return sha256('stargue audit row v1\n', canonical(fields)).digest();
}

/** Where a row sits in the order seals cover: by writing transaction, then by id. */
export interface Position {
  xid: bigint;
  id: bigint;
}

export const START: Position = { xid: 0n, id: 0n };

export function comparePositions(a: Position, b: Position): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

export const positionOf = (row: Pick<SealedRow, 'writerXid' | 'id'>): Position => ({
  xid: row.writerXid,
  id: row.id,
});

/** SHA-256 over the rows' digests, concatenated in the seal's order. */
export function rowsHash(digests: Uint8Array): string {
  return sha256(digests).digest('hex');
}

/** Everything a seal's signature covers. */
export interface SealFields {
  sealedAt: Date;
  from: Position;
  to: Position;
  rowCount: number;
  rowsHash: string;
  prevHash: string;
  keyId: string;
}

/** The bytes that are hashed into the seal chain and signed. */
export function sealMessage(seal: SealFields): Buffer {
  return Buffer.from(`stargue audit seal v1\n${canonical(seal)}`, 'utf8');
}

export function sealHash(message: Uint8Array): string {
  return sha256(message).digest('hex');
}

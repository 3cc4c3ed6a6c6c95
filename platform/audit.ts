// Appending to the audit journal: plain concurrent inserts, ordered by the row id. No lock and
// no hash on the write path: the sealer (platform/audit-sealer.ts) later covers the rows with
// signed seals, and `npm run audit:verify` checks them (docs/architecture.md, "Audit journal").
import { Prisma } from './db/client';

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

/**
 * The database client or a Prisma interactive transaction: an activity records its transition in
 * the same transaction as the work that causes it.
 */
export type AuditWriter = Pick<Prisma.TransactionClient, '$executeRaw'>;

// Ten parameters per row; Postgres allows 65,535 in one statement.
const ROWS_PER_STATEMENT = 1_000;

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

function valuesOf(raw: AuditEntry, at: Date): Prisma.Sql {
  const e = wellFormed(raw);
  const details = e.details == null ? null : JSON.stringify(e.details);
  return Prisma.sql`(${at}, ${e.actor}, ${e.action}, ${e.subject}, ${e.workflowId ?? null},
    ${e.runId ?? null}, ${e.fromStatus ?? null}, ${e.toStatus ?? null}, ${e.reason ?? null},
    ${details}::jsonb, ${e.dedupeKey ?? null})`;
}

/**
 * Appends entries in one statement per thousand; an entry whose dedupe key is already recorded
 * (by an earlier attempt, or earlier in the same batch) is skipped. Returns how many were written.
 */
export async function appendAuditBatch(db: AuditWriter, entries: AuditEntry[]): Promise<number> {
  const at = new Date();
  let written = 0;
  for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
    const rows = entries.slice(i, i + ROWS_PER_STATEMENT).map((e) => valuesOf(e, at));
    written += await db.$executeRaw`
      INSERT INTO "audit" ("at", "actor", "action", "subject", "workflow_id", "run_id",
                           "from_status", "to_status", "reason", "details", "dedupe_key")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("dedupe_key") DO NOTHING`;
  }
  return written;
}

export async function appendAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  await appendAuditBatch(db, [entry]);
}

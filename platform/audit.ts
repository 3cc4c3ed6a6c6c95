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

// Typed casts: the same row also stands in a SELECT (`auditInsert`), where no column types it.
function valuesOf(raw: AuditEntry, at: Date): Prisma.Sql {
  const e = wellFormed(raw);
  const details = e.details == null ? null : JSON.stringify(e.details);
  return Prisma.sql`(${at}::timestamptz, ${e.actor}::text, ${e.action}::text, ${e.subject}::text,
    ${e.workflowId ?? null}::text, ${e.runId ?? null}::text, ${e.fromStatus ?? null}::text,
    ${e.toStatus ?? null}::text, ${e.reason ?? null}::text, ${details}::jsonb,
    ${e.dedupeKey ?? null}::text)`;
}

const COLUMNS = Prisma.sql`"at", "actor", "action", "subject", "workflow_id", "run_id",
  "from_status", "to_status", "reason", "details", "dedupe_key"`;

/**
 * An `INSERT` of one entry (or several, in their order), written only if `when` (a boolean SQL
 * expression) holds, for a caller that makes the entries part of one statement with the work they
 * record (a data-modifying CTE).
 */
export function auditInsert(entry: AuditEntry | AuditEntry[], when: Prisma.Sql): Prisma.Sql {
  const at = new Date();
  const rows = (Array.isArray(entry) ? entry : [entry]).map((e) => valuesOf(e, at));
  return Prisma.sql`INSERT INTO "audit" (${COLUMNS})
    SELECT * FROM (VALUES ${Prisma.join(rows)}) AS "entry" WHERE ${when}
    ON CONFLICT ("dedupe_key") DO NOTHING`;
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
      INSERT INTO "audit" (${COLUMNS}) VALUES ${Prisma.join(rows)}
      ON CONFLICT ("dedupe_key") DO NOTHING`;
  }
  return written;
}

/**
 * Appends one entry. Inside a caller's transaction it is written there and then. Through the
 * client itself (no transaction), entries appended by this process in the same tick are written
 * together in one statement — a group commit: under concurrency the cost per entry falls instead
 * of the commits queueing (docs/architecture.md, "Audit journal"). The promise settles when the
 * entry's own row is written or refused.
 */
export async function appendAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  if (!isClient(db)) {
    await appendAuditBatch(db, [entry]);
    return;
  }
  let group = groups.get(db);
  if (!group) groups.set(db, (group = new GroupCommit(db)));
  await group.add(entry);
}

// An interactive transaction's client has no `$transaction` of its own.
const isClient = (db: AuditWriter): boolean => '$transaction' in db;

const groups = new WeakMap<AuditWriter, GroupCommit>();

interface Waiting {
  entry: AuditEntry;
  settle: (err?: Error) => void;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

class GroupCommit {
  #waiting: Waiting[] = [];
  constructor(private readonly db: AuditWriter) {}

  add(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      // The first entry of a tick schedules the write; the rest of the tick joins it. Writes of
      // different ticks run side by side: nothing waits for an earlier group.
      if (this.#waiting.length === 0) setImmediate(() => void this.#write());
      this.#waiting.push({ entry, settle: (err) => (err === undefined ? resolve() : reject(err)) });
    });
  }

  async #write(): Promise<void> {
    const group = this.#waiting;
    this.#waiting = [];
    try {
      await appendAuditBatch(
        this.db,
        group.map((w) => w.entry),
      );
      for (const w of group) w.settle();
    } catch (err) {
      if (group.length === 1) return group[0]!.settle(asError(err));
      // One refused entry must not fail the others: each is written alone, in order, and
      // settles on its own.
      for (const w of group) {
        await appendAuditBatch(this.db, [w.entry]).then(
          () => w.settle(),
          (e: unknown) => w.settle(asError(e)),
        );
      }
    }
  }
}

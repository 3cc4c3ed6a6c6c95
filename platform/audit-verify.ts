// Verifies the audit journal in one pass over the seals and one over the rows, both in the order
// seals cover them: every seal's signature and its link to the one before, every sealed row
// against its seal, the pre-0004 hash chain, and the rows not sealed yet.
import {
  chainHash,
  comparePositions,
  GENESIS_HASH,
  positionOf,
  rowDigest,
  rowsHash,
  sealHash,
  sealMessage,
  START,
  type Position,
  type SealedRow,
} from './audit-digest';
import { verifySignature, type VerifyKeys } from './audit-keys';
import { rowsFrom } from './audit-rows';
import type { AuditSeal, Db } from './db/client';

export type AuditProblemKind =
  | 'row_edited'
  | 'row_deleted'
  | 'row_inserted'
  | 'rows_changed'
  | 'row_outside_seals'
  | 'row_from_the_future'
  | 'chain_hash_mismatch'
  | 'chain_broken_link'
  | 'seal_altered'
  | 'seal_unknown_key'
  | 'seal_bad_signature'
  | 'seal_out_of_chain'
  | 'sealer_behind';

export interface AuditProblem {
  kind: AuditProblemKind;
  rowId?: string;
  sealId?: string;
  message: string;
}

export interface VerifyOptions {
  keys: VerifyKeys;
  /**
   * A finished row still unsealed while the newest seal is older than this means the sealer is
   * not running. Null skips the check (no sealer expected, as in most tests).
   */
  maxUnsealedAgeMs: number | null;
  now?: Date;
}

export interface VerifyReport {
  rows: number;
  seals: number;
  unsealed: number;
  lastSeal: { id: string; hash: string } | null;
  problems: AuditProblem[];
}

type Rows = AsyncGenerator<SealedRow, void, undefined>;

/** A row stream one can look at before taking from it. */
function peekable(rows: Rows) {
  let next: IteratorResult<SealedRow, void> | undefined;
  return {
    async peek(): Promise<SealedRow | undefined> {
      next ??= await rows.next();
      return next.done ? undefined : next.value;
    },
    take(): void {
      next = undefined;
    },
  };
}

async function* sealsInOrder(db: Db, pageSize = 200) {
  let cursor: bigint | undefined;
  for (;;) {
    const page = await db.auditSeal.findMany({
      orderBy: { id: 'asc' },
      take: pageSize,
      ...(cursor !== undefined ? { where: { id: { gt: cursor } } } : {}),
    });
    yield* page;
    if (page.length < pageSize) return;
    cursor = page.at(-1)?.id;
  }
}

const show = (p: Position) => `(${p.xid}, ${p.id})`;

export async function verifyAudit(db: Db, options: VerifyOptions): Promise<VerifyReport> {
  const problems: AuditProblem[] = [];
  const report = (problem: AuditProblem) => problems.push(problem);
  let rowCount = 0;
  let chainHead = GENESIS_HASH;
  const rows = peekable(
    (async function* () {
      for await (const row of rowsFrom(db, START)) {
        rowCount++;
        // Rows written before 0004 (writer_xid 0) also keep their hash chain.
        if (row.writerXid === 0n) chainHead = checkChain(row, chainHead, report);
        yield row;
      }
    })(),
  );

  let expected = START;
  let prevHash = GENESIS_HASH;
  let seals = 0;
  let lastSeal: AuditSeal | null = null;
  for await (const seal of sealsInOrder(db)) {
    seals++;
    lastSeal = seal;
    const sealId = seal.id.toString();
    const from = { xid: seal.fromXid, id: seal.fromId };
    const to = { xid: seal.toXid, id: seal.toId };
    checkSeal(seal, options.keys, report);
    if (seal.prevHash !== prevHash || comparePositions(from, expected) !== 0) {
      report({
        kind: 'seal_out_of_chain',
        sealId,
        message: `does not continue the seal before it (starts at ${show(from)}, expected ${show(expected)})`,
      });
    }
    for (let row = await rows.peek(); row && comparePositions(positionOf(row), from) < 0;) {
      report({
        kind: 'row_outside_seals',
        rowId: row.id.toString(),
        message: 'lies between seals',
      });
      rows.take();
      row = await rows.peek();
    }
    const covered: SealedRow[] = [];
    for (let row = await rows.peek(); row && comparePositions(positionOf(row), to) < 0;) {
      covered.push(row);
      rows.take();
      row = await rows.peek();
    }
    problems.push(...checkRows(seal, covered));
    expected = to;
    prevHash = seal.hash;
  }

  let unsealed = 0;
  while (await rows.peek()) {
    unsealed++;
    rows.take();
  }
  // In one statement, so every row it sees committed before its snapshot: a visible row whose
  // writer id is at or above the snapshot's xmax was given a made-up id, to stay unsealed.
  const [tail] = await db.$queryRaw<{ finished: number; future: bigint[] | null }[]>`
    SELECT count(*) FILTER (WHERE a."writer_xid" < pg_snapshot_xmin(s)::text::bigint)::int AS "finished",
           (array_agg(a."id" ORDER BY a."id")
              FILTER (WHERE a."writer_xid" >= pg_snapshot_xmax(s)::text::bigint))[1:50] AS "future"
      FROM "audit" AS a, pg_current_snapshot() AS s
     WHERE (a."writer_xid", a."id") >= (${expected.xid}, ${expected.id})`;
  for (const id of tail?.future ?? []) {
    report({
      kind: 'row_from_the_future',
      rowId: id.toString(),
      message: 'claims a writer transaction that has not started yet',
    });
  }
  const now = options.now ?? new Date();
  if (
    options.maxUnsealedAgeMs !== null &&
    (tail?.finished ?? 0) > 0 &&
    (!lastSeal || now.getTime() - lastSeal.sealedAt.getTime() > options.maxUnsealedAgeMs)
  ) {
    report({
      kind: 'sealer_behind',
      message: lastSeal
        ? `finished rows are unsealed and the newest seal is from ${lastSeal.sealedAt.toISOString()}: is the sealer running?`
        : 'finished rows are unsealed and there is no seal at all: is AUDIT_SIGNING_KEY set on the worker?',
    });
  }
  return {
    rows: rowCount,
    seals,
    unsealed,
    lastSeal: lastSeal ? { id: lastSeal.id.toString(), hash: lastSeal.hash } : null,
    problems,
  };
}

/** The pre-0004 chain; returns the new head. */
function checkChain(row: SealedRow, head: string, report: (p: AuditProblem) => void): string {
  const rowId = row.id.toString();
  if (row.prevHash !== head) {
    report({ kind: 'chain_broken_link', rowId, message: 'does not link to the row before it' });
  }
  const expected = row.prevHash === null ? null : chainHash(row.prevHash, row);
  if (expected === null || expected !== row.hash) {
    report({ kind: 'chain_hash_mismatch', rowId, message: 'its chain hash does not match it' });
  }
  return row.hash ?? head;
}

function checkSeal(seal: AuditSeal, keys: VerifyKeys, report: (p: AuditProblem) => void): void {
  const sealId = seal.id.toString();
  const message = sealMessage({
    sealedAt: seal.sealedAt,
    from: { xid: seal.fromXid, id: seal.fromId },
    to: { xid: seal.toXid, id: seal.toId },
    rowCount: seal.rowCount,
    rowsHash: seal.rowsHash,
    prevHash: seal.prevHash,
    keyId: seal.keyId,
  });
  if (sealHash(message) !== seal.hash) {
    report({ kind: 'seal_altered', sealId, message: 'its hash is not the hash of its fields' });
  }
  const verdict = verifySignature(keys, seal.keyId, message, seal.signature);
  if (verdict === 'unknown_key') {
    report({
      kind: 'seal_unknown_key',
      sealId,
      message: `signed by key ${seal.keyId}, which AUDIT_VERIFY_KEYS does not list`,
    });
  } else if (verdict === 'bad_signature') {
    report({
      kind: 'seal_bad_signature',
      sealId,
      message: `its signature is not key ${seal.keyId}'s signature of its fields`,
    });
  }
}

/**
 * Compares the rows found in a seal's range with what it sealed. The seal's list of row ids and
 * digests names the rows that changed; the digests are trusted only when they hash to the signed
 * `rows_hash` (the ids are a hint: a digest covers its row's id).
 */
function checkRows(seal: AuditSeal, rows: SealedRow[]): AuditProblem[] {
  const digests = rows.map(rowDigest);
  if (rows.length === seal.rowCount && rowsHash(Buffer.concat(digests)) === seal.rowsHash)
    return [];
  const sealId = seal.id.toString();
  const changed: AuditProblem = {
    kind: 'rows_changed',
    sealId,
    message: 'its rows no longer match it',
  };
  const stored = Buffer.from(seal.rowDigests);
  if (rowsHash(stored) !== seal.rowsHash || seal.rowIds.length * 32 !== stored.length) {
    return [changed];
  }
  const sealed = new Map(
    seal.rowIds.map((id, i) => [id, stored.subarray(i * 32, i * 32 + 32)] as const),
  );
  const problems: AuditProblem[] = [];
  rows.forEach((row, i) => {
    const rowId = row.id.toString();
    const digest = sealed.get(row.id);
    sealed.delete(row.id);
    if (!digest) {
      problems.push({
        kind: 'row_inserted',
        rowId,
        sealId,
        message: `is not one of seal ${sealId}'s rows`,
      });
    } else if (!digest.equals(digests[i] ?? Buffer.alloc(0))) {
      problems.push({
        kind: 'row_edited',
        rowId,
        sealId,
        message: `differs from what seal ${sealId} sealed`,
      });
    }
  });
  for (const id of sealed.keys()) {
    problems.push({
      kind: 'row_deleted',
      rowId: id.toString(),
      sealId,
      message: `was sealed by seal ${sealId} and is gone`,
    });
  }
  return problems.length > 0 ? problems : [changed];
}

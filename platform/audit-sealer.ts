// The sealer: every few seconds, covers the audit rows written since the last seal with a new
// seal (their digests, the previous seal's hash, an ed25519 signature), off the write path.
//
// Row ids are handed out before commit, so rows become visible out of order. Each row carries
// its writer's transaction id, and every transaction below the oldest one still running
// (`pg_snapshot_xmin`) has finished, while any writer running now or later has an id at or above
// it. So the rows below that horizon are final: a seal covers exactly the positions
// (writer_xid, id) from where the previous seal ended up to the horizon, and a slow writer's
// row lands above the horizon until it commits, to be sealed by a later seal, never skipped.
import {
  GENESIS_HASH,
  rowDigest,
  rowsHash,
  sealHash,
  sealMessage,
  START,
  type Position,
  type SealFields,
} from './audit-digest';
import type { SealSigner } from './audit-keys';
import { readRows } from './audit-rows';
import type { Db } from './db/client';
import { isUniqueViolation } from './db/errors';
import type { Logger } from './logger';

/** Taken with pg_try_advisory_xact_lock by sealers only: one seal at a time, writers never wait. */
export const SEALER_LOCK_KEY = 7_734_002;
/** Bounds one seal's size (its digests, 32 bytes a row) and its transaction's length. */
export const SEAL_MAX_ROWS = 1_000;

export type SealOutcome =
  | { kind: 'sealed'; id: bigint; rowCount: number; from: Position; to: Position; full: boolean }
  /** No finished row since the last seal. */
  | { kind: 'idle' }
  /** Another sealer holds the lock (or won the race to the next seal). */
  | { kind: 'busy' }
  /** The transaction horizon is below the last seal: the database was restored into a new cluster. */
  | { kind: 'behind'; horizon: bigint; sealedTo: bigint };

export async function sealOnce(
  db: Db,
  signer: SealSigner,
  maxRows = SEAL_MAX_ROWS,
): Promise<SealOutcome> {
  try {
    return await db.$transaction(
      async (tx): Promise<SealOutcome> => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${SEALER_LOCK_KEY}) AS "locked"`;
        if (!lock?.locked) return { kind: 'busy' };
        const [snapshot] = await tx.$queryRaw<{ horizon: bigint }[]>`
          SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "horizon"`;
        const horizon = BigInt(snapshot?.horizon ?? 0);
        const last = await tx.auditSeal.findFirst({
          orderBy: { id: 'desc' },
          select: { hash: true, toXid: true, toId: true },
        });
        const from: Position = last ? { xid: last.toXid, id: last.toId } : START;
        if (horizon < from.xid) return { kind: 'behind', horizon, sealedTo: from.xid };
        if (horizon === from.xid) return { kind: 'idle' };

        const rows = await readRows(tx, from, { xid: horizon, id: 0n }, maxRows);
        const lastRow = rows.at(-1);
        if (!lastRow) return { kind: 'idle' };
        // A full page ends right after its last row; the next seal continues from there.
        const full = rows.length === maxRows;
        const to: Position = full
          ? { xid: lastRow.writerXid, id: lastRow.id + 1n }
          : { xid: horizon, id: 0n };
        const digests = Buffer.concat(rows.map(rowDigest));
        const fields: SealFields = {
          sealedAt: new Date(),
          from,
          to,
          rowCount: rows.length,
          rowsHash: rowsHash(digests),
          prevHash: last?.hash ?? GENESIS_HASH,
          keyId: signer.keyId,
        };
        const message = sealMessage(fields);
        const seal = await tx.auditSeal.create({
          data: {
            sealedAt: fields.sealedAt,
            fromXid: from.xid,
            fromId: from.id,
            toXid: to.xid,
            toId: to.id,
            rowCount: fields.rowCount,
            rowIds: rows.map((r) => r.id),
            rowDigests: digests,
            rowsHash: fields.rowsHash,
            prevHash: fields.prevHash,
            hash: sealHash(message),
            keyId: signer.keyId,
            signature: signer.sign(message),
          },
          select: { id: true },
        });
        return { kind: 'sealed', id: seal.id, rowCount: rows.length, from, to, full };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (err) {
    // The unique previous-hash index refuses a second successor: another sealer got there first.
    if (isUniqueViolation(err)) return { kind: 'busy' };
    throw err;
  }
}

/**
 * Seals every row finished by now: one seal, or several while each fills up (a backlog). Rows
 * that finish meanwhile wait for the next round, so a busy journal does not keep it looping.
 */
export async function sealAll(db: Db, signer: SealSigner, maxRows = SEAL_MAX_ROWS) {
  const sealed: Extract<SealOutcome, { kind: 'sealed' }>[] = [];
  for (;;) {
    const outcome = await sealOnce(db, signer, maxRows);
    if (outcome.kind === 'sealed') sealed.push(outcome);
    if (outcome.kind !== 'sealed' || !outcome.full) return { sealed, last: outcome };
  }
}

export interface Sealer {
  stop(): Promise<void>;
}

/**
 * Runs in every worker: a round every `intervalMs`. Several workers may run one each; the lock
 * lets one of them seal per round and the others skip.
 */
export function startSealer(deps: {
  db: Db;
  signer: SealSigner;
  log: Logger;
  intervalMs: number;
}): Sealer {
  const { db, signer, log, intervalMs } = deps;
  let stopped = false;
  let failing = false;
  let behindLogged = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const runRound = async (): Promise<void> => {
    try {
      const { last } = await sealAll(db, signer);
      if (failing) log.info('audit sealing recovered');
      failing = false;
      if (last.kind === 'behind' && !behindLogged) {
        behindLogged = true;
        log.error(
          { horizon: String(last.horizon), sealedTo: String(last.sealedTo) },
          'audit sealing paused: the transaction horizon is below the last seal (restored into a new cluster?); see docs/operations.md',
        );
      }
    } catch (err) {
      // One line per outage, not one per round.
      if (!failing) log.warn({ err }, 'audit sealing failed; retrying every round');
      failing = true;
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = runRound().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  log.info({ keyId: signer.keyId, publicKey: signer.publicKey, intervalMs }, 'audit sealing on');
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}

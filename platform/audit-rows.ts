// Reading audit rows in the order seals cover them, (writer_xid, id), a page at a time. The page
// boundary is a row comparison on the index audit(writer_xid, id), so each page costs its own
// size whatever the table's; the columns come through Prisma, as the API reads them, so every
// reader hashes the same values.
import { comparePositions, SEALED_COLUMNS, type Position, type SealedRow } from './audit-digest';
import type { Db, Prisma } from './db/client';

type Reader = Pick<Prisma.TransactionClient, '$queryRaw' | 'audit'>;

/** Up to `limit` rows with a position in [from, to), in order. */
export async function readRows(
  db: Reader,
  from: Position,
  to: Position | null,
  limit: number,
): Promise<SealedRow[]> {
  const ids = to
    ? await db.$queryRaw<{ id: bigint }[]>`
        SELECT "id" FROM "audit"
         WHERE ("writer_xid", "id") >= (${from.xid}, ${from.id})
           AND ("writer_xid", "id") < (${to.xid}, ${to.id})
         ORDER BY "writer_xid", "id" LIMIT ${limit}`
    : await db.$queryRaw<{ id: bigint }[]>`
        SELECT "id" FROM "audit"
         WHERE ("writer_xid", "id") >= (${from.xid}, ${from.id})
         ORDER BY "writer_xid", "id" LIMIT ${limit}`;
  if (ids.length === 0) return [];
  const rows = await db.audit.findMany({
    where: { id: { in: ids.map((r) => BigInt(r.id)) } },
    select: SEALED_COLUMNS,
  });
  return rows.sort((a, b) =>
    comparePositions({ xid: a.writerXid, id: a.id }, { xid: b.writerXid, id: b.id }),
  );
}

/** Every row from `from` on, in order, one page in memory at a time. */
export async function* rowsFrom(db: Db, from: Position, pageSize = 1_000) {
  let cursor = from;
  for (;;) {
    const page = await readRows(db, cursor, null, pageSize);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    cursor = { xid: last.writerXid, id: last.id + 1n };
  }
}

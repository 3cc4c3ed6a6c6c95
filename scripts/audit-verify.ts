// `npm run audit:verify`: walks the audit hash chain and checks the last checkpoint kept outside
// the database (AUDIT_CHECKPOINT_DIR, default .data/audit-checkpoints); on success it moves the
// checkpoint to the newest row. Exits 1 naming what is broken.
import path from 'node:path';
import { z } from 'zod';
import { verifyAuditChain } from '../platform/audit';
import {
  checkCheckpoint,
  checkpointFile,
  readCheckpoint,
  writeCheckpoint,
} from '../platform/audit-checkpoint';
import { createDb } from '../platform/db/client';

const url = z.url().safeParse(process.env.DATABASE_URL);
if (!url.success) {
  process.stderr.write('audit:verify: DATABASE_URL must be set to a postgres:// URL\n');
  process.exit(1);
}
const dir =
  process.env.AUDIT_CHECKPOINT_DIR ??
  path.resolve(import.meta.dirname, '../.data/audit-checkpoints');
const key = process.env.AUDIT_CHECKPOINT_KEY || undefined;
const file = checkpointFile(url.data, dir);
const db = createDb(url.data);
try {
  const { rows, problems } = await verifyAuditChain(db);
  const checkpoint = readCheckpoint(file, key);
  const checkpointProblem =
    checkpoint === 'forged'
      ? `the checkpoint ${file} does not carry a valid signature`
      : checkpoint
        ? await checkCheckpoint(db, checkpoint)
        : null;
  if (problems.length === 0 && !checkpointProblem) {
    const last = await db.audit.findFirst({
      orderBy: { id: 'desc' },
      select: { id: true, hash: true },
    });
    if (last) writeCheckpoint(file, key, { id: last.id.toString(), hash: last.hash });
    console.log(`audit chain intact: ${rows} rows verified; checkpoint ${file}`);
  } else {
    console.error(
      `audit chain BROKEN: ${problems.length + (checkpointProblem ? 1 : 0)} problem(s) in ${rows} rows`,
    );
    for (const p of problems.slice(0, 20)) console.error(`  row ${p.id}: ${p.problem}`);
    if (checkpointProblem) console.error(`  ${checkpointProblem}`);
    process.exitCode = 1;
  }
} catch (err) {
  process.stderr.write(
    `audit:verify: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
  );
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}

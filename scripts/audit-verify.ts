// `npm run audit:verify`: walks the audit hash chain; exits 1 naming the first broken rows.
import { z } from 'zod';
import { verifyAuditChain } from '../platform/audit';
import { createDb } from '../platform/db/client';

const url = z.url().safeParse(process.env.DATABASE_URL);
if (!url.success) {
  process.stderr.write('audit:verify: DATABASE_URL must be set to a postgres:// URL\n');
  process.exit(1);
}
const db = createDb(url.data);
try {
  const { rows, problems } = await verifyAuditChain(db);
  if (problems.length === 0) {
    console.log(`audit chain intact: ${rows} rows verified`);
  } else {
    console.error(`audit chain BROKEN: ${problems.length} problem(s) in ${rows} rows`);
    for (const p of problems.slice(0, 20)) console.error(`  row ${p.id}: ${p.problem}`);
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

// `npm run audit:seal`: seals every finished audit row now, as each worker does every
// AUDIT_SEAL_INTERVAL_MS — for a deployment whose workers are stopped, or before an audit:verify
// that must cover everything. Safe beside running workers: one sealer at a time seals.
import { sealSignerFrom } from '../platform/audit-keys';
import { sealAll } from '../platform/audit-sealer';
import { loadConfigKeys } from '../platform/config';
import { createDb } from '../platform/db/client';

function fail(message: string): never {
  process.stderr.write(`audit:seal: ${message}\n`);
  process.exit(1);
}

let signer;
let config;
try {
  config = loadConfigKeys([
    'DATABASE_URL',
    'AUDIT_SIGNING_KEY',
    'AUDIT_SIGNING_KEY_ID',
    'AUDIT_VERIFY_KEYS',
  ]);
  signer = sealSignerFrom(config);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (!signer) fail('AUDIT_SIGNING_KEY is required (`npm run keys -- audit` makes one)');

const db = createDb(config.DATABASE_URL);
try {
  const { sealed, last } = await sealAll(db, signer);
  const rows = sealed.reduce((sum, s) => sum + s.rowCount, 0);
  if (sealed.length > 0)
    console.log(
      `sealed ${rows} row(s) in ${sealed.length} seal(s), ${sealed[0]?.id}–${sealed.at(-1)?.id}, with key ${signer.keyId}`,
    );
  if (last.kind === 'busy') console.log('another sealer is sealing right now; nothing more to do');
  else if (last.kind === 'behind')
    fail(
      `the transaction horizon (${last.horizon}) is below the last seal (${last.sealedTo}): ` +
        'was the database restored into a new cluster? See docs/operations.md',
    );
  else if (sealed.length === 0) console.log('nothing to seal: every finished row is sealed');
} catch (err) {
  process.stderr.write(
    `audit:seal: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
  );
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}

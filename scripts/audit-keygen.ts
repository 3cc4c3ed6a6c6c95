// `npm run audit:keygen [-- --id ID]`: a new ed25519 key pair for audit seals. The private seed
// goes to the workers only (AUDIT_SIGNING_KEY); the public key to every place that runs
// audit:verify (AUDIT_VERIFY_KEYS), where retired keys stay listed.
import { parseArgs } from 'node:util';
import { generateSealKey } from '../platform/audit-keys';
import { loadConfigKeys } from '../platform/config';

let id: string;
try {
  const { values } = parseArgs({ options: { id: { type: 'string', default: 'a1' } } });
  id = loadConfigKeys(['AUDIT_SIGNING_KEY_ID'], {
    AUDIT_SIGNING_KEY_ID: values.id,
  }).AUDIT_SIGNING_KEY_ID;
} catch (err) {
  process.stderr.write(`audit:keygen: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const key = generateSealKey();
console.log(`# workers only (a secret):
AUDIT_SIGNING_KEY=${key.seed}
AUDIT_SIGNING_KEY_ID=${id}
# wherever audit:verify runs (public; append to the keys already listed):
AUDIT_VERIFY_KEYS=${id}:${key.publicKey}`);

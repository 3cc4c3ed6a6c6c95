// `npm run keys -- audit|decisions [--id ID]`: a fresh ed25519 key pair, printed as configuration
// lines. The seed goes only to the component that signs (audit seals: the workers; decisions: the
// API); the public key to those that verify (audit:verify; the workers), where retired keys stay
// listed during a rotation. Nothing is written anywhere.
import { parseArgs } from 'node:util';
import { loadConfigKeys } from '../platform/config';
import { generateSigningKey } from '../platform/crypto/signing';

const PURPOSES = {
  audit: {
    seed: 'AUDIT_SIGNING_KEY',
    id: 'AUDIT_SIGNING_KEY_ID',
    verify: 'AUDIT_VERIFY_KEYS',
    signer: 'workers only',
    verifiers: 'wherever audit:verify runs',
  },
  decisions: {
    seed: 'APPROVAL_SIGNING_KEY',
    id: 'APPROVAL_SIGNING_KEY_ID',
    verify: 'APPROVAL_VERIFY_KEYS',
    signer: 'API only',
    verifiers: 'workers',
  },
} as const;

function fail(message: string): never {
  process.stderr.write(`keys: ${message}\n`);
  process.exit(1);
}

const { positionals, values } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { id: { type: 'string' } } });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
})();
const purpose = PURPOSES[positionals[0] as keyof typeof PURPOSES] as
  (typeof PURPOSES)[keyof typeof PURPOSES] | undefined;
if (!purpose) fail(`say which keys: npm run keys -- ${Object.keys(PURPOSES).join('|')} [--id ID]`);
let id: string;
try {
  // The same rule the configuration applies to the id.
  id = loadConfigKeys([purpose.id], { [purpose.id]: values.id ?? 'a1' })[purpose.id];
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const key = generateSigningKey();
console.log(`# ${purpose.signer} (a secret):
${purpose.seed}=${key.seed}
${purpose.id}=${id}
# ${purpose.verifiers} (public; append to the keys already listed):
${purpose.verify}=${id}:${key.publicKey}`);

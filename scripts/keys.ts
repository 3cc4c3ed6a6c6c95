// `npm run keys -- decisions [--id a2]`: prints a fresh ed25519 key pair as configuration lines.
// The seed line goes to the component that signs (the API); the public line to those that verify
// (the worker). Nothing is written anywhere: copy each line where it belongs.
import { parseArgs } from 'node:util';
import { generateSigningKey } from '../platform/crypto/signing';

const PURPOSES = {
  decisions: {
    seed: 'APPROVAL_SIGNING_KEY',
    id: 'APPROVAL_SIGNING_KEY_ID',
    verify: 'APPROVAL_VERIFY_KEYS',
  },
} as const;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { id: { type: 'string' } },
});
const purpose = positionals[0] as keyof typeof PURPOSES | undefined;
const names = purpose ? PURPOSES[purpose] : undefined;
if (!names) {
  process.stderr.write(`usage: npm run keys -- ${Object.keys(PURPOSES).join('|')} [--id ID]\n`);
  process.exit(2);
}
const id = values.id ?? 'a1';
if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
  process.stderr.write('keys: --id must be 1–32 letters, digits, `_` or `-`\n');
  process.exit(2);
}
const key = generateSigningKey();
console.log(`# signer only (keep secret):\n${names.seed}=${key.seed}\n${names.id}=${id}`);
console.log(`# verifiers (public; while rotating, list the old key too, comma-separated):`);
console.log(`${names.verify}=${id}:${key.publicKey}`);

// The ed25519 keys of audit seals. The sealer signs with AUDIT_SIGNING_KEY (a 32-byte seed that
// only the sealing process holds, never the database); `npm run audit:verify` checks with the
// public keys in AUDIT_VERIFY_KEYS, old ones included, so keys rotate like the token keyring.
import nacl from 'tweetnacl';
import { ConfigError, type Config } from './config';

export interface SealSigner {
  keyId: string;
  publicKey: string;
  /** Base64 of the 64-byte detached signature. */
  sign(message: Uint8Array): string;
}

export type VerifyKeys = ReadonlyMap<string, Uint8Array>;

export type SignatureVerdict = 'ok' | 'unknown_key' | 'bad_signature';

export function createSealSigner(keyId: string, seedBase64: string): SealSigner {
  const pair = nacl.sign.keyPair.fromSeed(Buffer.from(seedBase64, 'base64'));
  return {
    keyId,
    publicKey: Buffer.from(pair.publicKey).toString('base64'),
    sign: (message) => Buffer.from(nacl.sign.detached(message, pair.secretKey)).toString('base64'),
  };
}

export function verifyKeysFrom(entries: readonly { id: string; key: string }[]): VerifyKeys {
  return new Map(entries.map(({ id, key }) => [id, Buffer.from(key, 'base64')]));
}

/**
 * The sealer's key, or null when AUDIT_SIGNING_KEY is unset (sealing is off). A verify key under
 * the same id that does not match would make every new seal look forged: refused at start-up.
 */
export function sealSignerFrom(
  config: Pick<Config, 'AUDIT_SIGNING_KEY' | 'AUDIT_SIGNING_KEY_ID' | 'AUDIT_VERIFY_KEYS'>,
): SealSigner | null {
  if (!config.AUDIT_SIGNING_KEY) return null;
  const signer = createSealSigner(config.AUDIT_SIGNING_KEY_ID, config.AUDIT_SIGNING_KEY);
  const listed = config.AUDIT_VERIFY_KEYS.find((k) => k.id === signer.keyId);
  if (listed && Buffer.from(listed.key, 'base64').toString('base64') !== signer.publicKey) {
    throw new ConfigError(
      `Invalid configuration: AUDIT_VERIFY_KEYS lists key ${signer.keyId} with a public key that does not belong to AUDIT_SIGNING_KEY`,
    );
  }
  return signer;
}

export function verifySignature(
  keys: VerifyKeys,
  keyId: string,
  message: Uint8Array,
  signatureBase64: string,
): SignatureVerdict {
  const publicKey = keys.get(keyId);
  if (!publicKey) return 'unknown_key';
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== nacl.sign.signatureLength) return 'bad_signature';
  return nacl.sign.detached.verify(message, signature, publicKey) ? 'ok' : 'bad_signature';
}

/** A fresh key pair: the seed for AUDIT_SIGNING_KEY and the public key for AUDIT_VERIFY_KEYS. */
export function generateSealKey(): { seed: string; publicKey: string } {
  const seed = nacl.randomBytes(32);
  const pair = nacl.sign.keyPair.fromSeed(seed);
  return {
    seed: Buffer.from(seed).toString('base64'),
    publicKey: Buffer.from(pair.publicKey).toString('base64'),
  };
}

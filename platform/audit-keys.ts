// The ed25519 keys of audit seals. The sealer signs with AUDIT_SIGNING_KEY (a 32-byte seed that
// only the sealing process holds, never the database); `npm run audit:verify` checks with the
// public keys in AUDIT_VERIFY_KEYS, old ones included, so keys rotate like the token keyring.
// The signatures themselves are platform/crypto/signing.ts's, as for decisions.
import { ConfigError, type Config } from './config';
import {
  createSigner,
  createVerifier,
  generateSigningKey,
  publicKeyOf,
  type SignatureVerdict,
  type Signer,
  type Verifier,
} from './crypto/signing';

export interface SealSigner extends Signer {
  publicKey: string;
}

export type VerifyKeys = Verifier;

export function createSealSigner(keyId: string, seedBase64: string): SealSigner {
  return { ...createSigner(keyId, seedBase64), publicKey: publicKeyOf(seedBase64) };
}

export function verifyKeysFrom(entries: readonly { id: string; key: string }[]): VerifyKeys {
  return createVerifier(entries);
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
  return keys.check(keyId, message, signatureBase64);
}

/** A fresh key pair: the seed for AUDIT_SIGNING_KEY and the public key for AUDIT_VERIFY_KEYS. */
export const generateSealKey = generateSigningKey;

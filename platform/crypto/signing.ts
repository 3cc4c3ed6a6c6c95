import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

// ed25519 signatures for claims one component makes and another checks: the API signs
// decisions, the worker verifies them with public keys only. Keys are configured as raw 32-byte
// values in base64 (seed for signers, public key for verifiers); Node's native ed25519 does the
// work, fast enough to sit on the approval path. A verifier holds a keyring so keys can rotate.

export interface Signer {
  readonly keyId: string;
  /** Detached signature over the UTF-8 bytes of `text`, base64. */
  sign(text: string): string;
}

export interface Verifier {
  knows(keyId: string): boolean;
  verify(keyId: string, text: string, signature: string): boolean;
}

// DER prefixes that wrap a raw ed25519 key as PKCS#8 (private) and SPKI (public).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_BYTES = 64;

function privateKeyOf(seed: string): KeyObject {
  const raw = Buffer.from(seed, 'base64');
  if (raw.length !== 32) throw new Error('an ed25519 seed is 32 bytes');
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKeyFrom(key: string): KeyObject {
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== 32) throw new Error('an ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** `seed` is base64 of the 32-byte ed25519 seed. */
export function createSigner(keyId: string, seed: string): Signer {
  const key = privateKeyOf(seed);
  return {
    keyId,
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), key).toString('base64'),
  };
}

/** `keys`: public keys, base64 of 32 bytes each, by id. */
export function createVerifier(keys: readonly { id: string; key: string }[]): Verifier {
  const ring = new Map(keys.map((k) => [k.id, publicKeyFrom(k.key)]));
  return {
    knows: (keyId) => ring.has(keyId),
    verify(keyId, text, signature) {
      const key = ring.get(keyId);
      const bytes = Buffer.from(signature, 'base64');
      if (!key || bytes.length !== SIGNATURE_BYTES) return false;
      return verify(null, Buffer.from(text, 'utf8'), key, bytes);
    },
  };
}

/** The base64 public key that belongs to a base64 seed (for configuration and docs). */
export function publicKeyOf(seed: string): string {
  const der = createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length).toString('base64');
}

/** A fresh key pair as configuration wants it: the seed (secret) and its public key. */
export function generateSigningKey(): { seed: string; publicKey: string } {
  const seed = randomBytes(32).toString('base64');
  return { seed, publicKey: publicKeyOf(seed) };
}

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

/** What is signed: text (as UTF-8) or bytes. */
export type Signed = string | Uint8Array;

export interface Signer {
  readonly keyId: string;
  /** Detached signature, base64. */
  sign(data: Signed): string;
}

export type SignatureVerdict = 'ok' | 'unknown_key' | 'bad_signature';

export interface Verifier {
  knows(keyId: string): boolean;
  check(keyId: string, data: Signed, signature: string): SignatureVerdict;
  verify(keyId: string, data: Signed, signature: string): boolean;
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

function bytesOf(data: Signed): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/** `seed` is base64 of the 32-byte ed25519 seed. */
export function createSigner(keyId: string, seed: string): Signer {
  const key = privateKeyOf(seed);
  return {
    keyId,
    sign: (data) => sign(null, bytesOf(data), key).toString('base64'),
  };
}

/** `keys`: public keys, base64 of 32 bytes each, by id. */
export function createVerifier(keys: readonly { id: string; key: string }[]): Verifier {
  const ring = new Map(keys.map((k) => [k.id, publicKeyFrom(k.key)]));
  const check = (keyId: string, data: Signed, signature: string): SignatureVerdict => {
    const key = ring.get(keyId);
    if (!key) return 'unknown_key';
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.length !== SIGNATURE_BYTES) return 'bad_signature';
    return verify(null, bytesOf(data), key, bytes) ? 'ok' : 'bad_signature';
  };
  return {
    knows: (keyId) => ring.has(keyId),
    check,
    verify: (keyId, data, signature) => check(keyId, data, signature) === 'ok',
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

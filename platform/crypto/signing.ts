import nacl from 'tweetnacl';

// ed25519 signatures (tweetnacl) for claims one component makes and another checks: the API
// signs decisions, the worker verifies them with public keys only. A verifier holds a keyring so
// keys can rotate: sign with the new one while the old public key is still listed.

export interface Signer {
  readonly keyId: string;
  /** Detached signature over the UTF-8 bytes of `text`, base64. */
  sign(text: string): string;
}

export interface Verifier {
  knows(keyId: string): boolean;
  verify(keyId: string, text: string, signature: string): boolean;
}

const encoder = new TextEncoder();

/** `seed` is base64 of the 32-byte ed25519 seed. */
export function createSigner(keyId: string, seed: string): Signer {
  const { secretKey } = nacl.sign.keyPair.fromSeed(Buffer.from(seed, 'base64'));
  return {
    keyId,
    sign: (text) =>
      Buffer.from(nacl.sign.detached(encoder.encode(text), secretKey)).toString('base64'),
  };
}

/** `keys`: public keys, base64 of 32 bytes each, by id. */
export function createVerifier(keys: readonly { id: string; key: string }[]): Verifier {
  const ring = new Map(keys.map((k) => [k.id, new Uint8Array(Buffer.from(k.key, 'base64'))]));
  return {
    knows: (keyId) => ring.has(keyId),
    verify(keyId, text, signature) {
      const publicKey = ring.get(keyId);
      if (!publicKey) return false;
      const bytes = Buffer.from(signature, 'base64');
      if (bytes.length !== nacl.sign.signatureLength) return false;
      return nacl.sign.detached.verify(encoder.encode(text), new Uint8Array(bytes), publicKey);
    },
  };
}

/** The base64 public key that belongs to a base64 seed (for configuration and docs). */
export function publicKeyOf(seed: string): string {
  const { publicKey } = nacl.sign.keyPair.fromSeed(Buffer.from(seed, 'base64'));
  return Buffer.from(publicKey).toString('base64');
}

/** A fresh key pair as configuration wants it: the seed (secret) and its public key. */
export function generateSigningKey(): { seed: string; publicKey: string } {
  const seed = Buffer.from(nacl.randomBytes(32)).toString('base64');
  return { seed, publicKey: publicKeyOf(seed) };
}

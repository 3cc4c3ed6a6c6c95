import nacl from 'tweetnacl';

export interface KeyringConfig {
  currentKeyId: string;
  currentKey: string;
  oldKeys: { id: string; key: string }[];
}

export interface Sealed {
  keyId: string;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export type VaultErrorCode = 'UNKNOWN_KEY' | 'TAMPERED' | 'WRONG_OWNER';

/** A token could not be opened. The message never contains key material or plaintext. */
export class VaultError extends Error {
  override name = 'VaultError';
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Seals secrets with secretbox (XSalsa20-Poly1305). The owner id (the account row's id) is sealed
 * with the secret and checked on opening, so a ciphertext copied to another row fails to open.
 */
export interface Vault {
  readonly currentKeyId: string;
  seal(ownerId: string, plaintext: string): Sealed;
  open(ownerId: string, sealed: Sealed): string;
  knows(keyId: string): boolean;
}

export function createVault(config: KeyringConfig): Vault {
  const keys = new Map<string, Uint8Array>();
  keys.set(config.currentKeyId, decodeKey(config.currentKey));
  for (const old of config.oldKeys) keys.set(old.id, decodeKey(old.key));
  const current = keys.get(config.currentKeyId) as Uint8Array;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  return {
    currentKeyId: config.currentKeyId,
    knows: (keyId) => keys.has(keyId),
    seal(ownerId, plaintext) {
      const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
      const message = encoder.encode(JSON.stringify({ o: ownerId, s: plaintext }));
      return {
        keyId: config.currentKeyId,
        nonce,
        ciphertext: nacl.secretbox(message, nonce, current),
      };
    },
    open(ownerId, sealed) {
      const key = keys.get(sealed.keyId);
      if (!key) {
        throw new VaultError('UNKNOWN_KEY', `no key with id "${sealed.keyId}" is configured`);
      }
      if (sealed.nonce.length !== nacl.secretbox.nonceLength) {
        throw new VaultError('TAMPERED', 'nonce has the wrong length');
      }
      const opened = nacl.secretbox.open(sealed.ciphertext, sealed.nonce, key);
      if (!opened) throw new VaultError('TAMPERED', 'ciphertext failed authentication');
      let payload: { o?: unknown; s?: unknown };
      try {
        payload = JSON.parse(decoder.decode(opened)) as { o?: unknown; s?: unknown };
      } catch {
        throw new VaultError('TAMPERED', 'sealed payload is not readable');
      }
      if (payload.o !== ownerId || typeof payload.s !== 'string') {
        throw new VaultError('WRONG_OWNER', 'ciphertext belongs to another record');
      }
      return payload.s;
    },
  };
}

function decodeKey(base64: string): Uint8Array {
  const key = new Uint8Array(Buffer.from(base64, 'base64'));
  if (key.length !== nacl.secretbox.keyLength) throw new Error('encryption key must be 32 bytes');
  return key;
}

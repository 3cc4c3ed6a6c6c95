import type { Config } from '../config';
import { createSigner, createVerifier, type Signer, type Verifier } from './signing';
import { createVault, type Vault } from './vault';

export function vaultFrom(config: Config): Vault {
  return createVault({
    currentKeyId: config.TOKEN_ENCRYPTION_KEY_ID,
    currentKey: config.TOKEN_ENCRYPTION_KEY,
    oldKeys: config.TOKEN_ENCRYPTION_OLD_KEYS,
  });
}

/** The API's decision signer; null when APPROVAL_SIGNING_KEY is not configured. */
export function decisionSignerFrom(config: Config): Signer | null {
  return config.APPROVAL_SIGNING_KEY
    ? createSigner(config.APPROVAL_SIGNING_KEY_ID, config.APPROVAL_SIGNING_KEY)
    : null;
}

/** The worker's view of the API's public keys; null when APPROVAL_VERIFY_KEYS is empty. */
export function decisionVerifierFrom(config: Config): Verifier | null {
  return config.APPROVAL_VERIFY_KEYS.length > 0
    ? createVerifier(config.APPROVAL_VERIFY_KEYS)
    : null;
}

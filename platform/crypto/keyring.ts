import type { Config } from '../config';
import { createVault, type Vault } from './vault';

export function vaultFrom(config: Config): Vault {
  return createVault({
    currentKeyId: config.TOKEN_ENCRYPTION_KEY_ID,
    currentKey: config.TOKEN_ENCRYPTION_KEY,
    oldKeys: config.TOKEN_ENCRYPTION_OLD_KEYS,
  });
}

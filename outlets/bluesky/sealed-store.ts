import { VaultError, type Sealed, type Vault } from '../../platform/crypto/vault';
import type { Logger } from '../../platform/logger';
import { ReauthRequired, type BlueskySession, type SessionStore } from './session';

/** A channel's sign-in as it rests: the identifier in clear, the secrets sealed. */
export interface SealedSignIn {
  identifier: string;
  appPassword: Sealed;
  session: Sealed | null;
  /** Set when the account refused its app password; cleared by reconnecting. */
  reauthReason: string | null;
}

/** Where sealed sign-ins rest: the channel's row (part 2), an in-memory holder in tests. */
export interface SealedSignInHolder {
  read(): Promise<SealedSignIn | null>;
  writeSession(session: Sealed): Promise<void>;
  writeReauth(reason: string): Promise<void>;
}

/** Seals what an operator gives when connecting a channel. */
export function sealSignIn(
  vault: Vault,
  ownerId: string,
  signIn: { identifier: string; appPassword: string },
): SealedSignIn {
  return {
    identifier: signIn.identifier,
    appPassword: vault.seal(ownerId, signIn.appPassword),
    session: null,
    reauthReason: null,
  };
}

/**
 * A SessionStore over the vault: secrets are sealed to `ownerId` (the channel's id), so a sealed
 * value copied to another channel does not open. A session that cannot be opened is dropped
 * (the channel signs in again); an app password that cannot be opened needs the operator.
 */
export function sealedSessionStore(deps: {
  vault: Vault;
  ownerId: string;
  holder: SealedSignInHolder;
  log: Logger;
}): SessionStore {
  const { vault, ownerId, holder, log } = deps;
  return {
    async load() {
      const sealed = await holder.read();
      if (sealed === null) return null;
      if (sealed.reauthReason !== null) throw new ReauthRequired(sealed.reauthReason);
      let appPassword: string;
      try {
        appPassword = vault.open(ownerId, sealed.appPassword);
      } catch (err) {
        if (!(err instanceof VaultError)) throw err;
        log.error({ ownerId, code: err.code }, 'stored Bluesky app password cannot be opened');
        throw new ReauthRequired(
          `the stored Bluesky app password cannot be opened (${err.code}); reconnect the channel, or restore the encryption key it was sealed with`,
        );
      }
      return { identifier: sealed.identifier, appPassword, session: openSession(sealed.session) };
    },
    async save(session) {
      await holder.writeSession(vault.seal(ownerId, JSON.stringify(session)));
    },
    markReauth: (reason) => holder.writeReauth(reason),
  };

  function openSession(sealed: Sealed | null): BlueskySession | null {
    if (sealed === null) return null;
    try {
      return JSON.parse(vault.open(ownerId, sealed)) as BlueskySession;
    } catch (err) {
      if (!(err instanceof VaultError) && !(err instanceof SyntaxError)) throw err;
      log.warn({ ownerId }, 'stored Bluesky session cannot be opened; signing in again');
      return null;
    }
  }
}

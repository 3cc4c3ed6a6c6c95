// Bluesky channels: connecting one signs in once with its app password (to check it and learn the
// account), then keeps the identifier in clear and the app password and session sealed to the
// channel's id. The outlet (outlets/bluesky) reads and renews them through the holder below.
import { randomUUID } from 'node:crypto';
import { Agent, XRPCError } from '@atproto/api';
import { channelAuditSubject } from '../contracts/channels';
import { sealedSessionStore, type SealedSignInHolder } from '../outlets/bluesky/sealed-store';
import type { BlueskyChannel } from '../outlets/bluesky/outlet';
import type { BlueskySession } from '../outlets/bluesky/session';
import { describeError, httpStatus, retryAt } from '../outlets/bluesky/errors';
import { appendAudit } from '../platform/audit';
import type { Sealed, Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/logger';
import { AppError, ErrorCode } from '../publishing/errors';
import { clearReauth, insertChannel, markReauthRequired, withOutletLock } from './manage';
import { getChannel, getChannelByName, requireChannel, type Channel } from './store';
import { CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE } from '../contracts/channels';

export interface BlueskyChannelDeps {
  db: Db;
  vault: Vault;
  log: Logger;
  /** Deadline of the sign-in call (BLUESKY_TIMEOUT_MS). */
  timeoutMs: number;
}

export interface BlueskySignIn {
  identifier: string;
  appPassword: string;
  /** The account's PDS or an entryway (`https://bsky.social`), as an origin. */
  service: string;
}

// Refusals of the sign-in itself that only the operator can fix, in words they can act on.
const REFUSALS: Record<string, string> = {
  AuthenticationRequired: 'Bluesky refused the identifier or app password',
  AuthFactorTokenRequired:
    'Bluesky asks for a two-factor code: give an app password (Settings → Privacy and security → App passwords), not the account password',
  AccountTakedown: 'the Bluesky account is taken down',
  AccountDeactivated: 'the Bluesky account is deactivated',
};

/**
 * One `com.atproto.server.createSession`: the session, or an AppError naming the problem — 422
 * for a refused sign-in (nothing to store), 502 when Bluesky could not answer.
 */
export async function signIn(input: BlueskySignIn, timeoutMs: number): Promise<BlueskySession> {
  try {
    const { data } = await new Agent({ service: input.service }).com.atproto.server.createSession(
      { identifier: input.identifier, password: input.appPassword },
      { signal: AbortSignal.timeout(timeoutMs) },
    );
    return {
      did: data.did,
      handle: data.handle.toLowerCase(),
      accessJwt: data.accessJwt,
      refreshJwt: data.refreshJwt,
    };
  } catch (err) {
    if (err instanceof XRPCError && httpStatus(err) === 429) {
      const at = retryAt(err.headers);
      throw new AppError(
        ErrorCode.OutletUnavailable,
        `Bluesky is limiting sign-ins for this account (429); try again${at ? ` after ${at}` : ' later'}`,
      );
    }
    const refusal =
      err instanceof XRPCError && (httpStatus(err) === 401 || err.error in REFUSALS)
        ? (REFUSALS[err.error] ?? REFUSALS.AuthenticationRequired)
        : undefined;
    if (refusal !== undefined) {
      throw new AppError(ErrorCode.Validation, `${refusal}; nothing was stored`, [
        {
          path: 'body.appPassword',
          code: 'SIGN_IN_REFUSED',
          message: `${refusal} (${(err as XRPCError).error})`,
        },
      ]);
    }
    if (err instanceof XRPCError && httpStatus(err) >= 400 && httpStatus(err) < 500) {
      throw new AppError(
        ErrorCode.Validation,
        `Bluesky refused the sign-in: ${describeError(err)}; nothing was stored`,
        [{ path: 'body.identifier', code: 'SIGN_IN_REFUSED', message: describeError(err) }],
      );
    }
    throw new AppError(
      ErrorCode.OutletUnavailable,
      `Bluesky at ${input.service} could not be reached for the sign-in (${describeError(err)}); nothing was stored`,
    );
  }
}

function sealed(keyId: string | null, nonce: Uint8Array | null, ciphertext: Uint8Array | null) {
  return keyId && nonce && ciphertext ? { keyId, nonce, ciphertext } : null;
}

function sealedColumns(prefix: 'password' | 'session', value: Sealed) {
  return {
    [`${prefix}KeyId`]: value.keyId,
    [`${prefix}Nonce`]: Buffer.from(value.nonce),
    [`${prefix}Ciphertext`]: Buffer.from(value.ciphertext),
  } as const;
}

/** The channel's row as the outlet's SealedSignInHolder: where its sign-in rests. */
export function channelSignInHolder(db: Db, channelId: string): SealedSignInHolder {
  return {
    async read() {
      const row = await getChannel(db, channelId);
      const password = row && sealed(row.passwordKeyId, row.passwordNonce, row.passwordCiphertext);
      if (!row || row.outlet !== 'bluesky' || !row.identifier || !password) return null;
      return {
        identifier: row.identifier,
        appPassword: password,
        session: sealed(row.sessionKeyId, row.sessionNonce, row.sessionCiphertext),
        reauthReason:
          row.status === 'reauth_required'
            ? (row.reauthReason ?? 'the Bluesky channel must be reconnected')
            : null,
      };
    },
    async writeSession(session) {
      await db.channel.update({
        where: { id: channelId },
        data: {
          sessionKeyId: session.keyId,
          sessionNonce: Buffer.from(session.nonce),
          sessionCiphertext: Buffer.from(session.ciphertext),
        },
      });
    },
    async writeReauth(reason) {
      await markReauthRequired(db, channelId, reason);
    },
  };
}

/**
 * What the Bluesky outlet needs to render for and publish on one channel (its `service` and a
 * SessionStore over its row), with the row itself; null when it is not a Bluesky channel.
 */
export async function blueskyChannelFor(
  deps: Pick<BlueskyChannelDeps, 'db' | 'vault' | 'log'>,
  channelId: string,
): Promise<{ row: Channel; channel: BlueskyChannel } | null> {
  const row = await getChannel(deps.db, channelId);
  if (!row || row.outlet !== 'bluesky' || !row.service) return null;
  const store = sealedSessionStore({
    vault: deps.vault,
    ownerId: row.id,
    holder: channelSignInHolder(deps.db, row.id),
    log: deps.log,
  });
  return { row, channel: { service: row.service, store } };
}

async function refused(deps: BlueskyChannelDeps, actor: string, subject: string, err: unknown) {
  if (!(err instanceof AppError)) return;
  deps.log.warn({ subject, code: err.code }, 'Bluesky channel connection refused');
  await appendAudit(deps.db, {
    actor,
    action: 'channel.connect_refused',
    subject,
    reason: err.message,
  });
}

/**
 * Connects a new Bluesky channel. Its name defaults to the account's handle. A refused sign-in,
 * a name or an account already connected stores nothing (and is audited).
 */
export async function connectBlueskyChannel(
  deps: BlueskyChannelDeps,
  actor: string,
  input: BlueskySignIn & { name?: string | undefined; displayName?: string | undefined },
): Promise<Channel> {
  const subject = channelAuditSubject('bluesky', input.name ?? input.identifier.toLowerCase());
  try {
    if (input.name !== undefined && (await getChannelByName(deps.db, 'bluesky', input.name))) {
      throw nameTaken(input.name);
    }
    const session = await signIn(input, deps.timeoutMs);
    const name = input.name ?? session.handle;
    if (!CHANNEL_NAME_PATTERN.test(name)) {
      throw new AppError(ErrorCode.Validation, 'the handle cannot be a channel name; give one', [
        { path: 'body.name', code: 'NAME_REQUIRED', message: `must be ${CHANNEL_NAME_RULE}` },
      ]);
    }
    return await withOutletLock(deps.db, 'bluesky', async (tx) => {
      const other = await tx.channel.findUnique({ where: { did: session.did } });
      if (other) {
        throw new AppError(
          ErrorCode.ChannelConflict,
          `${session.did} (@${session.handle}) is already connected as Bluesky channel ${other.name}; reconnect that one instead`,
        );
      }
      if (await getChannelByName(tx, 'bluesky', name)) throw nameTaken(name);
      const id = randomUUID();
      return insertChannel(tx, actor, {
        id,
        outlet: 'bluesky',
        name,
        displayName: input.displayName ?? `@${session.handle}`,
        did: session.did,
        handle: session.handle,
        service: input.service,
        identifier: input.identifier,
        ...sealedColumns('password', deps.vault.seal(id, input.appPassword)),
        ...sealedColumns('session', deps.vault.seal(id, JSON.stringify(session))),
      });
    });
  } catch (err) {
    await refused(deps, actor, subject, err);
    throw err;
  }
}

/**
 * New credentials for an existing Bluesky channel (an app password was revoked, or the account
 * moved): signs in, checks it is the same account, stores them and clears re-authorization.
 */
export async function reconnectBlueskyChannel(
  deps: BlueskyChannelDeps,
  actor: string,
  name: string,
  input: { identifier?: string | undefined; appPassword: string; service?: string | undefined },
): Promise<Channel> {
  const subject = channelAuditSubject('bluesky', name);
  try {
    const channel = await requireChannel(deps.db, 'bluesky', name);
    const signInWith = {
      identifier: input.identifier ?? channel.identifier ?? channel.did ?? '',
      appPassword: input.appPassword,
      service: input.service ?? channel.service ?? '',
    };
    const session = await signIn(signInWith, deps.timeoutMs);
    if (session.did !== channel.did) {
      throw new AppError(
        ErrorCode.ChannelConflict,
        `these credentials are for ${session.did} (@${session.handle}), but Bluesky channel ${name} is ${channel.did ?? 'another account'}; connect a new channel for that account`,
      );
    }
    return await withOutletLock(deps.db, 'bluesky', async (tx) => {
      const updated = await tx.channel.update({
        where: { id: channel.id },
        data: {
          identifier: signInWith.identifier,
          service: signInWith.service,
          handle: session.handle,
          ...sealedColumns('password', deps.vault.seal(channel.id, input.appPassword)),
          ...sealedColumns('session', deps.vault.seal(channel.id, JSON.stringify(session))),
          updatedBy: actor,
        },
      });
      await appendAudit(tx, {
        actor,
        action: 'channel.reconnected',
        subject: channelAuditSubject(updated.outlet, updated.name),
        details: { channelId: updated.id, account: session.did, service: signInWith.service },
      });
      await clearReauth(tx, updated.id, actor);
      return tx.channel.findUniqueOrThrow({ where: { id: updated.id } });
    });
  } catch (err) {
    await refused(deps, actor, subject, err);
    throw err;
  }
}

function nameTaken(name: string): AppError {
  return new AppError(
    ErrorCode.ChannelConflict,
    `a bluesky channel named ${JSON.stringify(name)} exists already; choose another name`,
  );
}

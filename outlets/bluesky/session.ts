import { Agent, XRPCError } from '@atproto/api';
import type { Logger } from '../../platform/logger';
import { httpStatus } from './errors';

/** What a sign-in gives back; all four are kept, the two tokens only ever sealed. */
export interface BlueskySession {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
}

/** A channel's sign-in: the handle or DID, its app password, and the last session, if any. */
export interface StoredSignIn {
  identifier: string;
  appPassword: string;
  session: BlueskySession | null;
}

/**
 * Where a channel's secrets live (the channels table, part 2; sealed-store.ts seals them with
 * the vault). `load` answers null when the channel is not connected and throws ReauthRequired
 * when it waits for re-authorization.
 */
export interface SessionStore {
  load(): Promise<StoredSignIn | null>;
  save(session: BlueskySession): Promise<void>;
  markReauth(reason: string): Promise<void>;
}

/** The account refused the app password (or was taken down): an operator must reconnect it. */
export class ReauthRequired extends Error {
  override name = 'ReauthRequired';
}

/** The ReauthRequired behind an error, also when the XRPC client wrapped it. */
export function reauthRequiredIn(err: unknown): ReauthRequired | undefined {
  if (err instanceof ReauthRequired) return err;
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof ReauthRequired ? cause : undefined;
}

// Error names of a token the server no longer takes (expired, revoked, signed by an old key).
const TOKEN_ERRORS = ['ExpiredToken', 'InvalidToken'];
// Sign-in refusals that only an operator can fix.
const ACCOUNT_ERRORS = ['AccountTakedown', 'AccountDeactivated', 'AuthFactorTokenRequired'];

export interface SessionDeps {
  service: string;
  store: SessionStore;
  log: Logger;
  /** A fresh deadline for each server call. */
  signal: () => AbortSignal;
}

/**
 * The authenticated side of an `@atproto/api` Agent for one channel. The stored session is
 * reused; a request refused for its token (`ExpiredToken`, `InvalidToken`, 401) refreshes the
 * session once and is sent again; only a refused refresh signs in again with the app password,
 * and a refused app password marks the channel for re-authorization (ReauthRequired). One
 * renewal at a time: concurrent requests wait for it.
 */
export class AccountSession {
  private session: BlueskySession;
  private renewing: Promise<void> | undefined;
  /** Unauthenticated calls: sign-in, and refresh (which carries its own token). */
  private readonly anonymous: Agent;
  /** Authenticated calls, through this session. */
  readonly agent: Agent;

  private constructor(
    private readonly deps: SessionDeps,
    private readonly signIn: StoredSignIn,
    session: BlueskySession,
  ) {
    this.session = session;
    this.anonymous = anonymousAgent(deps);
    this.agent = new Agent({
      did: session.did,
      fetchHandler: (url, init) => this.fetchHandler(url, init),
    });
  }

  /** Opens the channel's stored session, signing in only when there is none. */
  static async open(deps: SessionDeps): Promise<AccountSession> {
    const signIn = await deps.store.load();
    if (signIn === null) throw new ReauthRequired('the Bluesky channel is not connected');
    const session = signIn.session ?? (await login(deps, signIn, anonymousAgent(deps)));
    return new AccountSession(deps, signIn, session);
  }

  get did(): string {
    return this.session.did;
  }

  private async fetchHandler(url: string, init: RequestInit): Promise<Response> {
    const used = this.session.accessJwt;
    const first = await this.send(url, init, used);
    if (!(await refusesToken(first))) return first;
    await first.body?.cancel();
    await this.renew(used);
    return this.send(url, init, this.session.accessJwt);
  }

  private send(url: string, init: RequestInit, accessJwt: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${accessJwt}`);
    return fetch(new URL(url, this.deps.service), { ...init, headers });
  }

  private async renew(staleAccessJwt: string): Promise<void> {
    if (this.session.accessJwt !== staleAccessJwt) return;
    this.renewing ??= this.refreshOrLogin().finally(() => {
      this.renewing = undefined;
    });
    await this.renewing;
  }

  private async refreshOrLogin(): Promise<void> {
    try {
      const { data } = await this.anonymous.com.atproto.server.refreshSession(undefined, {
        headers: { authorization: `Bearer ${this.session.refreshJwt}` },
        signal: this.deps.signal(),
      });
      this.session = {
        did: data.did,
        handle: data.handle,
        accessJwt: data.accessJwt,
        refreshJwt: data.refreshJwt,
      };
      await this.deps.store.save(this.session);
      this.deps.log.info({ did: data.did }, 'Bluesky session refreshed');
    } catch (err) {
      if (!isTokenRefusal(err)) throw err;
      this.deps.log.info({ did: this.session.did }, 'Bluesky refresh refused; signing in again');
      this.session = await login(this.deps, this.signIn, this.anonymous);
    }
  }
}

async function login(deps: SessionDeps, signIn: StoredSignIn, anonymous: Agent) {
  try {
    const { data } = await anonymous.com.atproto.server.createSession(
      { identifier: signIn.identifier, password: signIn.appPassword },
      { signal: deps.signal() },
    );
    const session: BlueskySession = {
      did: data.did,
      handle: data.handle,
      accessJwt: data.accessJwt,
      refreshJwt: data.refreshJwt,
    };
    await deps.store.save(session);
    deps.log.info({ did: data.did }, 'Bluesky channel signed in with its app password');
    return session;
  } catch (err) {
    if (!(err instanceof XRPCError)) throw err;
    const refused = httpStatus(err) === 401 || ACCOUNT_ERRORS.includes(err.error);
    if (!refused) throw err;
    const reason = `Bluesky refused the app password for ${signIn.identifier} (${err.error})`;
    await deps.store.markReauth(reason);
    throw new ReauthRequired(reason);
  }
}

function anonymousAgent(deps: SessionDeps): Agent {
  return new Agent({ service: deps.service });
}

function isTokenRefusal(err: unknown): boolean {
  return (
    err instanceof XRPCError &&
    (httpStatus(err) === 401 || TOKEN_ERRORS.includes(err.error) || err.error === 'InvalidDID')
  );
}

/** 401, or 400 with an expired or invalid token (what the PDS answers for a stale access JWT). */
async function refusesToken(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (response.status !== 400) return false;
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return typeof body.error === 'string' && TOKEN_ERRORS.includes(body.error);
  } catch {
    return false;
  }
}

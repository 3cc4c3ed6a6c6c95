// Shared set-up of the Bluesky outlet tests: the outlet, a channel whose secrets rest sealed in
// an in-test holder (the channels table comes in part 2), and a log that can be searched.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createBlueskyOutlet,
  sealedSessionStore,
  sealSignIn,
  type BlueskyChannel,
  type BlueskyInput,
  type BlueskyOutlet,
  type BlueskyPayload,
  type BlueskySession,
  type SealedSignIn,
  type SealedSignInHolder,
} from '../../../outlets/bluesky';
import type { ChannelSession } from '../../../outlets/outlet-v2';
import { createVault, type Vault } from '../../../platform/crypto/vault';
import { createLogger, type Logger } from '../../../platform/logger';
import type { TestAccount } from '../../helpers/bluesky-network';

export const vault: Vault = createVault({
  currentKeyId: 'test',
  currentKey: randomBytes(32).toString('base64'),
  oldKeys: [],
});

/** Everything the outlets of a test file logged, one JSON line each. */
export const logLines: string[] = [];
export const log: Logger = createLogger({
  name: 'bluesky-test',
  level: 'debug',
  destination: { write: (line: string) => logLines.push(line) },
});

/** Image bytes by content address, as the media store will hand them over. */
export const media = new Map<string, Uint8Array>();

export function testOutlet(options: { timeoutMs?: number } = {}): BlueskyOutlet {
  return createBlueskyOutlet({
    log,
    media: {
      read: async (mediaId) => {
        const bytes = media.get(mediaId);
        if (!bytes) throw new Error(`no media ${mediaId}`);
        return bytes;
      },
    },
    ...options,
  });
}

export interface MemoryHolder extends SealedSignInHolder {
  current(): SealedSignIn | null;
  /** Every sealed value ever written, to check that no secret rests in clear. */
  readonly written: unknown[];
}

export function memoryHolder(initial: SealedSignIn | null): MemoryHolder {
  let held = initial;
  const written: unknown[] = [initial];
  const update = (change: Partial<SealedSignIn>) => {
    if (held === null) throw new Error('no channel to update');
    held = { ...held, ...change };
    written.push(change);
  };
  return {
    written,
    current: () => held,
    read: async () => held,
    writeSession: async (session) => update({ session }),
    writeReauth: async (reason) => update({ reauthReason: reason }),
  };
}

export interface TestChannel {
  id: string;
  channel: BlueskyChannel;
  holder: MemoryHolder;
  /** The session as stored, opened with the vault (null before the first sign-in). */
  storedSession(): BlueskySession | null;
  /** Replaces the stored session (sealed), e.g. with expired tokens. */
  storeSession(session: BlueskySession): Promise<void>;
}

export function testChannel(
  serviceUrl: string,
  account: TestAccount,
  options: { appPassword?: string } = {},
): TestChannel {
  const id = `channel-${randomUUID()}`;
  const holder = memoryHolder(
    sealSignIn(vault, id, {
      identifier: account.handle,
      appPassword: options.appPassword ?? account.appPassword,
    }),
  );
  const store = sealedSessionStore({ vault, ownerId: id, holder, log });
  return {
    id,
    channel: { service: serviceUrl, store },
    holder,
    storedSession() {
      const sealed = holder.current()?.session;
      return sealed ? (JSON.parse(vault.open(id, sealed)) as BlueskySession) : null;
    },
    storeSession: (session) => holder.writeSession(vault.seal(id, JSON.stringify(session))),
  };
}

export function input(body: string, overrides: Partial<BlueskyInput> = {}): BlueskyInput {
  return { body, sanitize: true, language: 'en', images: [], ...overrides };
}

/** Renders for the channel, failing the test on any issue. */
export async function payloadFor(
  outlet: BlueskyOutlet,
  channel: TestChannel,
  body: string,
  overrides: Partial<BlueskyInput> = {},
): Promise<BlueskyPayload> {
  const rendered = await outlet.render(input(body, overrides), channel.channel);
  if (!rendered.ok) throw new Error(`render refused: ${JSON.stringify(rendered.issues)}`);
  return rendered.post.payload;
}

export async function openSession(
  outlet: BlueskyOutlet,
  channel: TestChannel,
): Promise<ChannelSession<BlueskyPayload>> {
  const opened = await outlet.open(channel.channel);
  if (!opened.ok) throw new Error(`open refused: ${opened.message}`);
  return opened.session;
}

/** A text no other test writes, so records can be told apart. */
export function marker(prefix: string): string {
  return `${prefix} ${randomUUID().slice(0, 8)}`;
}

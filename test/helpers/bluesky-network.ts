// The reference Bluesky stack for tests: a PLC directory and a PDS (`@atproto/dev-env`'s
// TestNetworkNoAppView, fully offline), with an XRPC fault proxy in front of the PDS. Starting it
// loads a few seconds of modules and ~250 MiB: once per test file.
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AtpAgent } from '@atproto/api';
// The module alone, not the package index: that one also loads the AppView, Ozone and Bsync
// (a third more start-up on a busy machine). dev-env is pinned, so the path is stable.
import { TestNetworkNoAppView } from '@atproto/dev-env/dist/network-no-appview';
import { startXrpcFaultProxy, type XrpcFaultProxy } from './xrpc-fault-proxy';

export interface TestAccount {
  did: string;
  handle: string;
  /** An app password (`xxxx-xxxx-xxxx-xxxx`), what an operator gives Stargue. */
  appPassword: string;
  /** The account's main password, for the harness only. */
  password: string;
}

export interface BlueskyNetwork {
  /** The PDS itself; tests read back through it, around the proxy. */
  readonly pdsUrl: string;
  /** What the outlet talks to: the fault proxy in front of the PDS. */
  readonly serviceUrl: string;
  readonly proxy: XrpcFaultProxy;
  createAccount(name: string): Promise<TestAccount>;
  /** The record's value at that key, straight from the PDS; null when there is none. */
  readRecord(
    did: string,
    collection: string,
    rkey: string,
  ): Promise<Record<string, unknown> | null>;
  /** A blob's bytes, straight from the PDS. */
  readBlob(did: string, cid: string): Promise<Uint8Array>;
  /** Every post record of the account, straight from the PDS. */
  listPosts(did: string): Promise<{ uri: string; cid: string; value: Record<string, unknown> }[]>;
  /** The same access token, expired an hour ago and signed with the PDS's key. */
  expire(accessJwt: string): string;
  revokeAppPasswords(account: TestAccount): Promise<void>;
  /** Another app password for the account, as its owner would make one to reconnect. */
  newAppPassword(account: TestAccount): Promise<string>;
  close(): Promise<void>;
}

export async function startBlueskyNetwork(): Promise<BlueskyNetwork> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stargue-pds-'));
  // dev-env writes to os.tmpdir() besides the directories given to it.
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  let network: TestNetworkNoAppView;
  try {
    await mkdir(path.join(dir, 'data'));
    network = await TestNetworkNoAppView.create({
      pds: {
        dataDirectory: path.join(dir, 'data'),
        blobstoreDiskLocation: path.join(dir, 'blobs'),
      },
    });
  } catch (err) {
    restoreTmp(previousTmp);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const proxy = await startXrpcFaultProxy(network.pds.url);
  const pds = new AtpAgent({ service: network.pds.url });
  const jwtKey = network.pds.jwtSecretKey();

  return {
    pdsUrl: network.pds.url,
    serviceUrl: proxy.url,
    proxy,
    async createAccount(name) {
      const handle = `${name}.test`;
      const password = `main-password-${name}`;
      const agent = new AtpAgent({ service: network.pds.url });
      await agent.createAccount({ handle, password, email: `${name}@example.com` });
      const created = await agent.com.atproto.server.createAppPassword({ name: 'stargue' });
      return { did: agent.assertDid, handle, appPassword: created.data.password, password };
    },
    async readRecord(did, collection, rkey) {
      try {
        const { data } = await pds.com.atproto.repo.getRecord({ repo: did, collection, rkey });
        return data.value;
      } catch (err) {
        if ((err as { error?: string }).error === 'RecordNotFound') return null;
        throw err;
      }
    },
    async readBlob(did, cid) {
      const url = new URL('/xrpc/com.atproto.sync.getBlob', network.pds.url);
      url.search = new URLSearchParams({ did, cid }).toString();
      const response = await fetch(url);
      if (!response.ok) throw new Error(`getBlob answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    async listPosts(did) {
      const { data } = await pds.com.atproto.repo.listRecords({
        repo: did,
        collection: 'app.bsky.feed.post',
        limit: 100,
      });
      return data.records.map((r) => ({ uri: r.uri, cid: r.cid, value: r.value }));
    },
    expire(accessJwt) {
      const [header, payload] = accessJwt.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const now = Math.floor(Date.now() / 1000);
      const expired = Buffer.from(
        JSON.stringify({ ...claims, iat: now - 7200, exp: now - 3600 }),
      ).toString('base64url');
      const signature = createHmac('sha256', jwtKey)
        .update(`${header}.${expired}`)
        .digest('base64url');
      return `${header}.${expired}.${signature}`;
    },
    async revokeAppPasswords(account) {
      const agent = new AtpAgent({ service: network.pds.url });
      await agent.login({ identifier: account.handle, password: account.password });
      const { data } = await agent.com.atproto.server.listAppPasswords();
      for (const appPassword of data.passwords) {
        await agent.com.atproto.server.revokeAppPassword({ name: appPassword.name });
      }
    },
    async newAppPassword(account) {
      const agent = new AtpAgent({ service: network.pds.url });
      await agent.login({ identifier: account.handle, password: account.password });
      const { data } = await agent.com.atproto.server.createAppPassword({
        name: `stargue-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      });
      return data.password;
    },
    async close() {
      await proxy.close();
      await network.close();
      restoreTmp(previousTmp);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function restoreTmp(previous: string | undefined): void {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
}

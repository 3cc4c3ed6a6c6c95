// /v1/channels through app.inject on the real stack, with Bluesky accounts on the reference PDS
// (behind the fault proxy, which counts sign-ins): connect with a good and a bad app password,
// reconnect, change, list by role; and no app password or session token anywhere it should not be.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { blueskyChannelFor } from '../../channels/bluesky';
import { markReauthRequired } from '../../channels/manage';
import { BLUESKY_POST_COLLECTION } from '../../contracts/bluesky';
import { createBlueskyOutlet, type BlueskySession } from '../../outlets/bluesky';
import { vaultFrom } from '../../platform/crypto/keyring';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import {
  startBlueskyNetwork,
  type BlueskyNetwork,
  type TestAccount,
} from '../helpers/bluesky-network';
import { startStack, type Stack } from '../helpers/stack';
import { captureLogs } from '../outlets/linkedin/pipeline';

const run = promisify(execFile);
const CHANNEL_KEYS = [
  'account',
  'accessExpiresAt',
  'createdAt',
  'createdBy',
  'default',
  'disabled',
  'disabledAt',
  'displayName',
  'handle',
  'kind',
  'name',
  'outlet',
  'rateLimitedUntil',
  'reauthReason',
  'service',
  'status',
  'updatedAt',
  'updatedBy',
].sort();

interface ChannelBody {
  outlet: string;
  name: string;
  default: boolean;
  disabled: boolean;
  status: string;
  kind: string;
  account: string;
  handle: string | null;
  service: string | null;
  reauthReason: string | null;
}

describe('/v1/channels with Bluesky accounts on the reference PDS', () => {
  const logs = captureLogs('stargue', 'trace');
  let stack: Stack;
  let network: BlueskyNetwork;
  let app: FastifyInstance;
  let keys: Keys;
  let alice: TestAccount;
  let bob: TestAccount;
  /** Every response body, to look for secrets in. */
  const bodies: string[] = [];
  /** Secrets that must never leave the vault: app passwords and session tokens. */
  const secrets = new Map<string, string>();

  const call = async (method: string, url: string, key: string, payload?: object) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: bearer(key),
      ...(payload ? { payload } : {}),
    });
    bodies.push(response.body);
    return response;
  };
  const list = async (key: string) =>
    (await call('GET', '/v1/channels', key)).json<{ items: ChannelBody[] }>().items;
  const rowOf = (name: string) =>
    stack.db.channel.findUniqueOrThrow({ where: { outlet_name: { outlet: 'bluesky', name } } });
  const storedSession = async (name: string): Promise<BlueskySession> => {
    const row = await rowOf(name);
    assert.ok(row.sessionKeyId && row.sessionNonce && row.sessionCiphertext, 'a sealed session');
    return JSON.parse(
      vaultFrom(stack.config).open(row.id, {
        keyId: row.sessionKeyId,
        nonce: row.sessionNonce,
        ciphertext: row.sessionCiphertext,
      }),
    ) as BlueskySession;
  };
  /** The channel as the worker opens it: its row, through the runtime role. */
  const openChannel = async (id: string) => {
    const found = await blueskyChannelFor(
      { db: stack.appDb, vault: vaultFrom(stack.config), log: logs.log },
      id,
    );
    assert.ok(found, 'a Bluesky channel');
    return outlet().open(found.channel);
  };
  const outlet = () =>
    createBlueskyOutlet({
      log: logs.log,
      media: { read: () => Promise.reject(new Error('no media in these tests')) },
    });

  before(async () => {
    stack = await startStack();
    network = await startBlueskyNetwork();
    alice = await network.createAccount('alice');
    bob = await network.createAccount('bob');
    app = await buildTestApp(stack, {
      log: logs.log,
      bluesky: { defaultService: network.serviceUrl, timeoutMs: 10_000 },
    });
    keys = await createKeys(stack);
    secrets.set('alice app password', alice.appPassword);
    secrets.set('bob app password', bob.appPassword);
    secrets.set('bob account password', bob.password);
    for (const [role, key] of Object.entries(keys)) secrets.set(`${role} API key`, key);
  });
  after(async () => {
    await app?.close();
    await network?.close();
    await stack?.close();
  });

  it('when the app password is wrong, then 422 names the problem, no sign-in is kept and nothing is stored', async () => {
    const before = await stack.db.channel.count();
    const response = await call('POST', '/v1/channels', keys.operator, {
      outlet: 'bluesky',
      identifier: alice.handle,
      appPassword: 'aaaa-bbbb-cccc-dddd',
    });
    assert.equal(response.statusCode, 422, response.body);
    const body = response.json<{
      error: string;
      message: string;
      issues: { path: string; code: string }[];
    }>();
    assert.equal(body.error, 'VALIDATION_FAILED');
    assert.match(
      body.message,
      /Bluesky refused the identifier or app password; nothing was stored/,
    );
    assert.deepEqual(
      body.issues.map((i) => [i.path, i.code]),
      [['body.appPassword', 'SIGN_IN_REFUSED']],
    );
    assert.equal(await stack.db.channel.count(), before);
    assert.ok(
      await stack.db.audit.findFirst({
        where: { action: 'channel.connect_refused', subject: `channel:bluesky:${alice.handle}` },
      }),
      'the refusal is audited',
    );
  });

  it('when the app password is good, then one sign-in, the channel is stored sealed and its session publishes without signing in again', async () => {
    const signIns = network.proxy.mark();
    const response = await call('POST', '/v1/channels', keys.operator, {
      outlet: 'bluesky',
      identifier: alice.handle,
      appPassword: alice.appPassword,
      service: `${network.serviceUrl}/`,
    });
    assert.equal(response.statusCode, 201, response.body);
    const view = response.json<ChannelBody>();
    assert.deepEqual(Object.keys(view).sort(), CHANNEL_KEYS, 'exactly the documented fields');
    assert.equal(view.name, 'alice.test', 'named after the handle');
    assert.equal(view.kind, 'account');
    assert.equal(view.account, alice.did);
    assert.equal(view.handle, 'alice.test');
    assert.equal(view.service, network.serviceUrl, 'stored as an origin');
    assert.equal(view.default, true, "Bluesky's first channel is its default");
    assert.equal(view.status, 'active');
    assert.equal(network.proxy.count('com.atproto.server.createSession', signIns), 1);

    const row = await rowOf('alice.test');
    const vault = vaultFrom(stack.config);
    assert.equal(
      vault.open(row.id, {
        keyId: row.passwordKeyId ?? '',
        nonce: row.passwordNonce ?? new Uint8Array(),
        ciphertext: row.passwordCiphertext ?? new Uint8Array(),
      }),
      alice.appPassword,
    );
    const session = await storedSession('alice.test');
    assert.equal(session.did, alice.did);
    secrets.set('alice access JWT', session.accessJwt);
    secrets.set('alice refresh JWT', session.refreshJwt);

    // The worker's path: the channel's stored session, no second sign-in.
    const found = await blueskyChannelFor({ db: stack.appDb, vault, log: logs.log }, row.id);
    assert.ok(found);
    const bluesky = outlet();
    const opened = await bluesky.open(found.channel);
    assert.ok(opened.ok, opened.ok ? '' : opened.message);
    const key = bluesky.newPublicationKey();
    const rendered = await bluesky.render(
      { body: 'Hello from a channel', sanitize: true, language: 'en', images: [] },
      found.channel,
    );
    assert.ok(rendered.ok);
    const created = await opened.session.create(key, rendered.post.payload);
    assert.equal(created.kind, 'created', JSON.stringify(created));
    const record = await network.readRecord(alice.did, BLUESKY_POST_COLLECTION, key);
    assert.equal(record?.text, 'Hello from a channel');
    assert.equal(network.proxy.count('com.atproto.server.createSession', signIns), 1);
  });

  it('when the account or the name is already a channel, then 409 and nothing more is stored', async () => {
    const before = await stack.db.channel.count();
    const again = await call('POST', '/v1/channels', keys.operator, {
      outlet: 'bluesky',
      name: 'alice-again',
      identifier: alice.handle,
      appPassword: alice.appPassword,
    });
    assert.equal(again.statusCode, 409, again.body);
    assert.match(
      again.json<{ message: string }>().message,
      /already connected as Bluesky channel alice\.test/,
    );
    const taken = await call('POST', '/v1/channels', keys.operator, {
      outlet: 'bluesky',
      name: 'alice.test',
      identifier: bob.handle,
      appPassword: bob.appPassword,
    });
    assert.equal(taken.statusCode, 409, taken.body);
    assert.equal(await stack.db.channel.count(), before);
  });

  it('when Bluesky cannot be reached, then 502 and nothing is stored', async () => {
    const before = await stack.db.channel.count();
    const response = await call('POST', '/v1/channels', keys.operator, {
      outlet: 'bluesky',
      identifier: bob.handle,
      appPassword: bob.appPassword,
      service: 'http://127.0.0.1:1',
    });
    assert.equal(response.statusCode, 502, response.body);
    assert.equal(response.json<{ error: string }>().error, 'OUTLET_UNAVAILABLE');
    assert.equal(await stack.db.channel.count(), before);
  });

  it('when the body is not a Bluesky connection, then 422 naming the field, before any sign-in', async () => {
    const signIns = network.proxy.mark();
    for (const payload of [
      { outlet: 'linkedin', identifier: bob.handle, appPassword: bob.appPassword },
      { outlet: 'bluesky', identifier: bob.handle, appPassword: bob.password },
      {
        outlet: 'bluesky',
        identifier: bob.handle,
        appPassword: bob.appPassword,
        service: 'http://example.com',
      },
      { outlet: 'bluesky', identifier: bob.handle, appPassword: bob.appPassword, name: 'Bob!' },
    ]) {
      const response = await call('POST', '/v1/channels', keys.operator, payload);
      assert.equal(response.statusCode, 422, response.body);
      assert.ok(!response.body.includes(bob.password), 'the refused password is not echoed');
    }
    assert.equal(network.proxy.count('com.atproto.server.createSession', signIns), 0);
  });

  it('when editors and integrations list channels, then they see every channel without secrets, and may change none', async () => {
    await call('POST', '/v1/channels', keys.operator, {
      outlet: 'bluesky',
      name: 'bob',
      displayName: 'Bob the builder',
      identifier: bob.did,
      appPassword: bob.appPassword,
    });
    for (const role of ['integration', 'editor', 'operator'] as const) {
      const items = await list(keys[role]);
      assert.deepEqual(
        items.map((c) => `${c.outlet}:${c.name}`),
        ['bluesky:alice.test', 'bluesky:bob', 'linkedin:ada-editor'],
        role,
      );
      for (const item of items) assert.deepEqual(Object.keys(item).sort(), CHANNEL_KEYS);
    }
    const linkedin = (await list(keys.editor)).find((c) => c.outlet === 'linkedin');
    assert.equal(linkedin?.kind, 'member');
    assert.equal(linkedin?.default, true);
    assert.equal(linkedin?.account, `urn:li:person:${stack.standIn.member.sub}`);
    for (const role of ['integration', 'editor'] as const) {
      const patch = await call('PATCH', '/v1/channels/bluesky/bob', keys[role], { disabled: true });
      assert.equal(patch.statusCode, 403, role);
      const create = await call('POST', '/v1/channels', keys[role], {
        outlet: 'bluesky',
        identifier: bob.handle,
        appPassword: bob.appPassword,
      });
      assert.equal(create.statusCode, 403, role);
    }
  });

  it('when an operator renames, disables, re-enables and makes a channel the default, then each shows and is audited', async () => {
    const renamed = await call('PATCH', '/v1/channels/bluesky/bob', keys.operator, {
      name: 'bob.test',
      displayName: 'Bob',
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json<ChannelBody>().name, 'bob.test');
    const disabled = await call('PATCH', '/v1/channels/bluesky/bob.test', keys.operator, {
      disabled: true,
    });
    assert.equal(disabled.json<ChannelBody>().disabled, true);
    const refused = await call('PATCH', '/v1/channels/bluesky/bob.test', keys.operator, {
      default: true,
    });
    assert.equal(refused.statusCode, 409, refused.body);
    const enabledDefault = await call('PATCH', '/v1/channels/bluesky/bob.test', keys.operator, {
      disabled: false,
      default: true,
    });
    assert.equal(enabledDefault.statusCode, 200, enabledDefault.body);
    const items = await list(keys.editor);
    assert.deepEqual(
      items.filter((c) => c.outlet === 'bluesky').map((c) => [c.name, c.default, c.disabled]),
      [
        ['alice.test', false, false],
        ['bob.test', true, false],
      ],
    );
    const audit = await call(
      'GET',
      '/v1/audit?subject=channel:bluesky:bob.test&limit=20',
      keys.operator,
    );
    assert.equal(audit.statusCode, 200, audit.body);
    const actions = audit.json<{ items: { action: string }[] }>().items.map((a) => a.action);
    for (const action of [
      'channel.renamed',
      'channel.display_name_changed',
      'channel.disabled',
      'channel.enabled',
      'channel.default_set',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    const missing = await call('PATCH', '/v1/channels/bluesky/nobody', keys.operator, {
      disabled: true,
    });
    assert.equal(missing.statusCode, 404);
    const unknownField = await call('PATCH', '/v1/channels/bluesky/bob.test', keys.operator, {
      password: 'x',
    });
    assert.equal(unknownField.statusCode, 422);
  });

  it('when a channel waiting for re-authorization gets a new app password, then it is active again with its name and history', async () => {
    const row = await rowOf('alice.test');
    await network.revokeAppPasswords(alice);
    await markReauthRequired(
      stack.appDb,
      row.id,
      'Bluesky refused the app password for alice.test (AuthenticationRequired)',
    );
    const waiting = (await list(keys.editor)).find((c) => c.name === 'alice.test');
    assert.equal(waiting?.status, 'reauth_required');
    assert.match(waiting?.reauthReason ?? '', /refused the app password/);
    const opened = await openChannel(row.id);
    assert.equal(opened.ok, false, 'a waiting channel does not open');

    const wrongAccount = await call(
      'PUT',
      '/v1/channels/bluesky/alice.test/credentials',
      keys.operator,
      {
        identifier: bob.handle,
        appPassword: bob.appPassword,
      },
    );
    assert.equal(wrongAccount.statusCode, 409, wrongAccount.body);

    const fresh = await network.newAppPassword(alice);
    secrets.set('alice new app password', fresh);
    const response = await call(
      'PUT',
      '/v1/channels/bluesky/alice.test/credentials',
      keys.operator,
      {
        appPassword: fresh,
      },
    );
    assert.equal(response.statusCode, 200, response.body);
    const view = response.json<ChannelBody>();
    assert.equal(view.status, 'active');
    assert.equal(view.reauthReason, null);
    const after = await rowOf('alice.test');
    assert.equal(after.id, row.id);
    assert.equal(after.createdAt.getTime(), row.createdAt.getTime());
    const session = await storedSession('alice.test');
    secrets.set('alice new access JWT', session.accessJwt);
    secrets.set('alice new refresh JWT', session.refreshJwt);
    const reopened = await openChannel(row.id);
    assert.ok(reopened.ok, 'it opens again');
    const actions = (
      await stack.db.audit.findMany({ where: { subject: 'channel:bluesky:alice.test' } })
    ).map((a) => a.action);
    assert.ok(actions.includes('channel.reconnected'));
    assert.ok(actions.includes('channel.reauth_cleared'));

    const linkedin = await call(
      'PUT',
      '/v1/channels/linkedin/ada-editor/credentials',
      keys.operator,
      {
        appPassword: fresh,
      },
    );
    assert.equal(linkedin.statusCode, 422, 'LinkedIn reconnects through OAuth');
  });

  it('when everything above is done, then no app password or session token is in a response, a log line, the audit or a database dump', async () => {
    assert.ok(secrets.size >= 8);
    const found = (haystack: string) =>
      [...secrets].filter(([, value]) => haystack.includes(value)).map(([name]) => name);
    assert.deepEqual(found(bodies.join('\n')), [], 'responses');
    const text = logs.text();
    // The requests that carried app passwords were logged (their access lines), without them.
    const carried = logs
      .requests()
      .filter((r) => r.url?.startsWith('/v1/channels'))
      .map((r) => `${r.method} ${r.url}`);
    assert.ok(
      carried.includes('POST /v1/channels') &&
        carried.some((request) => /^PUT \/v1\/channels\/.+\/credentials$/.test(request)),
      JSON.stringify(carried),
    );
    assert.deepEqual(found(text), [], 'logs');
    const audit = JSON.stringify(
      await stack.db.audit.findMany({ where: { subject: { startsWith: 'channel:' } } }),
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    assert.deepEqual(found(audit), [], 'audit');
    const { stdout } = await run('pg_dump', ['--data-only', '--dbname', stack.ownerDatabaseUrl], {
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(stdout.includes(alice.did), 'the dump holds the channels');
    assert.deepEqual(
      [...secrets]
        .filter(([name, value]) => !name.endsWith('API key') && stdout.includes(value))
        .map(([n]) => n),
      [],
      'database',
    );
  });
});

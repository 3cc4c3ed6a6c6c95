// RELIABILITY.md W1 and W3: the worker process is SIGKILLed at an exact step of a publish, a
// fresh production worker takes over, and the item is published exactly once. (W2 — killed while
// LinkedIn holds the request, which then commits — is test/workflows/worker-crash.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { vaultFrom } from '../../platform/crypto/keyring';
import { saveAccount } from '../../outlets/linkedin/accounts';
import { startStack, type Stack } from '../helpers/stack';
import { waitForExit } from '../helpers/worker-process';
import { approve, createRequestsSince, reaches, submitItem } from '../outlets/linkedin/pipeline';
import {
  assertInvariants,
  endWorker,
  postsFor,
  sentinelSecrets,
  spawnDrillWorker,
  waitForLine,
  workerRunning,
  type WorkerChild,
} from './support/drill';

const SCOPES = ['openid', 'profile', 'w_member_social'];

describe('worker SIGKILLed mid-publish (W1, W3)', () => {
  let stack: Stack;
  let secrets: Map<string, string>;
  const children: WorkerChild[] = [];
  const logs = () => children.map((c) => c.output()).join('\n');

  before(async () => {
    stack = await startStack({ scopes: SCOPES });
    secrets = await sentinelSecrets(stack);
  });
  after(async () => {
    for (const child of children) await endWorker(child);
    await stack.close();
  });

  const start = async (hooks: Parameters<typeof spawnDrillWorker>[1]) => {
    const child = spawnDrillWorker(stack, hooks);
    children.push(child);
    await workerRunning(child);
    return child;
  };

  it('W1: when the worker dies after `sending` commits but before the request leaves, then the next worker re-sends and publishes once', async () => {
    const doomed = await start({ hook: 'before_send' });
    const item = await submitItem(stack, 'w1');
    const since = Date.now();
    await approve(stack, item.id);
    await waitForLine(doomed, /DRILL_HOOK before_send/);
    const row = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.equal(row.state, 'sending', '`sending` is committed before the call');
    assert.equal((await createRequestsSince(stack, since)).length, 0, 'nothing reached LinkedIn');
    doomed.kill('SIGKILL');
    await waitForExit(doomed);

    const survivor = await start(null);
    const done = await reaches(stack, item.id, 'published', 90_000);
    const posts = await postsFor(stack, item.marker);
    assert.equal(posts.length, 1);
    assert.equal(done.publications[0]?.postUrn, posts[0]?.urn);
    const confirmed = await stack.db.publication.findFirstOrThrow({
      where: { contentId: item.id },
    });
    assert.equal(confirmed.state, 'confirmed');
    assert.equal(confirmed.resolution, 'created', 'the first request never landed');
    assert.equal((await createRequestsSince(stack, since)).length, 1);
    await endWorker(survivor, 'SIGTERM');
    await assertInvariants(stack, [{ marker: item.marker, posts: 'one' }], {
      text: logs(),
      secrets,
    });
  });

  it('W3: when the worker dies right after LinkedIn answered 201, before recording it, then the URN is adopted and there is one post', async () => {
    const doomed = await start({ hook: 'after_create' });
    const item = await submitItem(stack, 'w3');
    const since = Date.now();
    await approve(stack, item.id);
    const line = await waitForLine(doomed, /DRILL_HOOK after_create/);
    const urn = line.split(' ')[2] ?? '';
    assert.match(urn, /^urn:li:share:/);
    const row = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.equal(row.state, 'sending', 'the 201 was never recorded');
    doomed.kill('SIGKILL');
    await waitForExit(doomed);

    const survivor = await start(null);
    const done = await reaches(stack, item.id, 'published', 90_000);
    assert.equal(done.publications[0]?.postUrn, urn, 'the URN of the first create');
    const confirmed = await stack.db.publication.findFirstOrThrow({
      where: { contentId: item.id },
    });
    assert.equal(confirmed.postUrn, urn);
    assert.equal(confirmed.resolution, 'adopted_duplicate');
    assert.deepEqual(
      (await postsFor(stack, item.marker)).map((p) => p.urn),
      [urn],
    );
    // The re-send is answered 422 duplicate; the ledger holds the one post.
    assert.equal((await createRequestsSince(stack, since)).length, 2);
    await endWorker(survivor, 'SIGTERM');
    await assertInvariants(stack, [{ marker: item.marker, posts: 'one' }], {
      text: logs(),
      secrets,
    });
  });

  // Last: resetting the stand-in forgets its tokens and posts, so the account is reconnected.
  it('W1 via the stand-in: when the worker dies while LinkedIn holds the request and the request is then dropped uncommitted, then the next worker publishes once', async () => {
    const doomed = await start(null);
    const item = await submitItem(stack, 'w1hold');
    await stack.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    await approve(stack, item.id);
    await stack.standIn.waitForHeldRequest(60_000);
    doomed.kill('SIGKILL');
    await waitForExit(doomed);
    // Held requests are dropped without committing (holds.ts dropAll); tokens go too.
    await stack.standIn.reset();
    assert.equal((await postsFor(stack, item.marker)).length, 0);
    const token = await stack.standIn.issueToken({ scopes: SCOPES });
    await saveAccount(stack.db, vaultFrom(stack.config), {
      sub: stack.standIn.member.sub,
      name: stack.standIn.member.name,
      tokens: { accessToken: token.accessToken, expiresInSeconds: 3600, scopes: SCOPES },
      connectedBy: 'drill',
    });
    secrets.set('reconnected access token', token.accessToken);

    const survivor = await start(null);
    await reaches(stack, item.id, 'published', 90_000);
    const confirmed = await stack.db.publication.findFirstOrThrow({
      where: { contentId: item.id },
    });
    assert.equal(confirmed.resolution, 'created');
    await endWorker(survivor, 'SIGTERM');
    await assertInvariants(stack, [{ marker: item.marker, posts: 'one' }], {
      text: logs(),
      secrets,
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLinkedInClient, type CreatePostOutcome } from '../../../outlets/linkedin';
import { clientConfig, shareToken, startHarness, type Harness } from './stand-in-setup';

describe('createPost when LinkedIn misbehaves', () => {
  let harness: Harness;
  let token: string;
  before(async () => {
    harness = await startHarness();
  });
  beforeEach(async () => {
    await harness.standIn.reset();
    token = await shareToken(harness.standIn);
  });
  after(() => harness.standIn.close());

  const create = (commentary: string, timeoutMs?: number) => {
    const client =
      timeoutMs === undefined
        ? harness.client
        : createLinkedInClient(clientConfig(harness.standIn, { requestTimeoutMs: timeoutMs }));
    return client.createPost({ accessToken: token, author: harness.author, commentary });
  };
  const ledgerSize = async () => (await harness.standIn.ledger()).length;
  const onlyUrn = async () => {
    const posts = await harness.standIn.ledger();
    assert.equal(posts.length, 1, 'exactly one post at LinkedIn');
    return posts[0]?.urn ?? '';
  };

  it('when rate limited without Retry-After, then nothing is created and no delay is invented', async () => {
    await harness.standIn.injectFault({ type: 'rate_limited' });
    assert.deepEqual(await create('limited'), { kind: 'rate_limited' });
    assert.equal(await ledgerSize(), 0);
  });

  it('when rate limited with Retry-After seconds or a date, then the delay is reported', async () => {
    await harness.standIn.injectFault({ type: 'rate_limited', retryAfter: '7' });
    assert.deepEqual(await create('limited'), { kind: 'rate_limited', retryAfterMs: 7000 });

    const date = new Date(Date.now() + 30_000).toUTCString();
    await harness.standIn.injectFault({ type: 'rate_limited', retryAfter: date });
    const outcome = await create('limited');
    const delay = outcome.kind === 'rate_limited' ? (outcome.retryAfterMs ?? -1) : -1;
    assert.ok(delay > 25_000 && delay <= 30_000, `retryAfterMs ${delay}`);
  });

  it('when LinkedIn fails with 5xx before creating, then the outcome is unknown and a re-send creates', async () => {
    await harness.standIn.injectFault({ type: 'server_error', status: 504 });
    const outcome = await create('gateway timeout');
    assert.equal(
      outcome.kind === 'unknown' && `${outcome.reason} ${outcome.status}`,
      'server_error 504',
    );
    assert.equal(await ledgerSize(), 0);
    assert.equal((await create('gateway timeout')).kind, 'created');
  });

  it('when LinkedIn creates and then fails with 500, then a re-send is answered duplicate', async () => {
    await harness.standIn.injectFault({ type: 'server_error_after_create' });
    const outcome = await create('created then 500');
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'server_error');
    const urn = await onlyUrn();
    assert.deepEqual(await create('created then 500'), { kind: 'duplicate', urn });
    assert.equal(await ledgerSize(), 1);
  });

  it('when the connection resets after the create, then the outcome is unknown and a re-send adopts the post', async () => {
    await harness.standIn.injectFault({ type: 'reset_after_create' });
    const first = await create('the key exactly-once case');
    assert.equal(first.kind === 'unknown' && first.reason, 'network');
    const urn = await onlyUrn();
    assert.deepEqual(await create('the key exactly-once case'), { kind: 'duplicate', urn });
    assert.equal(await ledgerSize(), 1);
  });

  it('when the connection resets before the create, then a re-send creates the only post', async () => {
    await harness.standIn.injectFault({ type: 'reset_before_create' });
    const first = await create('reset early');
    assert.equal(first.kind === 'unknown' && first.reason, 'network');
    assert.equal(await ledgerSize(), 0);
    assert.equal((await create('reset early')).kind, 'created');
    await onlyUrn();
  });

  it('when LinkedIn never answers, then the client deadline gives unknown/timeout', async () => {
    await harness.standIn.injectFault({ type: 'hang' });
    const started = Date.now();
    const outcome = await create('hanging', 200);
    assert.deepEqual(outcome, {
      kind: 'unknown',
      reason: 'timeout',
      snippet: 'no answer within 200 ms',
    });
    assert.ok(Date.now() - started < 1500, 'the deadline fired');
    assert.equal(await ledgerSize(), 0);
  });

  it('when LinkedIn hangs and then drops the connection, then the outcome is unknown/network', async () => {
    await harness.standIn.injectFault({ type: 'hang', ms: 50 });
    const outcome = await create('dropped');
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'network');
  });

  it('when headers arrive but the body drips past the deadline, then the outcome is unknown although the post exists', async () => {
    await harness.standIn.injectFault({ type: 'slow_drip', headersAfterMs: 20, bodyAfterMs: 1500 });
    const outcome = await create('slow drip', 300);
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'timeout');
    const urn = await onlyUrn();
    assert.deepEqual(await create('slow drip'), { kind: 'duplicate', urn });
  });

  it('when the drip finishes within the deadline, then the create is read in full', async () => {
    await harness.standIn.injectFault({ type: 'slow_drip', headersAfterMs: 20, bodyAfterMs: 80 });
    assert.equal((await create('slow but fine', 2000)).kind, 'created');
  });

  it('when the 201 has no x-restli-id, then the post is created but unnamed', async () => {
    await harness.standIn.injectFault({ type: 'no_restli_id' });
    assert.deepEqual(await create('nameless'), { kind: 'created_unnamed' });
    await onlyUrn();
  });

  it('when an HTML page comes back, then the outcome is unknown/malformed with a short snippet', async () => {
    await harness.standIn.injectFault({ type: 'malformed' });
    const outcome = await create('html');
    assert.equal(outcome.kind, 'unknown');
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'malformed');
    assert.equal(outcome.kind === 'unknown' && outcome.status, 200);
    assert.match((outcome.kind === 'unknown' && outcome.snippet) || '', /^<!DOCTYPE html>/);
    assert.equal(await ledgerSize(), 0);
  });

  it('when a 201 HTML page leaks secrets, then the snippet is redacted and truncated', async () => {
    const page = `<html><body>access_token=AQXsecretvalue Authorization: Bearer AQYbearervalue ${'padding '.repeat(100)}</body></html>`;
    await harness.standIn.injectFault({ type: 'malformed', status: 201, create: true, body: page });
    const outcome = await create('leaky');
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'malformed');
    const snippet = (outcome.kind === 'unknown' && outcome.snippet) || '';
    assert.ok(snippet.length <= 300, `snippet is ${snippet.length} characters`);
    assert.ok(!snippet.includes('AQXsecretvalue') && !snippet.includes('AQYbearervalue'), snippet);
    await onlyUrn();
  });

  it('when LinkedIn calls the token expired or revoked, then the create says which', async () => {
    await harness.standIn.injectFault({ type: 'expired_token' });
    await harness.standIn.injectFault({ type: 'revoked_token' });
    assert.deepEqual(await create('t1'), { kind: 'unauthorized', reason: 'expired' });
    assert.deepEqual(await create('t2'), { kind: 'unauthorized', reason: 'revoked' });
    assert.equal(await ledgerSize(), 0);
  });

  it('when a fault is set for several requests, then it applies that often and in order', async () => {
    await harness.standIn.injectFault({ type: 'server_error', times: 2 });
    assert.equal((await create('a')).kind, 'unknown');
    assert.equal((await harness.standIn.faults()).length, 1);
    assert.equal((await create('a')).kind, 'unknown');
    assert.deepEqual(await harness.standIn.faults(), []);
    assert.equal((await create('a')).kind, 'created');
    const faults = (await harness.standIn.requests()).map((request) => request.fault ?? 'none');
    assert.deepEqual(faults, ['server_error', 'server_error', 'none']);
  });

  it('when a fault targets another path, then creates are untouched', async () => {
    await harness.standIn.injectFault({
      type: 'server_error',
      method: 'GET',
      path: '/rest/posts/',
    });
    assert.equal((await create('unaffected')).kind, 'created');
    const reader = await shareToken(harness.standIn, ['r_member_social']);
    const read = await harness.client.getPost({ accessToken: reader, urn: await onlyUrn() });
    assert.equal(read.kind === 'unknown' && read.reason, 'server_error');
  });

  it('when LinkedIn holds the request before creating, then the post appears only on release', async () => {
    await harness.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    const pending = create('held');
    const held = await harness.standIn.waitForHeldRequest();
    assert.deepEqual(
      [held.method, held.path, held.phase],
      ['POST', '/rest/posts', 'before_create'],
    );
    assert.equal(await ledgerSize(), 0);
    assert.equal(await harness.standIn.release(held.id), 1);
    const outcome: CreatePostOutcome = await pending;
    assert.deepEqual(outcome, { kind: 'created', urn: await onlyUrn() });
  });

  it('when the caller gives up while LinkedIn holds the request, then LinkedIn still commits on release', async () => {
    await harness.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    const outcome = await create('caller died', 200);
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'timeout');
    await harness.standIn.waitForHeldRequest();
    assert.equal(await ledgerSize(), 0);
    assert.equal(await harness.standIn.release(), 1);
    const urn = await onlyUrn();
    assert.deepEqual(await create('caller died'), { kind: 'duplicate', urn });
  });

  it('when LinkedIn holds the answer after creating, then the post exists while the caller waits', async () => {
    await harness.standIn.injectFault({ type: 'hold', phase: 'after_create' });
    const pending = create('held after');
    await harness.standIn.waitForHeldRequest();
    const urn = await onlyUrn();
    await harness.standIn.release();
    assert.deepEqual(await pending, { kind: 'created', urn });
  });

  it('when the stand-in is reset while a create is held, then the create never commits', async () => {
    await harness.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    const pending = create('dropped by reset');
    await harness.standIn.waitForHeldRequest();
    await harness.standIn.reset();
    const outcome = await pending;
    assert.equal(outcome.kind === 'unknown' && outcome.reason, 'network');
    assert.deepEqual(await harness.standIn.heldRequests(), []);
    assert.equal(await ledgerSize(), 0);
  });
});

describe('closing the stand-in', () => {
  it('when requests hang or are held, then close() ends them and the caller sees a network failure', async () => {
    const harness = await startHarness();
    const token = await shareToken(harness.standIn);
    const client = createLinkedInClient(
      clientConfig(harness.standIn, { requestTimeoutMs: 10_000 }),
    );
    await harness.standIn.injectFault({ type: 'hang' });
    await harness.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    const input = { accessToken: token, author: harness.author };
    const hanging = client.createPost({ ...input, commentary: 'hang' });
    const holding = client.createPost({ ...input, commentary: 'hold' });
    await harness.standIn.waitForHeldRequest();
    const started = Date.now();
    await harness.standIn.close();
    const outcomes = await Promise.all([hanging, holding]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.kind === 'unknown' && outcome.reason),
      ['network', 'network'],
    );
    assert.ok(Date.now() - started < 2000, 'close did not wait for the faults');
    assert.equal(
      (await harness.standIn.ledger()).length,
      0,
      'a held create is not committed on close',
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PublishResolution } from '../../../contracts/workflow';
import type { FaultSpec } from '../../standin/linkedin';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import {
  approve,
  createRequestsSince,
  ledgerFor,
  reaches,
  submitItem,
  type Submitted,
} from './pipeline';

const SHARE_ONLY = ['openid', 'profile', 'w_member_social'];

/**
 * Submits, injects the faults right before approval (approval publishes at once), and checks the
 * one invariant that matters: exactly one post in the stand-in's ledger, whose URN is the one
 * recorded in `publications` and reported by the workflow.
 */
async function publishThrough(
  stack: Stack,
  faults: FaultSpec[],
  expected: PublishResolution,
  prefix: string,
): Promise<Submitted & { urn: string; since: number }> {
  const item = await submitItem(stack, prefix);
  for (const fault of faults) await stack.standIn.injectFault(fault);
  const since = Date.now();
  await approve(stack, item.id);
  const done = await reaches(stack, item.id, 'published', 60_000);

  assert.deepEqual(await stack.standIn.faults(), [], 'every injected fault was met');
  const ledger = await ledgerFor(stack, item.marker);
  assert.equal(ledger.length, 1, `exactly one post: ${JSON.stringify(ledger)}`);
  const urn = ledger[0]?.urn ?? '';
  assert.equal(ledger[0]?.commentary, item.text);

  const row = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
  assert.equal(row.state, 'confirmed');
  assert.equal(row.postUrn, urn);
  assert.equal(row.resolution, expected);
  assert.equal(row.lastError, null);

  assert.equal(done.publications.length, 1);
  assert.equal(done.publications[0]?.postUrn, urn);
  assert.equal(done.publications[0]?.resolution, expected);
  assert.equal(done.publications[0]?.url, `https://www.linkedin.com/feed/update/${urn}/`);
  assert.equal(done.halt, null);
  // The `content` row mirrors the status one activity after the workflow's own state.
  await eventually(
    async () =>
      (await stack.db.content.findFirstOrThrow({ where: { contentId: item.id } })).status ===
      'published'
        ? true
        : undefined,
    60_000,
    'content row published',
  );
  return { ...item, urn, since };
}

describe('exactly one LinkedIn post through the whole pipeline, share-only token', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ scopes: SHARE_ONLY });
    await stack.startWorker();
  });
  after(() => stack.close());

  it('when nothing goes wrong, then one post is created', async () => {
    const { since } = await publishThrough(stack, [], 'created', 'clean');
    assert.equal((await createRequestsSince(stack, since)).length, 1);
  });

  it('when LinkedIn answers 5xx after creating, then the identical re-send gets 422 duplicate and the URN is adopted', async () => {
    const { since } = await publishThrough(
      stack,
      [{ type: 'server_error_after_create', status: 500 }],
      'adopted_duplicate',
      'after5xx',
    );
    const creates = await createRequestsSince(stack, since);
    assert.deepEqual(
      creates.map((r) => r.fault ?? 'none'),
      ['server_error_after_create', 'none'],
    );
  });

  it('when LinkedIn answers 5xx twice without creating, then it is retried and then published once', async () => {
    const { since } = await publishThrough(
      stack,
      [{ type: 'server_error', status: 503, times: 2 }],
      'created',
      'twice5xx',
    );
    const creates = await createRequestsSince(stack, since);
    assert.deepEqual(
      creates.map((r) => r.fault ?? 'none'),
      ['server_error', 'server_error', 'none'],
    );
    // Backed off between tries, not a tight loop.
    const [a, b, c] = creates.map((r) => r.at);
    assert.ok((b ?? 0) - (a ?? 0) >= 1_000 && (c ?? 0) - (b ?? 0) >= 1_000);
  });

  it('when the connection is reset after the post was created, then the duplicate answer names it and it is adopted', async () => {
    await publishThrough(stack, [{ type: 'reset_after_create' }], 'adopted_duplicate', 'reset');
  });

  it('when the connection is reset before anything was created, then the re-send creates the one post', async () => {
    await publishThrough(stack, [{ type: 'reset_before_create' }], 'created', 'reset0');
  });

  it('when LinkedIn never answers, then the client deadline makes the outcome unknown and it is resolved to one post', async () => {
    const { since } = await publishThrough(stack, [{ type: 'hang' }], 'created', 'hang');
    const creates = await createRequestsSince(stack, since);
    assert.deepEqual(
      creates.map((r) => r.fault ?? 'none'),
      ['hang', 'none'],
    );
    // The stack's client gives up after 5 s (20 s in production); only then is it resolved.
    assert.ok((creates[1]?.at ?? 0) - (creates[0]?.at ?? 0) >= 5_000);
  });

  it('when LinkedIn rate-limits with Retry-After: 1, then nothing is created while limited and one post follows after the wait', async () => {
    const { id, since } = await publishThrough(
      stack,
      [{ type: 'rate_limited', retryAfter: '1' }],
      'created',
      'limited',
    );
    const creates = await createRequestsSince(stack, since);
    assert.deepEqual(
      creates.map((r) => r.fault ?? 'none'),
      ['rate_limited', 'none'],
    );
    assert.ok(
      (creates[1]?.at ?? 0) - (creates[0]?.at ?? 0) >= 1_000,
      'waited at least Retry-After',
    );
    const limited = await stack.db.audit.findFirst({
      where: { subject: id, reason: { startsWith: 'rate limited by the outlet' } },
    });
    assert.ok(limited, 'the wait and its next attempt time were recorded');
    const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: id } });
    assert.ok(pub.sendingAt && pub.sendingAt.getTime() >= (creates[1]?.at ?? 0) - 1_000);
  });

  it('when LinkedIn creates the post but sends no x-restli-id, then it is resolved to the post’s URN', async () => {
    await publishThrough(stack, [{ type: 'no_restli_id' }], 'adopted_duplicate', 'noid');
  });

  it('when an HTML page comes back after the post was created, then it is resolved to the post’s URN', async () => {
    await publishThrough(
      stack,
      [{ type: 'malformed', create: true, status: 200 }],
      'adopted_duplicate',
      'html',
    );
  });

  it('when the same text was already posted by something else, then the item fails naming the old URN and does not adopt it (L10)', async () => {
    const item = await submitItem(stack, 'l10');
    const token = await stack.standIn.issueToken({ scopes: ['w_member_social'] });
    const earlier = await stack.linkedin.createPost({
      accessToken: token.accessToken,
      author: `urn:li:person:${stack.standIn.member.sub}`,
      commentary: item.text,
    });
    assert.equal(earlier.kind, 'created');
    const oldUrn = earlier.kind === 'created' ? earlier.urn : '';
    await approve(stack, item.id);
    const done = await reaches(stack, item.id, 'failed');
    assert.equal(done.lastError?.type, 'DUPLICATE_POST');
    assert.ok(done.lastError?.message.includes(oldUrn), done.lastError?.message);
    assert.match(done.lastError?.message ?? '', /not adopted/);
    assert.deepEqual(done.publications, []);
    const row = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.equal(row.state, 'failed');
    assert.equal(row.postUrn, null);
    assert.ok(row.lastError?.includes(oldUrn));
    const ledger = await ledgerFor(stack, item.marker);
    assert.deepEqual(
      ledger.map((p) => p.urn),
      [oldUrn],
      'only the earlier post exists',
    );
  });
});

describe('exactly one LinkedIn post when the token can read posts back (r_member_social)', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ scopes: [...SHARE_ONLY, 'r_member_social'] });
    await stack.startWorker();
  });
  after(() => stack.close());

  it('when the connection is reset after the post was created, then it is found by read-back and never re-sent', async () => {
    const { since } = await publishThrough(
      stack,
      [{ type: 'reset_after_create' }],
      'read_back',
      'readback',
    );
    const creates = await createRequestsSince(stack, since);
    assert.deepEqual(
      creates.map((r) => r.fault ?? 'none'),
      ['reset_after_create'],
      'no second create',
    );
    const reads = (await stack.standIn.requests()).filter(
      (r) => r.method === 'GET' && r.path === '/rest/posts' && r.at >= since,
    );
    assert.ok(reads.length >= 1, 'resolved by the author finder');
  });

  it('when the post is created without an x-restli-id, then the same attempt reads it back', async () => {
    const { since } = await publishThrough(
      stack,
      [{ type: 'no_restli_id' }],
      'read_back',
      'readback-noid',
    );
    assert.equal((await createRequestsSince(stack, since)).length, 1, 'no second create');
  });

  it('when nothing was created before the reset, then read-back finds nothing and the re-send creates one post', async () => {
    await publishThrough(stack, [{ type: 'reset_before_create' }], 'created', 'readback-none');
  });
});

// RELIABILITY.md L-modes not already driven through the whole pipeline by
// test/outlets/linkedin/exactly-once.test.ts (clean, 5xx after create, 5xx twice, resets, hang
// forever, Retry-After seconds, no x-restli-id, HTML after create, L10) or errors.test.ts (403,
// 422 TOO_LONG): 429 without Retry-After and with an HTTP-date, a hang that drops the connection,
// a slow drip past the client deadline, and an HTML page without a create (typed, redacted).
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { cancelContent } from '../../publishing/decisions';
import { EDITOR, publishingDeps } from '../helpers/content';
import { startStack, type Stack } from '../helpers/stack';
import {
  approve,
  captureLogs,
  createRequestsSince,
  reaches,
  startWorkerWith,
  storedTokens,
  submitItem,
  withLog,
} from '../outlets/linkedin/pipeline';
import { assertInvariants, postsFor, sentinelSecrets } from './support/drill';

describe('LinkedIn misbehaving, through the whole pipeline', () => {
  const logs = captureLogs('stargue', 'debug');
  let stack: Stack;
  let secrets: Map<string, string>;

  before(async () => {
    stack = withLog(await startStack(), logs.log);
    secrets = await sentinelSecrets(stack);
    await startWorkerWith(stack, { log: logs.log });
  });
  after(() => stack.close());

  const invariants = (marker: string, posts: 'one' | 'none') =>
    assertInvariants(stack, [{ marker, posts }], { text: logs.text(), secrets });

  it('L1: when LinkedIn answers 429 without Retry-After, then nothing is created, the item waits a backoff of a minute, and a cancel meanwhile ends it with no post', async () => {
    const item = await submitItem(stack, 'l1none');
    await stack.standIn.injectFault({ type: 'rate_limited' });
    const since = Date.now();
    await approve(stack, item.id);
    const limited = await reaches(
      stack,
      item.id,
      (s) => s.status === 'scheduled' && s.lastError?.type === 'RATE_LIMITED',
    );
    const wakeIn = Date.parse(limited.nextAttemptAt ?? '') - Date.now();
    assert.ok(wakeIn > 50_000 && wakeIn <= 61_000, `next attempt in ${wakeIn} ms`);
    const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.equal(pub.state, 'intent', 'a definite "not created" returns the row to intent');
    await delay(3_000);
    assert.equal((await createRequestsSince(stack, since)).length, 1, 'no retry loop');
    const cancelled = await cancelContent(publishingDeps(stack), EDITOR, { id: item.id });
    assert.equal(cancelled.status, 'cancelled');
    await invariants(item.marker, 'none');
  });

  it('L1: when LinkedIn answers 429 with Retry-After as an HTTP-date, then the next create waits until that date and one post follows', async () => {
    const item = await submitItem(stack, 'l1date');
    const retryAt = new Date(Date.now() + 4_000).toUTCString();
    await stack.standIn.injectFault({ type: 'rate_limited', retryAfter: retryAt });
    const since = Date.now();
    await approve(stack, item.id);
    const done = await reaches(stack, item.id, 'published');
    const creates = await createRequestsSince(stack, since);
    assert.deepEqual(
      creates.map((r) => r.fault ?? 'none'),
      ['rate_limited', 'none'],
    );
    assert.ok((creates[1]?.at ?? 0) >= Date.parse(retryAt), 'not before Retry-After');
    assert.equal(done.publications[0]?.resolution, 'created');
    await invariants(item.marker, 'one');
  });

  it('L3: when LinkedIn accepts the request and drops the connection without creating, then the re-send gets the 201: one post', async () => {
    const item = await submitItem(stack, 'l3');
    await stack.standIn.injectFault({ type: 'hang', ms: 1_000 });
    const since = Date.now();
    await approve(stack, item.id);
    const done = await reaches(stack, item.id, 'published');
    assert.equal(done.publications[0]?.resolution, 'created');
    assert.deepEqual(
      (await createRequestsSince(stack, since)).map((r) => r.fault ?? 'none'),
      ['hang', 'none'],
    );
    await invariants(item.marker, 'one');
  });

  it('L7: when the answer drips in slower than the client deadline after the post was made, then the outcome is resolved to that post: one post', async () => {
    const item = await submitItem(stack, 'l7');
    // The stack's LinkedIn client gives up after 5 s (production: 20 s < startToClose 60 s).
    await stack.standIn.injectFault({
      type: 'slow_drip',
      headersAfterMs: 1_000,
      bodyAfterMs: 9_000,
    });
    const since = Date.now();
    await approve(stack, item.id);
    const done = await reaches(stack, item.id, 'published', 90_000);
    assert.equal(done.publications[0]?.resolution, 'adopted_duplicate');
    const posts = await postsFor(stack, item.marker);
    assert.deepEqual(
      posts.map((p) => p.urn),
      [done.publications[0]?.postUrn],
    );
    const creates = await createRequestsSince(stack, since);
    assert.equal(creates.length, 2, 'the drip, then the duplicate probe');
    assert.ok((creates[1]?.at ?? 0) - (creates[0]?.at ?? 0) >= 5_000, 'after the client deadline');
    await invariants(item.marker, 'one');
  });

  it('L9: when an HTML page carrying a token comes back without a create, then the failure is typed, its snippet truncated and redacted, and the re-send publishes once', async () => {
    const item = await submitItem(stack, 'l9');
    const { accessToken } = await storedTokens(stack, stack.accountId);
    const page = `<!DOCTYPE html><html><body><h1>Bad gateway</h1><p>debug: access_token=${accessToken} Authorization: Bearer ${accessToken} raw ${accessToken}</p>${'<p>padding</p>'.repeat(500)}</body></html>`;
    await stack.standIn.injectFault({ type: 'malformed', status: 200, create: false, body: page });
    await approve(stack, item.id);
    const done = await reaches(stack, item.id, 'published');
    assert.equal(done.publications[0]?.resolution, 'created');

    const history = await stack.temporal.workflow
      .getHandle(contentWorkflowId(item.id, 1))
      .fetchHistory();
    // Retries happen on the server: the failed attempt is the last attempt's `lastFailure`.
    const failures = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.lastFailure)
      .filter((f) => f !== undefined && f !== null);
    assert.equal(failures.length, 1, 'one failed attempt before the one that published');
    const failure = failures[0];
    assert.equal(failure?.applicationFailureInfo?.type, 'OUTCOME_UNKNOWN');
    const message = failure?.message ?? '';
    assert.match(message, /malformed 200: <!DOCTYPE html>/);
    assert.ok(message.length <= 400, `truncated: ${message.length} chars`);
    assert.ok(message.endsWith('…'));
    assert.ok(!message.includes(accessToken), 'the token is redacted');
    assert.match(message, /\[REDACTED\]/);
    assert.ok(!(failure?.stackTrace ?? '').includes(accessToken));
    await invariants(item.marker, 'one');
  });
});

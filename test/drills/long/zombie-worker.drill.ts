// RELIABILITY.md W4 (≈ 90 s, so not part of `npm test`; run with test/drills/long/run): a worker
// frozen with SIGSTOP past the publish activity's startToClose (60 s) while another worker
// process publishes the item; on SIGCONT the zombie must send nothing and change nothing.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { startStack, type Stack } from '../../helpers/stack';
import { approve, createRequestsSince, reaches, submitItem } from '../../outlets/linkedin/pipeline';
import {
  assertInvariants,
  endWorker,
  postsFor,
  sentinelSecrets,
  spawnDrillWorker,
  waitForLine,
  workerRunning,
  type HookSettings,
  type WorkerChild,
} from '../support/drill';

const START_TO_CLOSE_MS = 60_000;

/** Freezes the only worker at `hook`, lets a second worker publish, then thaws the zombie. */
async function zombieDrill(hook: HookSettings['hook'], prefix: string) {
  const stack: Stack = await startStack();
  const children: WorkerChild[] = [];
  try {
    const secrets = await sentinelSecrets(stack);
    // One activity slot: once frozen with its task, the zombie has no poll out for the retries.
    const zombie = spawnDrillWorker(stack, { hook, pauseMs: 2_000, maxActivities: 1 });
    children.push(zombie);
    await workerRunning(zombie);
    const item = await submitItem(stack, prefix);
    await approve(stack, item.id);
    await waitForLine(zombie, new RegExp(`DRILL_HOOK ${hook}`));
    zombie.kill('SIGSTOP');
    const frozenAt = Date.now();

    const other = spawnDrillWorker(stack, null);
    children.push(other);
    await workerRunning(other);
    const done = await reaches(stack, item.id, 'published', 150_000);
    const urn = done.publications[0]?.postUrn;
    const before = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.equal(before.state, 'confirmed');
    assert.equal(before.postUrn, urn);

    await delay(Math.max(0, frozenAt + START_TO_CLOSE_MS + 5_000 - Date.now()));
    const thawed = Date.now();
    zombie.kill('SIGCONT');
    // Long enough for the zombie to finish whatever it was doing (its HTTP deadline is 20 s).
    await delay(8_000);

    const sent = await createRequestsSince(stack, thawed);
    const after = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.deepEqual(
      { zombieCreates: sent.length, rowState: after.state, rowUrn: after.postUrn },
      { zombieCreates: 0, rowState: 'confirmed', rowUrn: urn },
      `the zombie sent nothing and left the row alone (lastError: ${after.lastError})`,
    );
    assert.equal((await reaches(stack, item.id, 'published')).publications[0]?.postUrn, urn);
    assert.equal((await postsFor(stack, item.marker)).length, 1);
    await assertInvariants(stack, [{ marker: item.marker, posts: 'one' }], {
      text: children.map((c) => c.output()).join('\n'),
      secrets,
    });
  } finally {
    for (const child of children) await endWorker(child);
    await stack.close();
  }
}

describe('W4: a worker frozen past startToClose wakes as a zombie', { concurrency: 2 }, () => {
  it('when it was frozen before the outlet call was prepared, then on waking it re-checks its deadline and sends nothing', async () => {
    await zombieDrill('before_prepare', 'w4-early');
  });

  // Regression guard, a bug this suite found and that is fixed (activities/publish.ts): the deadline and the fencing token are checked only before the
  // claim; nothing is re-checked between the claim and `session.create`, and `confirm`/`fail`
  // update the row by idempotency key alone. A zombie frozen in that window wakes, sends the
  // create (LinkedIn answers 422 DUPLICATE_POST naming the other worker's post) and, seeing a
  // clean first try, `fail()`s the row: confirmed → failed.
  it('when it was frozen after claiming the row, right before the request leaves, then on waking it sends nothing and leaves the confirmed row alone', async () => {
    await zombieDrill('before_send', 'w4-late');
  });
});

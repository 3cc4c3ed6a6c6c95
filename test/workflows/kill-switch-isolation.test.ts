// Test files run side by side on one Temporal server and one Postgres server. The global kill
// switch is shared state, so a suite that engages it must not reach another suite's items:
// each stack has its own copy of the database and its own task queue, and the switch's batch
// signal goes only to items on the caller's queue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { setKillSwitch } from '../../publishing/kill-switch';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, approveAsSeen, post, publishingDeps, submit } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

const OPERATOR = { name: 'olga', role: 'operator', keyId: '00000000-0000-4000-8000-000000000003' };

describe('the global kill switch between concurrent test suites', () => {
  let engaging: Stack;
  let other: Stack;
  before(async () => {
    [engaging, other] = await Promise.all([startStack(), startStack()]);
    await Promise.all([engaging.startWorker(), other.startWorker()]);
  });
  after(async () => {
    await setKillSwitch(publishingDeps(engaging), OPERATOR, { engaged: false });
    await Promise.all([engaging.close(), other.close()]);
  });

  const statusOf = (stack: Stack, id: string) =>
    stack.temporal.workflow.getHandle(contentWorkflowId(id, 1)).query(statusQuery);

  it('when one suite engages the switch, then another suite sees it released and its items publish', async () => {
    const id = uniqueId('bystander');
    await submit(other, id, post());
    await eventually(
      async () => ((await statusOf(other, id)).status === 'awaiting_approval' ? true : undefined),
      60_000,
      'the bystander item to await approval',
    );

    const engaged = await setKillSwitch(publishingDeps(engaging), OPERATOR, {
      engaged: true,
      reason: 'only this suite',
    });
    assert.equal(engaged.engaged, true);
    assert.equal(engaged.signalled, 0, 'the engaging suite has no open items to signal');

    const row = await other.db.killSwitch.findUniqueOrThrow({ where: { id: 1 } });
    assert.equal(row.engaged, false, "the other suite's database is its own");
    await approveAsSeen(publishingDeps(other), EDITOR, { id });
    const done = await eventually(
      async () => {
        const s = await statusOf(other, id);
        return s.status === 'published' ? s : undefined;
      },
      60_000,
      'the bystander item to publish',
    );
    assert.equal(done.globalSwitch.engaged, false);
    assert.equal(done.halt, null);
    assert.equal((await other.standIn.ledger()).length, 1);
  });
});

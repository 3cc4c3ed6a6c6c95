import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { contentWorkflowId } from '../../contracts/ids';
import type { ContentState } from '../../contracts/workflow';
import {
  approveContent,
  cancelContent,
  rejectContent,
  rescheduleContent,
} from '../../publishing/decisions';
import { getContent } from '../../publishing/content';
import { setKillSwitch } from '../../publishing/kill-switch';
import { AppError } from '../../publishing/errors';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, inSeconds, post, publishingDeps, submit, approveAsSeen } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

const OPERATOR = { name: 'olga', role: 'operator', keyId: '00000000-0000-4000-8000-000000000003' };

describe('content workflow on a real Temporal server and Postgres', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack();
    await stack.startWorker();
  });
  after(async () => {
    await setKillSwitch(publishingDeps(stack), OPERATOR, { engaged: false });
    await stack.close();
  });

  const status = (id: string, version = 1): Promise<ContentState> =>
    stack.temporal.workflow.getHandle(contentWorkflowId(id, version)).query(statusQuery);

  const reaches = (
    id: string,
    wanted: ContentState['status'],
    timeoutMs = 60_000,
  ): Promise<ContentState> =>
    eventually(
      async () => {
        const s = await status(id);
        return s.status === wanted ? s : undefined;
      },
      timeoutMs,
      `${id} to be ${wanted}`,
    );

  const until = (at: number): Promise<void> =>
    new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

  const ledgerFor = async (text: string) =>
    (await stack.standIn.ledger()).filter((p) => p.commentary.includes(text));

  it('when an item is submitted and approved without a schedule, then it is published once with its URN', async () => {
    const id = uniqueId('plain');
    const marker = uniqueId('m');
    await submit(stack, id, post({ body: `Launch day ${marker}` }));
    await reaches(id, 'awaiting_approval');
    const approved = await approveAsSeen(
      publishingDeps(stack),
      EDITOR,
      { id },
      { note: 'looks good' },
    );
    assert.notEqual(approved.status, 'awaiting_approval');
    const done = await reaches(id, 'published');
    assert.equal(done.publications.length, 1);
    assert.match(done.publications[0]?.postUrn ?? '', /^urn:li:share:\d+$/);
    const ledger = await ledgerFor(marker);
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0]?.urn, done.publications[0]?.postUrn);
    const row = await stack.db.publication.findFirstOrThrow({ where: { contentId: id } });
    assert.equal(row.state, 'confirmed');
    assert.equal(row.postUrn, ledger[0]?.urn);
    const approval = await stack.db.approval.findFirstOrThrow({ where: { contentId: id } });
    assert.equal(approval.actor, EDITOR.name);
    assert.equal(approval.contentHash, done.contentHash);
  });

  it('when an item is rejected, then it ends rejected and nothing is posted', async () => {
    const id = uniqueId('rejected');
    const marker = uniqueId('m');
    await submit(stack, id, post({ body: `Not this one ${marker}` }));
    await reaches(id, 'awaiting_approval');
    await rejectContent(publishingDeps(stack), EDITOR, { id }, { reason: 'off-brand' });
    const done = await reaches(id, 'rejected');
    assert.equal(done.approvals.at(-1)?.decision, 'rejected');
    assert.equal((await ledgerFor(marker)).length, 0);
    // The rejection is recorded against the text that was rejected.
    const row = await stack.db.approval.findFirstOrThrow({ where: { contentId: id } });
    assert.equal(row.decision, 'rejected');
    assert.equal(row.contentHash, done.contentHash);
    assert.equal(
      (await getContent(publishingDeps(stack), id)).approvals[0]?.contentHash,
      done.contentHash,
    );
    await assert.rejects(
      approveAsSeen(publishingDeps(stack), EDITOR, { id }),
      (err: unknown) => err instanceof AppError && err.status === 409,
    );
  });

  it('when a draft is submitted, then it ends as draft without asking for approval', async () => {
    const id = uniqueId('draft');
    await submit(stack, id, post({ status: 'draft' }));
    const done = await reaches(id, 'draft');
    assert.equal(done.approvals.length, 0);
  });

  it('when the schedule is in the past at approval, then it publishes promptly', async () => {
    const id = uniqueId('past');
    const marker = uniqueId('m');
    await submit(stack, id, post({ scheduled: '2020-01-01T09:00:00Z', body: `Late ${marker}` }));
    await reaches(id, 'awaiting_approval');
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await reaches(id, 'published');
    assert.equal((await ledgerFor(marker)).length, 1);
  });

  it('when a post goes out on time, then the Temporal UI lists it scheduled until published while the status and audit say publishing', async () => {
    const id = uniqueId('listed');
    const marker = uniqueId('m');
    await submit(stack, id, post({ scheduled: inSeconds(3), body: `Listed ${marker}` }));
    await reaches(id, 'awaiting_approval');
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await reaches(id, 'published');
    const history = await stack.temporal.workflow
      .getHandle(contentWorkflowId(id, 1))
      .fetchHistory();
    const listed = (history.events ?? []).flatMap((e) => {
      const field =
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields
          ?.PublishStatus;
      return field ? [defaultPayloadConverter.fromPayload<string>(field)] : [];
    });
    // One visibility write per status the list shows; none for the moment at the outlet.
    assert.deepEqual(listed, ['awaiting_approval', 'scheduled', 'published']);
    const journal = await stack.db.audit.findMany({
      where: { subject: id, action: 'content.transition' },
      orderBy: { id: 'asc' },
    });
    assert.deepEqual(
      journal.map((r) => r.toStatus),
      ['awaiting_approval', 'scheduled', 'publishing', 'published'],
    );
    assert.equal((await ledgerFor(marker)).length, 1);
  });

  it('when rescheduled later then earlier, then it publishes once, not before the last accepted time', async () => {
    const id = uniqueId('resched');
    const marker = uniqueId('m');
    await submit(stack, id, post({ scheduled: inSeconds(3600), body: `Moved ${marker}` }));
    await reaches(id, 'awaiting_approval');
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await reaches(id, 'scheduled');
    await rescheduleContent(publishingDeps(stack), EDITOR, { id }, { scheduled: inSeconds(7200) });
    assert.equal((await status(id)).status, 'scheduled');
    const target = inSeconds(3);
    await rescheduleContent(publishingDeps(stack), EDITOR, { id }, { scheduled: target });
    const done = await reaches(id, 'published');
    const [posted] = await ledgerFor(marker);
    assert.ok(posted, 'posted');
    assert.ok(posted.createdAt >= Date.parse(target), 'never early');
    assert.equal(done.scheduledAt, new Date(target).toISOString());
    await assert.rejects(
      rescheduleContent(publishingDeps(stack), EDITOR, { id }, { scheduled: inSeconds(60) }),
      (err: unknown) => err instanceof AppError && err.status === 409,
    );
  });

  it('when an approved post sleeps, then its stack trace names where it waits, in at most six frames per stack', async () => {
    const id = uniqueId('stack');
    await submit(stack, id, post({ scheduled: inSeconds(3600) }));
    await reaches(id, 'awaiting_approval');
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await reaches(id, 'scheduled');
    // What the Temporal UI's "Stack Trace" tab shows: one stack per pending promise.
    const trace = await stack.temporal.workflow
      .getHandle(contentWorkflowId(id, 1))
      .query<string>('__stack_trace');
    const stacks = trace.split('\n\n').map((s) => s.split('\n').filter((line) => line.trim()));
    assert.ok(stacks.length > 1, trace);
    assert.ok(
      stacks.some((frames) =>
        frames.some((f) => /at gate \(.*workflows\/content\/targets\.ts/.test(f)),
      ),
      `a stack names the gate the post sleeps in: ${trace}`,
    );
    // Six: workflows/stack-depth.ts (not imported here, it sets the limit of whatever loads it).
    const deepest = Math.max(...stacks.map((frames) => frames.length));
    assert.ok(deepest <= 6, `at most six frames: ${trace}`);
  });

  it('when cancelled while awaiting approval or while sleeping, then it ends cancelled with no post', async () => {
    for (const approve of [false, true]) {
      const id = uniqueId('cancel');
      const marker = uniqueId('m');
      await submit(stack, id, post({ scheduled: inSeconds(3600), body: `Cancelled ${marker}` }));
      await reaches(id, 'awaiting_approval');
      if (approve) {
        await approveAsSeen(publishingDeps(stack), EDITOR, { id });
        await reaches(id, 'scheduled');
      }
      const result = await cancelContent(publishingDeps(stack), EDITOR, { id });
      assert.equal(result.status, 'cancelled');
      const row = await stack.db.content.findFirstOrThrow({ where: { contentId: id } });
      assert.equal(row.status, 'cancelled');
      const audit = await stack.db.audit.findFirst({
        where: { subject: id, toStatus: 'cancelled' },
      });
      assert.ok(audit, 'cancellation audited');
      assert.equal((await ledgerFor(marker)).length, 0);
    }
  });

  it('when the kill switch is engaged before the due time, then nothing is published until it is released, then once', async () => {
    const id = uniqueId('killed');
    const marker = uniqueId('m');
    const due = inSeconds(4);
    await submit(stack, id, post({ scheduled: due, body: `Halted ${marker}` }));
    await reaches(id, 'awaiting_approval');
    // Engaged before the approval: however slow the machine, the due time cannot come first.
    await setKillSwitch(publishingDeps(stack), OPERATOR, {
      engaged: true,
      reason: 'brand incident',
    });
    await eventually(
      async () => ((await status(id)).globalSwitch.engaged ? true : undefined),
      60_000,
      'the switch signal to reach the item',
    );
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    const halted = await reaches(id, 'halted');
    assert.equal(halted.halt?.reason, 'kill_switch');
    // Past the due time (and a margin for the timer), still parked and nothing sent.
    await until(Date.parse(due) + 2_000);
    assert.equal((await status(id)).status, 'halted');
    assert.equal((await ledgerFor(marker)).length, 0);
    await setKillSwitch(publishingDeps(stack), OPERATOR, { engaged: false });
    await reaches(id, 'published');
    assert.equal((await ledgerFor(marker)).length, 1);
  });

  it('when the same id and version are submitted twice, then there is one run; other content for it is refused', async () => {
    const id = uniqueId('twice');
    const markdown = post();
    const first = await submit(stack, id, markdown);
    const second = await submit(stack, id, markdown);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.result.workflowId, first.result.workflowId);
    const runs = [];
    for await (const wf of stack.temporal.workflow.list({
      query: `WorkflowId = '${first.result.workflowId}'`,
    }))
      runs.push(wf);
    assert.ok(runs.length <= 1);
    await assert.rejects(
      submit(stack, id, post({ body: 'something else' })),
      (err: unknown) => err instanceof AppError && err.status === 409,
    );
  });

  it('when an approval names a stale content hash, then it is refused and the item keeps waiting', async () => {
    const id = uniqueId('stale');
    await submit(stack, id, post());
    await reaches(id, 'awaiting_approval');
    await assert.rejects(
      approveContent(publishingDeps(stack), EDITOR, { id }, { contentHash: 'a'.repeat(64) }),
      (err: unknown) => err instanceof AppError && err.code === 'STALE_CONTENT_HASH',
    );
    const current = await status(id);
    assert.equal(current.status, 'awaiting_approval');
    const ok = await approveContent(
      publishingDeps(stack),
      EDITOR,
      { id },
      { contentHash: current.contentHash ?? '' },
    );
    assert.notEqual(ok.status, 'awaiting_approval');
    await reaches(id, 'published');
  });

  it('when the LinkedIn token dies before the scheduled time, then approval warns in status and audit (no refresh token)', async () => {
    const id = uniqueId('expiring');
    await submit(
      stack,
      id,
      post({ scheduled: new Date(Date.now() + 90 * 86_400_000).toISOString() }),
    );
    await reaches(id, 'awaiting_approval');
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await reaches(id, 'scheduled');
    const scheduled = await eventually(async () => {
      const st = await status(id);
      return st.warnings.length > 0 ? st : undefined;
    });
    assert.equal(scheduled.warnings.length, 1);
    assert.match(scheduled.warnings[0] ?? '', /expires before this item's scheduled time/);
    const audit = await stack.db.audit.findFirst({
      where: { subject: id, action: 'linkedin.token_expiring' },
    });
    assert.ok(audit, 'warning audited');
    await cancelContent(publishingDeps(stack), EDITOR, { id });
  });

  it('when release and switch signals arrive malformed, then they are ignored and the item keeps working', async () => {
    const id = uniqueId('badsignal');
    await submit(stack, id, post());
    await reaches(id, 'awaiting_approval');
    const handle = stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
    await handle.signal('release', { actor: 42 });
    await handle.signal('globalKillSwitch', 'on');
    await handle.signal('globalKillSwitch', { engaged: 'yes', actor: 'x' });
    const current = await status(id);
    assert.equal(current.status, 'awaiting_approval');
    assert.equal(current.itemSwitch.engaged, false);
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await reaches(id, 'published');
  });

  it('when an item is parked by the switch found at publish time, then a cancel still ends it, with no post', async () => {
    const id = uniqueId('parkcancel');
    const marker = uniqueId('m');
    // Engaged only once the item waits for approval: validation read the switch as off, and
    // with the switch on from the start the item would report `halted` at once (decisions 3),
    // passing through `awaiting_approval` too briefly for any poll to see it.
    await submit(stack, id, post({ body: `Parked ${marker}` }));
    await reaches(id, 'awaiting_approval');
    // Only the database knows: no signal reaches the item, the publish activity finds it.
    await stack.db.killSwitch.update({
      where: { id: 1 },
      data: { engaged: true, reason: 'db only', updatedBy: 'test' },
    });
    try {
      const since = Date.now();
      await approveAsSeen(publishingDeps(stack), EDITOR, { id });
      const halted = await reaches(id, 'halted');
      assert.equal(halted.halt?.reason, 'kill_switch');
      assert.equal(halted.phase, 'publishing', 'parked by the publish activity, not before it');
      const creates = (await stack.standIn.requests()).filter(
        (r) => r.method === 'POST' && r.path === '/rest/posts' && r.at >= since,
      );
      assert.deepEqual(creates, [], 'nothing was sent');
      const result = await cancelContent(publishingDeps(stack), EDITOR, { id });
      assert.equal(result.status, 'cancelled');
    } finally {
      await stack.db.killSwitch.update({
        where: { id: 1 },
        data: { engaged: false, reason: null, updatedBy: 'test' },
      });
    }
    assert.equal((await ledgerFor(marker)).length, 0);
  });
});

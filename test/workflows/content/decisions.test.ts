import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { contentWorkflowId } from '../../../contracts/ids';
import { decisionBytes, type SignedDecision } from '../../../contracts/decisions';
import type { ContentState } from '../../../contracts/workflow';
import { createSigner, generateSigningKey } from '../../../platform/crypto/signing';
import {
  globalReleaseProof,
  haltContent,
  releaseContent,
  signDecision,
} from '../../../publishing/decisions';
import { setKillSwitch } from '../../../publishing/kill-switch';
import {
  approveUpdate,
  globalSwitchSignal,
  legacySignals,
  releaseUpdate,
  statusQuery,
} from '../../../workflows/content/definitions';
import {
  EDITOR,
  OPERATOR,
  approveAsSeen,
  post,
  publishingDeps,
  submit,
} from '../../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../../helpers/stack';

// Anyone who can reach Temporal can send an Update or a signal. Only the API can sign: a decision
// without its signature, or with somebody else's, changes nothing and is logged; a halt is always
// believed, because stopping is safe.
describe('decisions sent straight to Temporal', () => {
  let stack: Stack;
  // A key the worker has never heard of, under the id the worker does know.
  const mallory = createSigner('test', generateSigningKey().seed);

  before(async () => {
    stack = await startStack();
    await stack.startWorker();
  });
  after(async () => {
    await setKillSwitch(publishingDeps(stack), OPERATOR, { engaged: false });
    await stack.close();
  });

  const handleOf = (id: string) => stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
  const status = (id: string): Promise<ContentState> => handleOf(id).query(statusQuery);
  const becomes = (id: string, ok: (s: ContentState) => boolean, what: string) =>
    eventually(
      async () => {
        const s = await status(id);
        return ok(s) ? s : undefined;
      },
      60_000,
      `${id}: ${what}`,
    );
  const awaiting = async (id: string): Promise<ContentState> =>
    becomes(id, (s) => s.status === 'awaiting_approval', 'awaiting approval');
  const refusals = (id: string) =>
    stack.db.audit.findMany({
      where: { subject: id, action: { in: ['decision.refused', 'content.event'] } },
    });

  /** How many decisions the worker has checked for this item (local-activity markers). */
  async function verifications(id: string): Promise<number> {
    const history = await handleOf(id).fetchHistory();
    return (history.events ?? []).filter((e) => {
      const details = e.markerRecordedEventAttributes?.details ?? {};
      return Object.values(details).some((p) =>
        (p.payloads ?? []).some((x) =>
          Buffer.from(x.data ?? [])
            .toString()
            .includes('verifyDecision'),
        ),
      );
    }).length;
  }

  /** A claim for `id` signed by `signer` (the API's or an impostor's). */
  function forged(id: string, contentHash: string, action: 'approve' | 'release'): SignedDecision {
    const genuine = signDecision(
      publishingDeps(stack),
      { ...EDITOR, name: 'mallory', role: 'operator' },
      {
        action,
        contentId: id,
        version: 1,
        contentHash,
      },
    );
    return { ...genuine, signature: mallory.sign(decisionBytes(genuine.claim)) };
  }

  async function refusedWith(update: Promise<unknown>, type: string): Promise<void> {
    await assert.rejects(update, (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, type);
      return true;
    });
  }

  it('when an approve comes as a signal with a made-up actor, then the item still awaits approval and the attempt is audited', async () => {
    const id = uniqueId('sigapprove');
    await submit(stack, id, post());
    await awaiting(id);
    await handleOf(id).signal(legacySignals.approve, { actor: 'mallory', note: 'trust me' });
    const audited = await eventually(
      async () => {
        const rows = await refusals(id);
        return rows.find((r) => r.reason?.includes('unsigned approve')) ?? undefined;
      },
      60_000,
      'the refusal to be audited',
    );
    assert.equal(audited.actor, 'temporal');
    const now = await status(id);
    assert.equal(now.status, 'awaiting_approval');
    assert.equal(now.approvals.length, 0);
    assert.equal(await stack.db.approval.count({ where: { contentId: id } }), 0);
  });

  it('when an approve Update is unsigned or signed with another key, then it is refused and nothing is approved', async () => {
    const id = uniqueId('updapprove');
    await submit(stack, id, post());
    const { contentHash } = await awaiting(id);
    const handle = handleOf(id);
    await refusedWith(
      handle.executeUpdate('approve', { args: [{ actor: 'mallory', contentHash }] }),
      'UNVERIFIED_DECISION',
    );
    await refusedWith(
      handle.executeUpdate(approveUpdate, { args: [forged(id, contentHash ?? '', 'approve')] }),
      'UNVERIFIED_DECISION',
    );
    const audited = await stack.db.audit.findFirst({
      where: { subject: id, action: 'decision.refused' },
    });
    assert.equal(audited?.reason, 'bad signature');
    assert.equal((await status(id)).status, 'awaiting_approval');
    assert.equal(await stack.db.approval.count({ where: { contentId: id } }), 0);
    // The genuine path still works afterwards.
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await becomes(id, (s) => s.status === 'published', 'published');
  });

  it('when a genuine approval of one item is replayed to another, then the other refuses it', async () => {
    const first = uniqueId('replay-a');
    const second = uniqueId('replay-b');
    await submit(stack, first, post());
    await submit(stack, second, post());
    const { contentHash } = await awaiting(first);
    await awaiting(second);
    const claim = signDecision(publishingDeps(stack), EDITOR, {
      action: 'approve',
      contentId: first,
      version: 1,
      contentHash: contentHash ?? '',
    });
    await refusedWith(
      handleOf(second).executeUpdate(approveUpdate, { args: [claim] }),
      'INVALID_INPUT',
    );
    assert.equal((await status(second)).status, 'awaiting_approval');
  });

  it('when a halted item gets a forged release, then it stays halted; the API release frees it', async () => {
    const id = uniqueId('release');
    await submit(stack, id, post());
    const { contentHash } = await awaiting(id);
    await haltContent(
      publishingDeps(stack),
      OPERATOR,
      { id, version: 1 },
      { reason: 'legal check' },
    );
    await becomes(id, (s) => s.status === 'halted' && s.halt?.reason === 'item_halt', 'halted');
    await refusedWith(
      handleOf(id).executeUpdate(releaseUpdate, { args: [forged(id, '', 'release')] }),
      'UNVERIFIED_DECISION',
    );
    await handleOf(id).signal(legacySignals.release, { actor: 'mallory' });
    await eventually(
      async () => {
        const rows = await refusals(id);
        return rows.find((r) => r.reason?.includes('unsigned release')) ?? undefined;
      },
      60_000,
      'the unsigned release to be audited',
    );
    const still = await status(id);
    assert.equal(still.status, 'halted');
    assert.equal(still.itemSwitch.engaged, true);
    const halted = await stack.db.audit.findFirst({ where: { subject: id, action: 'api.halt' } });
    assert.equal(halted?.actor, OPERATOR.name);

    await releaseContent(publishingDeps(stack), OPERATOR, { id, version: 1 });
    await awaiting(id);
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    const done = await becomes(id, (s) => s.status === 'published', 'published');
    assert.equal(done.contentHash, contentHash);
  });

  it('when a halt comes from the Temporal UI, then the item stops, recorded as via Temporal naming no person', async () => {
    const id = uniqueId('uihalt');
    await submit(stack, id, post());
    await awaiting(id);
    await handleOf(id).signal('halt', { reason: 'pause please', actor: 'someone-typed-this' });
    const halted = await becomes(id, (s) => s.status === 'halted', 'halted');
    assert.equal(halted.halt?.reason, 'item_halt');
    const entry = await eventually(
      async () =>
        (await stack.db.audit.findFirst({
          where: { subject: id, action: 'content.event', reason: { contains: 'item_halt' } },
        })) ?? undefined,
      60_000,
      'the halt to be audited',
    );
    assert.equal(entry.actor, 'temporal');
    assert.match(entry.reason ?? '', /via Temporal/);
    assert.doesNotMatch(entry.reason ?? '', /someone-typed-this/);
  });

  it('when the global switch is on, then only the switch row releases it: unsigned, forged and premature releases change nothing', async () => {
    const id = uniqueId('global');
    await submit(stack, id, post());
    await awaiting(id);
    const deps = publishingDeps(stack);
    await setKillSwitch(deps, OPERATOR, { engaged: true, reason: 'incident' });
    await becomes(
      id,
      (s) => s.status === 'halted' && s.halt?.reason === 'kill_switch',
      'halted by the switch',
    );

    const handle = handleOf(id);
    await handle.signal(globalSwitchSignal, { engaged: false, reason: null, actor: 'mallory' });
    const genuine = globalReleaseProof(deps, OPERATOR);
    await handle.signal(globalSwitchSignal, {
      engaged: false,
      reason: null,
      actor: 'mallory',
      proof: { ...genuine, signature: mallory.sign(decisionBytes(genuine.claim)) },
    });
    // Even a genuine proof is checked against the switch's row, which is still engaged.
    await handle.signal(globalSwitchSignal, {
      engaged: false,
      reason: null,
      actor: 'x',
      proof: genuine,
    });
    // Both signed releases were checked by the verify activity (two local-activity markers):
    // what the status shows now includes their effect.
    await eventually(
      async () => ((await verifications(id)) >= 2 ? true : undefined),
      60_000,
      'both signed releases to be verified',
    );
    assert.equal(
      await stack.db.audit.count({ where: { subject: id, action: 'decision.refused' } }),
      1,
    );
    const still = await status(id);
    assert.equal(still.status, 'halted');
    assert.equal(still.globalSwitch.engaged, true);

    await setKillSwitch(deps, OPERATOR, { engaged: false });
    await awaiting(id);
  });
});

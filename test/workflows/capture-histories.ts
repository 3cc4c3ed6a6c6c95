// Records one real history per workflow path into fixtures/histories/<shape>/, for the replay test.
// Older shapes stay as they were recorded: running workflows of those shapes must keep replaying.
// Run against the servers `npm test` starts: `npm test -- test/workflows/capture-histories.ts`
// is not a test file, so use `npm run histories:capture` (it starts them the same way).
import path from 'node:path';
import { after, before, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  cancelContent,
  haltContent,
  rejectContent,
  releaseContent,
  rescheduleContent,
} from '../../publishing/decisions';
import { setKillSwitch } from '../../publishing/kill-switch';
import { statusQuery } from '../../workflows/content/definitions';
import { legacySignals } from '../../workflows/content/definitions';
import {
  EDITOR,
  OPERATOR,
  approveAsSeen,
  inSeconds,
  post,
  publishingDeps,
  submit,
} from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

/** The shape the current code records (workflows/content/workflow.ts HOT_PATH_V2). */
const dir = path.join(import.meta.dirname, 'fixtures/histories/hot-path-v2');
let stack: Stack;

before(async () => {
  stack = await startStack();
  await stack.startWorker();
});
after(() => stack.close());

async function reaches(id: string, status: string): Promise<void> {
  await eventually(
    async () => {
      const s = await stack.temporal.workflow
        .getHandle(contentWorkflowId(id, 1))
        .query(statusQuery);
      return s.status === status ? true : undefined;
    },
    30_000,
    `${id} ${status}`,
  );
}

async function save(name: string, id: string): Promise<void> {
  const handle = stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  const { historyToJSON } = await import('@temporalio/common/lib/proto-utils');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), historyToJSON(history));
}

it('captures every path: published, rejected, rescheduled, halted, cancelled, released, refused', async () => {
  const deps = publishingDeps(stack);
  const published = uniqueId('hist-published');
  await submit(stack, published, post());
  await reaches(published, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: published }, { note: 'ok' });
  await reaches(published, 'published');
  await save('published', published);

  const rejected = uniqueId('hist-rejected');
  await submit(stack, rejected, post());
  await reaches(rejected, 'awaiting_approval');
  await rejectContent(deps, EDITOR, { id: rejected }, { reason: 'no' });
  await save('rejected', rejected);

  const rescheduled = uniqueId('hist-rescheduled');
  await submit(stack, rescheduled, post({ scheduled: inSeconds(3600) }));
  await reaches(rescheduled, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: rescheduled });
  await reaches(rescheduled, 'scheduled');
  await rescheduleContent(deps, EDITOR, { id: rescheduled }, { scheduled: inSeconds(2) });
  await reaches(rescheduled, 'published');
  await save('rescheduled', rescheduled);

  const halted = uniqueId('hist-halted');
  await submit(stack, halted, post({ scheduled: inSeconds(3) }));
  await reaches(halted, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: halted });
  await setKillSwitch(deps, OPERATOR, { engaged: true, reason: 'drill' });
  await reaches(halted, 'halted');
  await setKillSwitch(deps, OPERATOR, { engaged: false });
  await reaches(halted, 'published');
  await save('halted', halted);

  const cancelled = uniqueId('hist-cancelled');
  await submit(stack, cancelled, post({ scheduled: inSeconds(3600) }));
  await reaches(cancelled, 'awaiting_approval');
  await cancelContent(deps, OPERATOR, { id: cancelled });
  await save('cancelled', cancelled);

  const released = uniqueId('hist-released');
  await submit(stack, released, post());
  await reaches(released, 'awaiting_approval');
  await haltContent(deps, OPERATOR, { id: released }, { reason: 'legal check' });
  await reaches(released, 'halted');
  await releaseContent(deps, OPERATOR, { id: released });
  await reaches(released, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: released });
  await reaches(released, 'published');
  await save('released', released);

  // Decisions sent straight to Temporal without the API's signature: refused, then a real one.
  const refused = uniqueId('hist-refused');
  await submit(stack, refused, post());
  await reaches(refused, 'awaiting_approval');
  const handle = stack.temporal.workflow.getHandle(contentWorkflowId(refused, 1));
  await handle.signal(legacySignals.approve, { actor: 'mallory' });
  await handle.signal('halt', { reason: 'from the UI' });
  await reaches(refused, 'halted');
  await releaseContent(deps, OPERATOR, { id: refused });
  await reaches(refused, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: refused });
  await reaches(refused, 'published');
  await save('refused', refused);
});

// Records one real history per workflow path into fixtures/histories/<shape>/, for the replay test.
// Older shapes stay as they were recorded: running workflows of those shapes must keep replaying.
// Run against the servers `npm test` starts: `npm test -- test/workflows/capture-histories.ts`
// is not a test file, so use `npm run histories:capture` (it starts them the same way).
import assert from 'node:assert/strict';
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
import { connectLinkedInChannel } from '../../channels/linkedin';
import { prepareContent } from '../../content';
import { vaultFrom } from '../../platform/crypto/keyring';
import { setKillSwitch } from '../../publishing/kill-switch';
import { resumeParkedItems } from '../../publishing/linkedin-connect';
import { outletsFor } from '../../worker/outlets';
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

/** The shape the current code records: search attributes written only when the list changes. */
const dir = path.join(import.meta.dirname, 'fixtures/histories/lean-visibility');
const JANE = { sub: 'JaneDoe01', name: 'Jane Doe' };
let stack: Stack;
let janeToken: string;

before(async () => {
  stack = await startStack();
  await stack.standIn.addMember(JANE);
  janeToken = await connectJane();
  await stack.startWorker();
});

/** Jane's channel beside the stack's default (Ada's): a new token each time, as a reconnect. */
async function connectJane(): Promise<string> {
  const token = await stack.standIn.issueToken({
    sub: JANE.sub,
    scopes: ['openid', 'profile', 'w_member_social'],
  });
  await connectLinkedInChannel(stack.db, vaultFrom(stack.config), {
    sub: JANE.sub,
    name: JANE.name,
    tokens: { accessToken: token.accessToken, expiresInSeconds: 5_183_999, scopes: token.scopes },
    connectedBy: 'test',
    channelName: 'jane',
  });
  return token.accessToken;
}
const toBoth = (body?: string) =>
  post({ extra: 'outlets: [linkedin, linkedin:jane]', ...(body ? { body } : {}) }).replace(
    'outlets: [linkedin]\n',
    '',
  );
after(() => stack.close());

async function reaches(id: string, status: string): Promise<void> {
  await eventually(
    async () => {
      const s = await stack.temporal.workflow
        .getHandle(contentWorkflowId(id, 1))
        .query(statusQuery);
      return s.status === status ? true : undefined;
    },
    60_000,
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

it('captures every path: published, rejected, rescheduled, halted, cancelled, released, refused, and per channel: two channels, partially published, one channel re-authorized', async () => {
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

  const twoChannels = uniqueId('hist-two');
  await submit(stack, twoChannels, toBoth());
  await reaches(twoChannels, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: twoChannels });
  await reaches(twoChannels, 'published');
  await save('two-channels', twoChannels);

  // Jane already posted this very text herself: LinkedIn answers "duplicate" on her clean first
  // try, which is never adopted, so her channel fails while Ada's publishes.
  const partial = uniqueId('hist-partial');
  const body = `Posted by hand first ${partial}`;
  const prepared = prepareContent(toBoth(body));
  assert.ok(prepared.ok);
  const janeOutlet = outletsFor({
    db: stack.appDb,
    vault: vaultFrom(stack.config),
    log: stack.log,
    linkedin: stack.linkedin,
    linkedinVersion: stack.config.LINKEDIN_VERSION,
  }).linkedin!;
  const jane = await stack.db.channel.findUniqueOrThrow({
    where: { outlet_name: { outlet: 'linkedin', name: 'jane' } },
  });
  const session = await janeOutlet.prepare(jane.id);
  assert.ok(session.ok);
  assert.equal((await session.session.create(prepared.rendered.linkedin!.text)).kind, 'created');
  await submit(stack, partial, toBoth(body));
  await reaches(partial, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: partial });
  await reaches(partial, 'partially_published');
  await save('partially-published', partial);

  // Jane's token is revoked: her channel parks for re-authorization, Ada's publishes; the
  // reconnect's signal lets Jane's go out.
  const reauth = uniqueId('hist-reauth');
  await stack.standIn.revokeToken(janeToken);
  await submit(stack, reauth, toBoth());
  await reaches(reauth, 'awaiting_approval');
  await approveAsSeen(deps, EDITOR, { id: reauth });
  await reaches(reauth, 'halted');
  janeToken = await connectJane();
  await resumeParkedItems(deps);
  await reaches(reauth, 'published');
  await save('channel-reauthorized', reauth);
});

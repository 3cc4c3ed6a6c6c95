import { submitContent } from '../publishing/content';
import { approveContent, rejectContent } from '../publishing/decisions';
import type { Actor, PublishingDeps } from '../publishing/deps';

const DEMO_EDITOR: Actor = { name: 'demo-editor', role: 'editor', keyId: 'demo' };
const DEMO_FEED: Actor = { name: 'demo-feed', role: 'integration', keyId: 'demo' };

function markdown(status: 'draft' | 'ready', scheduled: string | null, body: string): string {
  return [
    '---',
    `status: ${status}`,
    'language: en',
    'outlets: [linkedin]',
    ...(scheduled ? [`scheduled: ${scheduled}`] : []),
    'version: 1',
    '---',
    body,
    '',
  ].join('\n');
}

async function waitFor(deps: PublishingDeps, workflowId: string, status: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const row = await deps.db.content.findFirst({
      where: { workflowId },
      select: { status: true },
    });
    if (row?.status === status) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A handful of items in different states, so a newcomer sees each one in the API and the UI. */
export async function submitDemoContent(deps: PublishingDeps): Promise<void> {
  const stamp = Date.now().toString(36);
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  const items = [
    {
      id: `demo-draft-${stamp}`,
      md: markdown('draft', null, '# Draft\nStill writing this one.'),
      then: null,
    },
    {
      id: `demo-review-${stamp}`,
      md: markdown(
        'ready',
        inAnHour,
        'Our **Q4 report** is out. Read it at https://example.com/q4 #results',
      ),
      then: null,
    },
    {
      id: `demo-scheduled-${stamp}`,
      md: markdown('ready', inAnHour, 'Join our webinar next week (free!) #events'),
      then: 'approve',
    },
    {
      id: `demo-published-${stamp}`,
      md: markdown('ready', null, 'Hello LinkedIn from Stargue 👋 #launch'),
      then: 'approve',
    },
    {
      id: `demo-rejected-${stamp}`,
      md: markdown('ready', null, 'An off-brand post that an editor turned down.'),
      then: 'reject',
    },
  ] as const;
  for (const item of items) {
    const { result } = await submitContent(deps, DEMO_FEED, { id: item.id, markdown: item.md });
    if (!item.then) continue;
    await waitFor(deps, result.workflowId, 'awaiting_approval');
    if (item.then === 'approve') {
      const { contentHash } = await deps.db.content.findUniqueOrThrow({
        where: { contentId_version: { contentId: item.id, version: result.version } },
        select: { contentHash: true },
      });
      const target = { id: item.id, version: result.version };
      await approveContent(deps, DEMO_EDITOR, target, { note: 'demo approval', contentHash });
    } else await rejectContent(deps, DEMO_EDITOR, { id: item.id }, { reason: 'demo rejection' });
  }
}

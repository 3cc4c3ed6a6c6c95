import type { PublishingDeps, Actor } from '../../publishing/deps';
import { submitContent } from '../../publishing/content';
import { approveContent } from '../../publishing/decisions';
import type { Stack } from './stack';

export const EDITOR: Actor = {
  name: 'edith',
  role: 'editor',
  keyId: '00000000-0000-4000-8000-000000000001',
};
export const OPERATOR: Actor = {
  name: 'olga',
  role: 'operator',
  keyId: '00000000-0000-4000-8000-000000000003',
};
export const INTEGRATION: Actor = {
  name: 'feed-bot',
  role: 'integration',
  keyId: '00000000-0000-4000-8000-000000000002',
};

export interface PostOptions {
  status?: 'draft' | 'ready';
  scheduled?: string | null;
  version?: number;
  body?: string;
  extra?: string;
}

/** A realistic post with frontmatter; only what a test cares about needs saying. */
export function post(options: PostOptions = {}): string {
  const lines = [
    '---',
    `status: ${options.status ?? 'ready'}`,
    'language: en-GB',
    'outlets: [linkedin]',
    ...(options.scheduled ? [`scheduled: ${options.scheduled}`] : []),
    `version: ${options.version ?? 1}`,
    ...(options.extra ? [options.extra] : []),
    '---',
    options.body ??
      `We shipped **Stargue ${Math.random().toString(36).slice(2, 8)}** today (finally). #release`,
    '',
  ];
  return lines.join('\n');
}

export function publishingDeps(stack: Stack): PublishingDeps {
  return {
    db: stack.appDb,
    temporal: stack.temporal,
    taskQueue: stack.taskQueue,
    log: stack.log,
    workflowCallTimeoutMs: 10_000,
    signer: stack.signer,
  };
}

/**
 * Approves the newest version as an editor who looked at its preview: the approval carries the
 * content hash the preview showed, as the API requires.
 */
export async function approveAsSeen(
  deps: PublishingDeps,
  actor: Actor,
  target: { id: string; version?: number | undefined },
  body: { note?: string } = {},
) {
  const row = await deps.db.content.findFirstOrThrow({
    where: {
      contentId: target.id,
      ...(target.version !== undefined ? { version: target.version } : {}),
    },
    orderBy: { version: 'desc' },
    select: { version: true, contentHash: true },
  });
  return approveContent(
    deps,
    actor,
    { id: target.id, version: row.version },
    { ...body, contentHash: row.contentHash },
  );
}

export async function submit(
  stack: Stack,
  id: string,
  markdown: string,
  actor: Actor = INTEGRATION,
) {
  return submitContent(publishingDeps(stack), actor, { id, markdown });
}

export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

/** The content hash of an item's newest version, as its preview shows it (approvals name it). */
export async function hashOf(stack: Pick<Stack, 'db'>, id: string): Promise<string> {
  const row = await stack.db.content.findFirstOrThrow({
    where: { contentId: id },
    orderBy: { version: 'desc' },
    select: { contentHash: true },
  });
  return row.contentHash;
}

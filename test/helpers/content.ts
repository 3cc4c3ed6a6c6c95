import type { PublishingDeps, Actor } from '../../publishing/deps';
import { submitContent } from '../../publishing/content';
import type { Stack } from './stack';

export const EDITOR: Actor = {
  name: 'edith',
  role: 'editor',
  keyId: '00000000-0000-4000-8000-000000000001',
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
  };
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

import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../api/app';
import type { Role } from '../../contracts/api';
import { createApiKey } from '../../platform/api-keys';
import { vaultFrom } from '../../platform/crypto/keyring';
import { publishingDeps } from './content';
import { uniqueId, type Stack } from './stack';

export type Keys = Record<Role, string>;

export async function createKeys(stack: Stack): Promise<Keys> {
  const keys = {} as Keys;
  for (const role of ['integration', 'editor', 'operator'] as const) {
    keys[role] = (await createApiKey(stack.db, uniqueId(role), role)).key;
  }
  return keys;
}

export async function buildTestApp(
  stack: Stack,
  options: Partial<
    Pick<
      AppDeps,
      'rateLimitPerMinute' | 'authFailuresPerMinute' | 'trustProxy' | 'metrics' | 'log' | 'bluesky'
    >
  > = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    log: stack.log,
    // Short, so tests of revocation wait little; production defaults to 5 s.
    keyCacheMs: 1_000,
    publishing: publishingDeps(stack),
    linkedin: stack.linkedin,
    vault: vaultFrom(stack.config),
    readiness: [
      { name: 'postgres', check: async () => void (await stack.appDb.$queryRaw`SELECT 1`) },
      {
        name: 'temporal',
        check: async () => void (await stack.temporal.connection.workflowService.getSystemInfo({})),
      },
    ],
    ...options,
  });
  await app.ready();
  return app;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

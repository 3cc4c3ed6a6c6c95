import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../platform/config';
import type { Stack } from './stack';

const root = path.resolve(import.meta.dirname, '../..');

/** What the production worker reads from its environment, for a given configuration and queue. */
export function workerEnv(c: Config, taskQueue: string, logLevel: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: c.DATABASE_URL,
    TEMPORAL_ADDRESS: c.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: c.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TOKEN_ENCRYPTION_KEY: c.TOKEN_ENCRYPTION_KEY,
    TOKEN_ENCRYPTION_KEY_ID: c.TOKEN_ENCRYPTION_KEY_ID,
    LINKEDIN_API_BASE: c.LINKEDIN_API_BASE,
    LINKEDIN_OAUTH_BASE: c.LINKEDIN_OAUTH_BASE,
    LINKEDIN_CLIENT_ID: c.LINKEDIN_CLIENT_ID ?? '',
    LINKEDIN_CLIENT_SECRET: c.LINKEDIN_CLIENT_SECRET ?? '',
    LINKEDIN_REDIRECT_URI: c.LINKEDIN_REDIRECT_URI ?? '',
    LINKEDIN_VERSION: c.LINKEDIN_VERSION,
    APPROVAL_VERIFY_KEYS: c.APPROVAL_VERIFY_KEYS.map((k) => `${k.id}:${k.key}`).join(','),
    LOG_LEVEL: logLevel,
  };
}

/** The production worker entry (`npm run worker`) as its own process, configured for a stack. */
export function spawnWorker(
  stack: Stack,
  extraEnv: Record<string, string> = {},
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...workerEnv(stack.config, stack.taskQueue, 'info'), ...extraEnv },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

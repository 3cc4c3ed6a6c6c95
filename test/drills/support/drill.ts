// Shared by the fault drills: worker processes a drill can kill or freeze at an exact step, and
// the invariants every drill ends on (RELIABILITY.md §1): the stand-in's ledger holds at most one
// post per item, the audit journal seals and verifies, and no secret reached the logs.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Keys } from '../../helpers/api';
import { sealAndVerify } from '../../helpers/audit';
import { eventually, type Stack } from '../../helpers/stack';
import { workerEnv, waitForExit } from '../../helpers/worker-process';
import { storedTokens } from '../../outlets/linkedin/pipeline';

const root = path.resolve(import.meta.dirname, '../../..');

export type WorkerChild = ChildProcess & { output: () => string };

export interface HookSettings {
  hook?: 'before_prepare' | 'before_send' | 'after_create';
  /** Pause at the hook this long; absent = never continue. */
  pauseMs?: number;
  maxActivities?: number;
}

/** The worker as its own process: `worker/main.ts`, or the hook worker when `hooks` is given. */
export function spawnDrillWorker(
  stack: Stack,
  hooks: HookSettings | null,
  env: Record<string, string> = {},
): WorkerChild {
  const script = hooks ? 'test/drills/support/hook-worker.ts' : 'worker/main.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...workerEnv(stack.config, stack.taskQueue, 'debug'),
      ...(hooks?.hook ? { DRILL_HOOK: hooks.hook } : {}),
      ...(hooks?.pauseMs !== undefined ? { DRILL_HOOK_MS: String(hooks.pauseMs) } : {}),
      ...(hooks?.maxActivities ? { DRILL_MAX_ACTIVITIES: String(hooks.maxActivities) } : {}),
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

/** Resolves with the first stdout/stderr line matching `pattern`, as soon as it is written. */
export function waitForLine(
  child: WorkerChild,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<string> {
  const seen = child
    .output()
    .split('\n')
    .find((line) => pattern.test(line));
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        done();
        resolve(line);
      }
    };
    const onExit = () => {
      done();
      reject(new Error(`worker exited before ${String(pattern)}: ${child.output().slice(-2000)}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new Error(`no ${String(pattern)} within ${timeoutMs} ms: ${child.output().slice(-2000)}`),
      );
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

export const workerRunning = (child: WorkerChild) =>
  waitForLine(child, /"msg":"worker running"/, 90_000);

/** Ends a worker this drill started: SIGCONT first (it may be frozen), then the signal. */
export async function endWorker(
  child: WorkerChild | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT');
  child.kill(signal);
  await waitForExit(child);
}

/** The values that must never show up in a log, a dump or a history. */
export async function sentinelSecrets(stack: Stack, keys?: Keys): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  if (stack.accountId) {
    const tokens = await storedTokens(stack, stack.accountId);
    secrets.set('LinkedIn access token', tokens.accessToken);
    if (tokens.refreshToken) secrets.set('LinkedIn refresh token', tokens.refreshToken);
  }
  secrets.set('token encryption key', stack.config.TOKEN_ENCRYPTION_KEY);
  if (stack.config.LINKEDIN_CLIENT_SECRET) {
    secrets.set('LinkedIn client secret', stack.config.LINKEDIN_CLIENT_SECRET);
  }
  for (const [role, key] of Object.entries(keys ?? {})) secrets.set(`${role} API key`, key);
  return secrets;
}

export function secretsIn(text: string, secrets: Map<string, string>): string[] {
  return [...secrets].filter(([, value]) => value && text.includes(value)).map(([name]) => name);
}

/** Posts in the stand-in's ledger (the truth) carrying `marker`. */
export async function postsFor(stack: Stack, marker: string) {
  return (await stack.standIn.ledger()).filter((p) => p.commentary.includes(marker));
}

export interface Expectation {
  marker: string;
  posts: 'one' | 'none' | 'at_most_one';
}

/** RELIABILITY.md §1 after a drill: ledger per item, audit chain, secrets in the logs. */
export async function assertInvariants(
  stack: Stack,
  expectations: Expectation[],
  logs: { text: string; secrets: Map<string, string> },
): Promise<void> {
  const ledger = await stack.standIn.ledger();
  for (const { marker, posts } of expectations) {
    const count = ledger.filter((p) => p.commentary.includes(marker)).length;
    if (posts === 'one') assert.equal(count, 1, `exactly one post for ${marker}`);
    else if (posts === 'none') assert.equal(count, 0, `no post for ${marker}`);
    else assert.ok(count <= 1, `at most one post for ${marker}, found ${count}`);
  }
  const audit = await sealAndVerify(stack.db);
  assert.ok(audit.rows > 0, 'the audit journal has rows');
  assert.deepEqual(audit.problems, [], 'the audit journal verifies');
  assert.deepEqual(secretsIn(logs.text, logs.secrets), [], 'no secret in the logs');
}

/** Waits until the `content` row (mirrored by an activity) reaches `status`. */
export function rowReaches(stack: Stack, id: string, status: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const row = await stack.db.content.findFirst({ where: { contentId: id } });
      return row?.status === status ? row : undefined;
    },
    timeoutMs,
    `${id} row ${status}`,
  );
}

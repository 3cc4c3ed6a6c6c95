import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../platform/config';
import { freePort } from '../../platform/dev/temporal-cli';
import { workerEnv } from './worker-process';

const root = path.resolve(import.meta.dirname, '../..');

export interface ApiProcess {
  url: string;
  child: ReturnType<typeof spawn>;
  output(): string;
}

/**
 * The production API entry (`npm run api`) as its own process on a free port, configured like a
 * stack: it signs decisions with the stack's key, which the stack's workers verify.
 */
export async function spawnApi(config: Config, taskQueue: string): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...workerEnv(config, taskQueue, 'info'),
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      APPROVAL_SIGNING_KEY: config.APPROVAL_SIGNING_KEY ?? '',
      APPROVAL_SIGNING_KEY_ID: config.APPROVAL_SIGNING_KEY_ID,
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited: ${output.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`API did not come up: ${output.slice(-2000)}`);
}

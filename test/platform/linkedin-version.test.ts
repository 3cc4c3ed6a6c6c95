// The API and the worker as real processes, started with a LINKEDIN_VERSION LinkedIn sunsets
// within 60 days: both start, both warn in their start-up log, and the API's /readyz stays ready
// while listing the warning.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { versionHealth } from '../../outlets/linkedin/versions';
import { uniqueId } from '../helpers/stack';
import { waitForExit } from '../helpers/worker-process';

const root = path.resolve(import.meta.dirname, '../..');

/** A version whose sunset is, today, within 60 days: computed, so the test never goes stale. */
function expiringVersion(now = new Date()): string {
  for (let back = 0; back < 36; back++) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const version = `${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
    if (versionHealth(version, now).state === 'expiring') return version;
  }
  throw new Error('no version sunsets within 60 days of today');
}

interface Started {
  child: ChildProcess;
  lines: () => Record<string, unknown>[];
}

function startProcess(entry: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const lines = () =>
    output.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return { child, lines };
}

async function lineWith(started: Started, msg: RegExp, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = started.lines().find((l) => msg.test(String(l.msg)));
    if (line) return line;
    if (started.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no log line ${String(msg)}: ${JSON.stringify(started.lines().slice(-5))}`);
}

describe('a LINKEDIN_VERSION within 60 days of its sunset', () => {
  const version = expiringVersion();
  const health = versionHealth(version);
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      await waitForExit(child);
    }
  });

  const expectStartupWarning = (lines: Record<string, unknown>[]) => {
    const warning = lines.find((l) => l.setting === 'LINKEDIN_VERSION');
    assert.ok(warning, 'the start-up log names the setting');
    assert.equal(warning.level, 'warn');
    assert.equal(warning.value, version);
    assert.equal(warning.sunset, health.sunset);
    assert.match(String(warning.msg), new RegExp(`sunset by LinkedIn on ${health.sunset}`));
  };

  it('when the API starts, then it warns in its log and /readyz stays ready but lists the warning', async () => {
    const api = startProcess('api/server.ts', {
      LINKEDIN_VERSION: version,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
    });
    children.push(api.child);
    const listening = await lineWith(api, /^API listening$/);
    // The operators' metrics have a listener of their own, never the public API port.
    const metricsAt = await lineWith(api, /^metrics listening$/);
    expectStartupWarning(api.lines());
    const ready = await fetch(`${String(listening.address)}/readyz`);
    const body = (await ready.json()) as { status: string; warnings: string[] };
    assert.equal(ready.status, 200);
    assert.equal(body.status, 'ready');
    assert.equal(body.warnings.length, 1);
    assert.match(body.warnings[0] ?? '', new RegExp(`LINKEDIN_VERSION=${version} is sunset`));
    const metrics = await (await fetch(String(metricsAt.address))).text();
    const gauge = new RegExp(
      `^stargue_linkedin_version_days_left\\{version="${version}"\\} (\\d+)$`,
      'm',
    );
    const daysLeft = Number(gauge.exec(metrics)?.[1]);
    // The day may turn at midnight UTC between the two readings.
    assert.ok(Math.abs(daysLeft - health.daysLeft) <= 1, metrics);
  });

  it('when the worker starts, then it warns in its log and runs', async () => {
    const worker = startProcess('worker/main.ts', {
      LINKEDIN_VERSION: version,
      TEMPORAL_TASK_QUEUE: uniqueId('tq'),
    });
    children.push(worker.child);
    await lineWith(worker, /^worker running$/);
    expectStartupWarning(worker.lines());
  });
});

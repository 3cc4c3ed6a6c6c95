// What the Docker image runs: `npm run build`'s compiled processes (deploy/build.ts), started
// with plain `node` and no TypeScript loader, against the real stack. The image is not built
// here (no Docker engine), but these are the files it copies and the commands compose runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp, ENTRY_POINTS } from '../../deploy/build';
import { contentWorkflowId } from '../../contracts/ids';
import { freePort } from '../../platform/dev/temporal-cli';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, approveAsSeen, post, publishingDeps, submit } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { waitForExit, workerEnv } from '../helpers/worker-process';

const root = path.resolve(import.meta.dirname, '../..');
// Beside dist/, one level below the root, as the bundles must be (platform/app-root.ts).
const outDir = path.join(root, `dist-test-${randomBytes(4).toString('hex')}`);

function run(file: string, env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(outDir, file)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

describe('the compiled processes (npm run build)', () => {
  let stack: Stack;
  let files: string[];
  const children: ChildProcess[] = [];

  before(async () => {
    [stack, files] = await Promise.all([startStack(), buildApp(outDir)]);
  });
  after(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      await waitForExit(child);
    }
    await stack.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('when built, then every entry point is one JavaScript file that loads no TypeScript', () => {
    assert.deepEqual(
      files.map((f) => path.basename(f)).sort(),
      Object.keys(ENTRY_POINTS)
        .map((name) => `${name}.js`)
        .sort(),
    );
    for (const name of Object.keys(ENTRY_POINTS)) {
      const code = readFileSync(path.join(outDir, `${name}.js`), 'utf8');
      // Our own modules are inlined: no relative import is left, and nothing loads tsx.
      assert.ok(!/\bfrom\s*["']\.{1,2}\//.test(code), `${name}.js imports a relative module`);
      assert.ok(!/["']tsx(\/[^"']*)?["']/.test(code), `${name}.js loads tsx`);
    }
  });

  it('when db.js runs, then it finds the migrations and reports the database current', () => {
    const r = spawnSync(process.execPath, [path.join(outDir, 'db.js'), 'status'], {
      cwd: root,
      // Migrations run as the owner (MIGRATION_DATABASE_URL); the app's login may not read them.
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: stack.config.DATABASE_URL,
        MIGRATION_DATABASE_URL: stack.ownerDatabaseUrl,
      },
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /0001_/);
  });

  it('when api.js and worker.js run with plain node, then an item submitted through the API publishes once and both stop cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env = {
      ...workerEnv(stack.config, stack.taskQueue, 'info'),
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
    };
    const api = run('api.js', env);
    const worker = run('worker.js', env);
    children.push(api, worker);
    const base = `http://127.0.0.1:${port}`;
    await eventually(
      async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined),
      60_000,
      `the API to be ready:\n${api.output()}`,
    );
    const page = await fetch(`${base}/review`);
    assert.equal(page.status, 200, 'the review page is found from the bundle');
    assert.match(await page.text(), /<html/i);
    await eventually(
      async () => (worker.output().includes('worker running') ? true : undefined),
      90_000,
      `the worker to start:\n${worker.output()}`,
    );

    const id = uniqueId('built');
    const marker = uniqueId('m');
    await submit(stack, id, post({ body: `From the compiled worker ${marker}` }));
    const handle = stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
    await eventually(
      async () =>
        (await handle.query(statusQuery)).status === 'awaiting_approval' ? true : undefined,
      60_000,
      'awaiting_approval',
    );
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    await eventually(
      async () => ((await handle.query(statusQuery)).status === 'published' ? true : undefined),
      60_000,
      'published',
    );
    const posts = (await stack.standIn.ledger()).filter((p) => p.commentary.includes(marker));
    assert.equal(posts.length, 1);

    for (const child of [api, worker]) child.kill('SIGTERM');
    assert.equal(await waitForExit(api), 0, api.output());
    assert.equal(await waitForExit(worker), 0, worker.output());
  });
});

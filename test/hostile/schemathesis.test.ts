// Schemathesis (`st`, installed from PyPI by .ci/run) against the real app over HTTP: every
// operation of /openapi.json is called with generated data, as an operator; no answer may be a
// server error, and every answer must match the schema the document gives for its status.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, createKeys, type Keys } from '../helpers/api';
import { startStack, type Stack } from '../helpers/stack';

const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '20';

function findSt(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'st');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const st = findSt();
// CI installs schemathesis (.ci/run): missing there is a failure; elsewhere the suite is skipped.
const skip = !st && !process.env.CI ? 'schemathesis (`st`) is not installed' : false;

describe('schemathesis over /openapi.json', { skip }, () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  let baseUrl = '';
  const workDir = mkdtempSync(path.join(tmpdir(), 'stargue-schemathesis-'));

  before(async () => {
    stack = await startStack();
    // A worker answers the Updates (approve, reject, reschedule) of items the run creates.
    await stack.startWorker();
    app = await buildTestApp(stack, { rateLimitPerMinute: 1_000_000 });
    keys = await createKeys(stack);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app?.close();
    await stack?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  // Fails today on one known bug: `?version=` past 2147483647 is a 500 on the seven item routes
  // (contracts/api.ts VersionQuerySchema; pinned by explicit.test.ts).
  it('when every operation is called with generated data, then no answer is a server error and every answer matches its schema', async () => {
    assert.ok(st, 'schemathesis is installed: python3 -m pip install schemathesis (see .ci/run)');
    const args = [
      '--no-color',
      'run',
      `${baseUrl}/openapi.json`,
      '--header',
      `Authorization: Bearer ${keys.operator}`,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      MAX_EXAMPLES,
      '--seed',
      '20261125',
      '--workers',
      '2',
      '--request-timeout',
      '30',
      '--generation-database',
      'none',
      // NUL reaching Postgres is a known 500 pinned by explicit.test.ts; kept out so that it
      // cannot hide anything else this run would find.
      '--generation-allow-x00',
      'false',
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>(
      (resolve, reject) => {
        const child = spawn(st, args, {
          cwd: workDir,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.stderr.on('data', (d: Buffer) => (text += d.toString()));
        child.once('error', reject);
        child.once('exit', (exitCode) => resolve({ code: exitCode, output: text }));
      },
    );
    assert.ok(!output.includes(keys.operator), 'the key is not echoed');
    assert.match(output, /operations? (tested|selected)|Tested/i, output.slice(-3000));
    assert.equal(code, 0, output.slice(-6000));
  });
});

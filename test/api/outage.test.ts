import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { vaultFrom } from '../../platform/crypto/keyring';
import { createDb, type Db } from '../../platform/db/client';
import {
  findTemporalCli,
  freePort,
  startDevServer,
  type DevServer,
} from '../../platform/dev/temporal-cli';
import { bearer, createKeys, type Keys } from '../helpers/api';
import { post } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

// The API in front of a Postgres reached through a proxy we can cut, and a Temporal dev server
// of its own that we can stop and start again on the same database file.
describe('outages of Postgres and Temporal', () => {
  let stack: Stack;
  let proxy: TcpProxy;
  let db: Db;
  let temporal: DevServer;
  let connection: Connection;
  let app: FastifyInstance;
  let keys: Keys;
  const dir = mkdtempSync(path.join(tmpdir(), 'stargue-outage-'));
  const dbFilename = path.join(dir, 'temporal.db');
  const cli = findTemporalCli();
  let temporalPort = 0;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    keys = await createKeys(stack);
    const pgUrl = new URL(stack.config.DATABASE_URL);
    proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    pgUrl.port = String(proxy.port);
    db = createDb(pgUrl.toString(), { max: 4, connectionTimeoutMillis: 1_500 });
    temporalPort = await freePort();
    temporal = await startDevServer({ cli: cli as string, port: temporalPort, dbFilename });
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    app = await buildApp({
      log: stack.log,
      publishing: {
        db,
        temporal: client,
        taskQueue: stack.taskQueue,
        log: stack.log,
        workflowCallTimeoutMs: 3_000,
        signer: stack.signer,
      },
      linkedin: null,
      vault: vaultFrom(stack.config),
      readiness: [
        { name: 'postgres', check: async () => void (await db.$queryRaw`SELECT 1`) },
        {
          name: 'temporal',
          check: async () => void (await connection.workflowService.getSystemInfo({})),
        },
      ],
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    // The client's gRPC retry interceptor may still hold a backoff timer from the outage; closing
    // the channel under it throws from that timer. Let it run out first.
    await new Promise((r) => setTimeout(r, 5_000));
    await connection.close();
    await temporal.stop();
    await db.$disconnect();
    await proxy.close();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const markdown = post();
  const submit = (id: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: { id, markdown },
    });

  it('when Postgres is unreachable, then requests answer 503 DB_UNAVAILABLE with Retry-After, and recover', async () => {
    assert.equal(
      (await app.inject({ method: 'GET', url: '/v1/content', headers: bearer(keys.editor) }))
        .statusCode,
      200,
    );
    await proxy.cut();
    try {
      for (const request of [
        { method: 'GET' as const, url: '/v1/content', headers: bearer(keys.editor) },
        { method: 'GET' as const, url: '/v1/kill-switch', headers: bearer(keys.operator) },
      ]) {
        const response = await app.inject(request);
        assert.equal(response.statusCode, 503, response.body);
        assert.equal(response.json().error, 'DB_UNAVAILABLE');
        assert.equal(response.headers['retry-after'], '5');
      }
      const ready = await app.inject('/readyz');
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().checks.postgres.ok, false);
      assert.equal((await app.inject('/healthz')).statusCode, 200);
    } finally {
      await proxy.restore();
    }
    await eventually(async () => {
      const r = await app.inject({
        method: 'GET',
        url: '/v1/content',
        headers: bearer(keys.editor),
      });
      return r.statusCode === 200 ? true : undefined;
    });
  });

  it('when Temporal is down, then submissions answer 503 TEMPORAL_UNAVAILABLE, and succeed once it is back', async () => {
    await temporal.stop();
    const id = uniqueId('outage');
    try {
      const response = await submit(id);
      assert.equal(response.statusCode, 503, response.body);
      assert.equal(response.json().error, 'TEMPORAL_UNAVAILABLE');
      assert.equal(response.headers['retry-after'], '5');
      const ready = await app.inject('/readyz');
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().checks.temporal.ok, false);
    } finally {
      temporal = await startDevServer({ cli: cli as string, port: temporalPort, dbFilename });
    }
    // The retry of the same submission heals the half-done first one (stored, not yet started).
    let last = '';
    const retried = await eventually(async () => {
      const r = await submit(id);
      last = `${r.statusCode} ${r.body}`;
      return r.statusCode < 300 ? r : undefined;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; last answer ${last}`);
    });
    assert.equal(retried.json().workflowId, `content:${id}:v1`);
  });
});

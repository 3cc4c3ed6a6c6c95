// Database migrations from the command line: `npm run db:migrate | db:rollback | db:status |
// db:migrate:rehearse`. Parses arguments, calls platform/db/migrations, prints; nothing else.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import {
  DatabaseUnreachableError,
  MigrationError,
  migrate,
  readRegistry,
  rehearse,
  rollback,
  status,
} from '../platform/db/migrations';
import type { MigrationStatus } from '../platform/db/migrations';
import { migrationDatabaseUrl } from '../platform/config';

const USAGE = `usage: tsx scripts/db.ts <command> [--admin-url URL]

  migrate    apply pending migrations from prisma/migrations to MIGRATION_DATABASE_URL
             (the role that owns the tables; DATABASE_URL when unset)
  rollback   run the newest applied migration's down.sql and forget it
  status     list applied, pending, changed and missing migrations (exit 1 on drift)
  rehearse   forward → down → forward of every migration on scratch databases, checking
             row counts and hashes; connects as DATABASE_URL, or --admin-url, to create them`;

const root = fileURLToPath(new URL('..', import.meta.url));
const migrationsDir = path.join(root, 'prisma', 'migrations');
const registryPath = path.join(root, 'MIGRATIONS.md');
const log = (line: string): void => console.log(line);

/** A problem with the invocation or its database URL, reported as one line. */
class CliError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { command, adminUrl } = parseCommand(argv);
  switch (command) {
    case 'help':
      log(USAGE);
      return 0;
    case 'migrate': {
      const { name, url } = ownerUrl();
      const { applied } = await naming(name, migrate(url, { migrationsDir, log }));
      log(`${applied.length} migration(s) applied`);
      return 0;
    }
    case 'rollback': {
      const { name, url } = ownerUrl();
      await naming(name, rollback(url, { migrationsDir, log }));
      return 0;
    }
    case 'status': {
      const { name, url } = ownerUrl();
      return printStatus(await naming(name, status(url, { migrationsDir })));
    }
    case 'rehearse': {
      const source = adminUrl === undefined ? 'DATABASE_URL' : '--admin-url';
      const url = databaseUrl(source, adminUrl ?? process.env.DATABASE_URL);
      const kinds = await readRegistry(registryPath);
      await naming(source, rehearse(url, { migrationsDir, kinds, log }));
      return 0;
    }
    default:
      throw new CliError(`unknown command "${command}"; run with --help for the commands`);
  }
}

function parseCommand(argv: string[]): { command: string; adminUrl: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'admin-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}; run with --help for the usage`);
  }
  if (parsed.values.help) return { command: 'help', adminUrl: undefined };
  const [command, ...extra] = parsed.positionals;
  if (!command || extra.length > 0) throw new CliError(`expected one command\n\n${USAGE}`);
  return { command, adminUrl: parsed.values['admin-url'] };
}

/** The owner role's URL: MIGRATION_DATABASE_URL, or DATABASE_URL where that is unset. */
function ownerUrl(): { name: string; url: string } {
  const { name, value } = migrationDatabaseUrl(process.env);
  return { name, url: databaseUrl(name, value) };
}

function databaseUrl(source: string, value: string | undefined): string {
  const expected = 'expected postgres://user:password@host:5432/database';
  if (!value) throw new CliError(`${source} is not set (${expected})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${source} is not a valid URL (${expected})`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new CliError(`${source} has scheme ${url.protocol} (${expected})`);
  }
  return value;
}

/** Reports an unreachable database under the name of the setting that pointed at it. */
async function naming<T>(source: string, work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw error instanceof DatabaseUnreachableError
      ? new CliError(`${source}: ${error.message}`)
      : error;
  });
}

function printStatus(current: MigrationStatus): number {
  for (const { name, finishedAt } of current.applied) {
    log(`applied  ${name}  ${finishedAt.toISOString()}`);
  }
  for (const name of current.pending) log(`pending  ${name}`);
  for (const name of current.changed)
    log(`CHANGED  ${name}: migration.sql differs from when applied`);
  for (const name of current.missing) log(`MISSING  ${name}: applied, but its directory is gone`);
  for (const name of current.failed) log(`FAILED   ${name}: started and never finished`);
  const drift = current.changed.length + current.missing.length + current.failed.length;
  log(
    drift > 0
      ? 'the database and prisma/migrations disagree: resolve the above before migrating'
      : `${current.applied.length} applied, ${current.pending.length} pending`,
  );
  return drift > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A message, never a stack: operators read this in a deploy log.
    const known = error instanceof CliError || error instanceof MigrationError;
    const message = error instanceof Error ? error.message : String(error);
    console.error(known ? message : `unexpected error: ${message}`);
    process.exit(1);
  },
);

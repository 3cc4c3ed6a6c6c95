import type { Client } from 'pg';

import { withClient } from './connect';
import { MigrationError } from './errors';
import { readDownSql, readMigrationFiles } from './files';
import type { MigrationFile } from './files';
import { judgeRestoredSchema, judgeStep } from './judge';
import type { TableLine } from './judge';
import { silent } from './log';
import type { Log } from './log';
import type { MigrationKind } from './registry';
import { formatStep } from './report';
import { migrate, rollback } from './runner';
import { withScratchDatabase } from './scratch';
import { seedTables } from './seeds';
import { readSchema, snapshotTable } from './snapshot';
import type { SchemaShape, TableSnapshot } from './snapshot';

export type RehearsalStepName = 'before' | 'forward' | 'down' | 'forward again';

const STEP_TITLES: Record<RehearsalStepName, string> = {
  before: 'before it, seeded',
  forward: 'after forward',
  down: 'after down',
  'forward again': 'after forward again',
};

export interface RehearsalStep {
  step: RehearsalStepName;
  tables: TableLine[];
}

export interface RehearsedMigration {
  name: string;
  kind: MigrationKind;
  steps: RehearsalStep[];
}

export interface RehearseOptions {
  migrationsDir: string;
  /** Each migration's kind, as registered in MIGRATIONS.md (see readRegistry). */
  kinds: ReadonlyMap<string, MigrationKind>;
  log?: Log;
}

/** A rehearsal step changed data its migration's kind must keep. */
export class RehearsalError extends MigrationError {
  override name = 'RehearsalError';
  constructor(
    readonly migration: string,
    readonly kind: MigrationKind,
    readonly step: RehearsalStepName,
    readonly problems: string[],
  ) {
    super(`rehearsal failed: ${migration} (${kind}), step "${step}": ${problems.join('; ')}`);
  }
}

/**
 * For each migration, on a fresh scratch database: applies the ones before it, seeds every table,
 * then runs forward → down → forward, checking row counts and hashes after each step.
 */
export async function rehearse(
  adminUrl: string,
  options: RehearseOptions,
): Promise<RehearsedMigration[]> {
  const { migrationsDir, kinds, log = silent } = options;
  const files = await readMigrationFiles(migrationsDir);
  const planned = withKinds(files, kinds);
  // Every migration needs a down.sql; finding out before the first scratch database is cheaper.
  await Promise.all(files.map(readDownSql));

  const rehearsed: RehearsedMigration[] = [];
  for (const [index, { file, kind }] of planned.entries()) {
    const previous = files[index - 1];
    rehearsed.push(
      await withScratchDatabase(adminUrl, 'stargue_rehearsal', async (scratch) => {
        log(`\n${file.name} (${kind}) on scratch database ${scratch.name}`);
        if (previous) await migrate(scratch.url, { migrationsDir, upTo: previous.name });
        return withClient(scratch.url, (client) =>
          rehearseOne(client, scratch.url, { file, kind, migrationsDir, log }),
        );
      }),
    );
  }
  log(`\nrehearsal passed: ${files.length} migration(s), each forward → down → forward`);
  return rehearsed;
}

interface Rehearsal {
  file: MigrationFile;
  kind: MigrationKind;
  migrationsDir: string;
  log: Log;
}

async function rehearseOne(
  client: Client,
  url: string,
  { file, kind, migrationsDir, log }: Rehearsal,
): Promise<RehearsedMigration> {
  // Row literals render timestamps in the session zone; pin it so hashes do not depend on it.
  await client.query(`SET TimeZone = 'UTC'`);
  const steps: RehearsalStep[] = [];
  const report = (step: RehearsalStepName, tables: TableLine[], problems: string[]): void => {
    steps.push({ step, tables });
    for (const line of formatStep(STEP_TITLES[step], tables)) log(`  ${line}`);
    if (problems.length > 0) throw new RehearsalError(file.name, kind, step, problems);
  };
  const seed = async (shape: SchemaShape): Promise<void> => {
    for (const table of await seedTables(client, columnsOf(shape))) {
      log(
        `  warning: table ${table} has no seed in platform/db/migrations/seeds.ts; it stays empty`,
      );
    }
  };

  const before = await readSchema(client);
  await seed(before);
  const baseline = await snapshotAll(client, before, before);
  const judge = async () => {
    const shape = await readSchema(client);
    return { shape, ...judgeStep(kind, baseline, await snapshotAll(client, shape, before)) };
  };
  const seeded = [...baseline.values()].map((snapshot) => ({
    ...snapshot,
    verdict: 'seeded' as const,
  }));
  report('before', seeded, []);

  await migrate(url, { migrationsDir, upTo: file.name });
  // Tables the migration creates get rows too, so its down.sql is rehearsed against data.
  const created = await readSchema(client);
  for (const table of before.keys()) created.delete(table);
  await seed(created);
  const forward = await judge();
  report('forward', forward.lines, forward.problems);

  await rollback(url, { migrationsDir });
  const down = await judge();
  report('down', down.lines, [...down.problems, ...judgeRestoredSchema(before, down.shape)]);

  await migrate(url, { migrationsDir, upTo: file.name });
  const again = await judge();
  report('forward again', again.lines, again.problems);
  return { name: file.name, kind, steps };
}

/**
 * Snapshots every table in `shape`. Tables that existed before the migration are hashed over
 * their old columns only, so a column the migration adds does not count as a change.
 */
async function snapshotAll(
  client: Client,
  shape: SchemaShape,
  shapeBefore: SchemaShape,
): Promise<Map<string, TableSnapshot>> {
  const snapshots = new Map<string, TableSnapshot>();
  for (const [table, columns] of [...shape].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const old = shapeBefore.get(table);
    const hashed = old
      ? [...old.keys()].filter((column) => columns.has(column))
      : [...columns.keys()];
    snapshots.set(table, await snapshotTable(client, table, hashed));
  }
  return snapshots;
}

function withKinds(
  files: MigrationFile[],
  kinds: ReadonlyMap<string, MigrationKind>,
): { file: MigrationFile; kind: MigrationKind }[] {
  const planned = files.flatMap((file) => {
    const kind = kinds.get(file.name);
    return kind ? [{ file, kind }] : [];
  });
  if (planned.length < files.length) {
    const unregistered = files.filter((file) => !kinds.has(file.name)).map((file) => file.name);
    throw new MigrationError(
      `not in the MIGRATIONS.md registry, so their kind is unknown: ${unregistered.join(', ')}`,
    );
  }
  return planned;
}

function columnsOf(shape: SchemaShape): Map<string, string[]> {
  return new Map([...shape].map(([table, columns]) => [table, [...columns.keys()]]));
}

// The migration runner: Prisma-layout SQL migrations applied over `pg`, compatible with
// `prisma migrate status/deploy`, plus a rehearsal that runs them forward and back.
export { DatabaseUnreachableError, MigrationError } from './errors';
export { readRegistry, parseRegistry, MIGRATION_KINDS } from './registry';
export type { MigrationKind } from './registry';
export { migrate, rollback, status } from './runner';
export type {
  MigrateOptions,
  MigrateResult,
  MigrationStatus,
  RollbackResult,
  RunnerOptions,
} from './runner';
export { rehearse, RehearsalError } from './rehearse';
export type {
  RehearsalStep,
  RehearsalStepName,
  RehearsedMigration,
  RehearseOptions,
} from './rehearse';
export { withScratchDatabase } from './scratch';
export type { ScratchDatabase } from './scratch';
export { MIGRATION_LOCK_KEY } from './lock';
export type { Log } from './log';

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureRuntimeLogin, urlAs } from '../../platform/db/roles';

export const DEFAULT_ADMIN_URL = 'postgres://stargue:stargue@127.0.0.1:5432/postgres';

export function adminUrl(): string {
  return process.env.TEST_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_URL;
}

/**
 * The login the worker and API under test use: a member of the runtime group role, so tests run
 * the application with the privileges production gives it. Fixed name and password, so test runs
 * on one cluster side by side agree (test/run.ts creates it).
 */
export const TEST_RUNTIME_LOGIN = { name: 'stargue_test_app', password: 'stargue_test_app' };

/**
 * Sets up TEST_RUNTIME_LOGIN on the cluster behind `admin` (test/run.ts, once per run). The admin
 * also becomes a member of it, so `dropDatabase` may end the sessions that login left open, as
 * it ends its own.
 */
export async function prepareRuntimeLogin(admin: string): Promise<void> {
  await ensureRuntimeLogin(admin, TEST_RUNTIME_LOGIN);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`GRANT ${client.escapeIdentifier(TEST_RUNTIME_LOGIN.name)} TO CURRENT_USER`);
  } finally {
    await client.end();
  }
}

/** A database's URL as the runtime login, once test/run.ts has set that login up. */
export function runtimeUrlFor(databaseUrl: string): string {
  return process.env.TEST_RUNTIME_DATABASE_URL
    ? urlAs(databaseUrl, TEST_RUNTIME_LOGIN)
    : databaseUrl;
}

export function databaseUrlFor(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a database with a unique name — empty, or a copy of `template` (a migrated database
 * with no open connections) — and returns its URL.
 */
export async function createScratchDatabase(
  prefix = 'stargue_test',
  admin = adminUrl(),
  template?: string,
): Promise<string> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const from = template ? ` TEMPLATE "${new URL(template).pathname.slice(1)}"` : '';
    await client.query(`CREATE DATABASE "${name}"${from}`);
  } finally {
    await client.end();
  }
  return databaseUrlFor(admin, name);
}

export async function dropDatabase(databaseUrl: string, admin = adminUrl()): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

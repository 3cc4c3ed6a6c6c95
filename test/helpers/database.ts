import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgres://stargue:stargue@127.0.0.1:5432/postgres';

export function adminUrl(): string {
  return process.env.TEST_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_URL;
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

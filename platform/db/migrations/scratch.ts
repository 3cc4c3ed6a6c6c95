import { randomBytes } from 'node:crypto';

import { escapeIdentifier } from 'pg';

import { withClient } from './connect';
import { MigrationError } from './errors';

export interface ScratchDatabase {
  name: string;
  url: string;
}

/**
 * Creates an empty database with a random name next to the admin URL's, hands it to `work`, and
 * drops it afterwards whether `work` succeeded or not.
 */
export async function withScratchDatabase<T>(
  adminUrl: string,
  prefix: string,
  work: (database: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (admin) =>
    admin.query(`CREATE DATABASE ${escapeIdentifier(name)}`).catch((error: unknown) => {
      throw new MigrationError(
        `cannot create scratch database ${name} (the role needs CREATEDB): ` +
          `${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }),
  );
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await work({ name, url: url.toString() });
  } finally {
    // FORCE ends sessions a failed step may have left open, so the drop cannot hang on them.
    await withClient(adminUrl, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`),
    );
  }
}

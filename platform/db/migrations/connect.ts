import { Client } from 'pg';

import { DatabaseUnreachableError, describeConnectionFailure, describeTarget } from './errors';

const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one connection for the duration of `work`; advisory locks are held per connection. */
export async function withClient<T>(
  databaseUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'stargue-migrations',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A connection dropped between queries is emitted as 'error'; unhandled it would crash the
  // process, while the next query on this client rejects with the cause anyway.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnreachableError(
      `cannot connect to ${describeTarget(databaseUrl)}: ${describeConnectionFailure(error)}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` in one transaction: everything it did commits together or not at all. */
export async function inTransaction<T>(client: Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // If ROLLBACK itself fails the connection is gone and Postgres has rolled back already;
    // the original error is the one worth reporting.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

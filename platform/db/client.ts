import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';

export type Db = PrismaClient;
export { Prisma } from '../../generated/prisma/client';
export type { AuditSeal, Channel, LinkedinToken, Publication } from '../../generated/prisma/client';

export interface DbOptions {
  /** Pool size; the API and the worker each keep one pool. */
  max?: number;
  /** Fail fast instead of queueing for ever when Postgres is down or the pool is exhausted. */
  connectionTimeoutMillis?: number;
}

export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 3_000,
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}

import { createHash } from 'node:crypto';
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
  /** Distinct statements prepared once per connection (0: every statement unnamed). */
  statementCache?: number;
}

/** The default of DATABASE_STATEMENT_CACHE: every statement the code has, with room to spare. */
const DEFAULT_STATEMENT_CACHE = 200;

export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 3_000,
      idleTimeoutMillis: 30_000,
    },
    { statementNameGenerator: statementNames(options.statementCache ?? DEFAULT_STATEMENT_CACHE) },
  );
  return new PrismaClient({ adapter });
}

type NameGenerator = NonNullable<
  NonNullable<ConstructorParameters<typeof PrismaPg>[1]>['statementNameGenerator']
>;

/**
 * Names each distinct SQL text, so that every pooled connection parses it once and then only binds
 * and runs it: the publish path's statements cost Postgres well under half the CPU that way
 * (docs/performance.md, G2). Only the first `limit` texts a process meets are named; later ones
 * (a shape built from a list of varying length, say) run unnamed, so neither the client's nor
 * Postgres's per-connection store of statements grows without bound. An empty name is unnamed.
 */
function statementNames(limit: number): NameGenerator {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined || names.size >= limit) return known ?? '';
    const name = `stargue_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
    names.set(sql, name);
    return name;
  };
}

import { isIP, isIPv4 } from 'node:net';
import { z } from 'zod';
import { DEFAULT_LINKEDIN_VERSION } from '../outlets/linkedin/versions';

const base64Key = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    message: 'must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
  });

const keyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, `_` or `-`');

/** `id:base64,…` — a keyring of 32-byte keys (old token keys, public verification keys). */
const keyList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const keys: { id: string; key: string }[] = [];
    for (const entry of (value ?? '').split(',').filter((e) => e.trim() !== '')) {
      const [id, key, ...rest] = entry.trim().split(':');
      if (
        !id ||
        !key ||
        rest.length > 0 ||
        !keyId.safeParse(id).success ||
        !base64Key.safeParse(key).success
      ) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be `id:base64key` entries separated by commas',
        });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    return keys;
  });

// proxy-addr's forms (what Fastify's trustProxy takes): an address, a CIDR, or a named range.
const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustedProxies = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const entries = (value ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    for (const entry of entries) {
      const [address = '', bits, ...rest] = entry.split('/');
      const okBits =
        bits === undefined ||
        (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIPv4(address) ? 32 : 128));
      if (!(PROXY_KEYWORDS.has(entry) || (isIP(address) !== 0 && okBits && rest.length === 0))) {
        ctx.addIssue({
          code: 'custom',
          message: `must list addresses, CIDRs or loopback/linklocal/uniquelocal; not \`${entry.slice(0, 60)}\``,
        });
        return z.NEVER;
      }
    }
    return entries;
  });

const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

/** Every setting Stargue reads, each with why it exists. Parsed once at start-up. */
export const ConfigSchema = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .describe('Postgres connection string, e.g. postgres://user:pass@host:5432/stargue'),
  DATABASE_STATEMENT_CACHE: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe(
      'Distinct SQL statements each process prepares once per connection (default 200); 0 behind a PgBouncer older than 1.21 or without max_prepared_statements',
    ),
  TEMPORAL_ADDRESS: z
    .string()
    .min(1)
    .default('127.0.0.1:7233')
    .describe('Temporal frontend host:port'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('publishing').describe('Task queue of the worker'),
  TEMPORAL_API_KEY: z.string().min(1).optional().describe('Temporal Cloud API key (enables TLS)'),
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Connect to Temporal over TLS'),
  API_HOST: z.string().min(1).default('127.0.0.1').describe('Interface the REST API listens on'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('REST API port'),
  API_KEY_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(5)
    .describe('How long the API remembers a key lookup; a revoked key works at most this long'),
  TRUST_PROXY: trustedProxies.describe(
    'Proxies in front of the API whose X-Forwarded-For/-Proto are believed: addresses, CIDRs or loopback/linklocal/uniquelocal, comma-separated; none when unset',
  ),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1200)
    .describe('Requests per minute per client address on one API instance before 429'),
  AUTH_FAILURES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe(
      'Failed authentications per minute per client address before every authenticated route answers 429',
    ),
  METRICS_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe("Interface the API's Prometheus listener binds to"),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      "Port of the API's Prometheus /metrics, apart from the public API port; off when unset",
    ),
  TOKEN_ENCRYPTION_KEY: base64Key.describe(
    'Current key sealing OAuth tokens at rest: base64 of 32 bytes',
  ),
  TOKEN_ENCRYPTION_KEY_ID: keyId
    .default('k1')
    .describe('Id stored beside every ciphertext sealed with the current key'),
  TOKEN_ENCRYPTION_OLD_KEYS: keyList.describe(
    'Older keys still able to open tokens during a rotation: `id:base64,…`',
  ),
  APPROVAL_SIGNING_KEY: base64Key
    .optional()
    .describe(
      'API only: ed25519 seed (base64 of 32 bytes) that signs every decision the API sends to a workflow',
    ),
  APPROVAL_SIGNING_KEY_ID: keyId
    .default('a1')
    .describe('Id of APPROVAL_SIGNING_KEY, sent with each signature'),
  APPROVAL_VERIFY_KEYS: keyList.describe(
    'Worker only: public keys (`id:base64,…`) whose signatures on decisions the worker accepts',
  ),
  LINKEDIN_API_BASE: httpUrl.default('https://api.linkedin.com').describe('LinkedIn API base URL'),
  LINKEDIN_OAUTH_BASE: httpUrl
    .default('https://www.linkedin.com/oauth/v2')
    .describe('LinkedIn OAuth base URL'),
  LINKEDIN_CLIENT_ID: z.string().min(1).optional().describe('LinkedIn app client id'),
  LINKEDIN_CLIENT_SECRET: z.string().min(1).optional().describe('LinkedIn app client secret'),
  LINKEDIN_REDIRECT_URI: z.url().optional().describe('Registered OAuth redirect URI, exact'),
  LINKEDIN_VERSION: z
    .string()
    .regex(/^\d{4}(0[1-9]|1[0-2])$/, `must be YYYYMM, e.g. ${DEFAULT_LINKEDIN_VERSION}`)
    .default(DEFAULT_LINKEDIN_VERSION)
    .describe(
      'LinkedIn-Version header of every LinkedIn call; the API and the worker refuse to start once LinkedIn has sunset it, and warn 60 days before',
    ),
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(25 * 1024 * 1024)
    .describe(
      'Largest file POST /v1/media stores (also that route’s body limit); images are held to 5 MiB and PDFs to 100 MiB regardless',
    ),
  LINKEDIN_MEDIA_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600)
    .default(20)
    .describe(
      'After uploading media LinkedIn will not let the token read the status of: wait this long before creating the post',
    ),
  BLUESKY_DEFAULT_SERVICE: httpUrl
    .default('https://bsky.social')
    .describe(
      'Where a Bluesky channel signs in when POST /v1/channels names no service: its PDS or an entryway',
    ),
  BLUESKY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(120_000)
    .default(20_000)
    .describe(
      'Deadline of each Bluesky call (sign-in, create, read-back); past it the outcome is resolved by reading back',
    ),
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional()
    .describe("Where the worker serves the Temporal SDK's Prometheus metrics; off when unset"),
  AUDIT_SIGNING_KEY: base64Key
    .optional()
    .describe(
      'ed25519 seed (base64 of 32 bytes) the worker signs audit seals with; sealing is off when unset',
    ),
  AUDIT_SIGNING_KEY_ID: keyId
    .default('a1')
    .describe('Id stored beside every audit seal signed with AUDIT_SIGNING_KEY'),
  AUDIT_VERIFY_KEYS: keyList.describe(
    'Public keys audit:verify accepts on seals, current and retired: `id:base64,…`',
  ),
  AUDIT_SEAL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(2_000)
    .describe('How often the worker seals the audit rows written since the last seal'),
  AUDIT_CHECKPOINT_DIR: z
    .string()
    .min(1)
    .optional()
    .describe('Where audit:verify keeps its checkpoint, outside the database'),
  AUDIT_CHECKPOINT_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('HMAC key signing the audit:verify checkpoint file'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
});

export type Config = Readonly<z.output<typeof ConfigSchema>>;

/**
 * What the migration commands (`npm run db:*`) read. Kept apart from ConfigSchema on purpose:
 * the worker and the API never see the owner role's URL (docs/operations.md, "Database roles").
 */
export const MigrationConfigSchema = z.object({
  MIGRATION_DATABASE_URL: z
    .string()
    .optional()
    .describe(
      'Connection of the role that owns the tables and runs migrations; DATABASE_URL when unset (development)',
    ),
  DATABASE_URL: z.string().optional().describe('Used for migrations only when the above is unset'),
});

/** The URL migrations connect with, and the name of the variable it came from (for messages). */
export function migrationDatabaseUrl(env: NodeJS.ProcessEnv = process.env): {
  name: keyof z.output<typeof MigrationConfigSchema>;
  value: string | undefined;
} {
  const { MIGRATION_DATABASE_URL: owner, DATABASE_URL: app } = MigrationConfigSchema.parse({
    MIGRATION_DATABASE_URL: env.MIGRATION_DATABASE_URL || undefined,
    DATABASE_URL: env.DATABASE_URL || undefined,
  });
  return owner !== undefined
    ? { name: 'MIGRATION_DATABASE_URL', value: owner }
    : { name: 'DATABASE_URL', value: app };
}

/** A configuration problem worth one clear line: the variable and what is wrong with it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? 'config');
      const message =
        i.code === 'invalid_type' && input[key] === undefined ? 'is required' : i.message;
      return `${key} ${message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Only the named keys, for a command that needs no more (e.g. `npm run audit:verify`). */
export function loadConfigKeys<K extends keyof typeof ConfigSchema.shape>(
  keys: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Pick<Config, K>> {
  const schema = z.object(Object.fromEntries(keys.map((k) => [k, ConfigSchema.shape[k]])));
  return Object.freeze(parseEnv(schema, env)) as unknown as Readonly<Pick<Config, K>>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseEnv(ConfigSchema, env);
  if (config.TOKEN_ENCRYPTION_OLD_KEYS.some((k) => k.id === config.TOKEN_ENCRYPTION_KEY_ID)) {
    throw new ConfigError(
      'Invalid configuration: TOKEN_ENCRYPTION_OLD_KEYS must not repeat TOKEN_ENCRYPTION_KEY_ID',
    );
  }
  return Object.freeze(config);
}

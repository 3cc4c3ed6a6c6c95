import { z } from 'zod';
import { DEFAULT_LINKEDIN_VERSION } from '../outlets/linkedin/versions';

const base64Key = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    message: 'must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
  });

const keyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, `_` or `-`');

const oldKeys = z
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

const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

/** Every setting Stargue reads, each with why it exists. Parsed once at start-up. */
export const ConfigSchema = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .describe('Postgres connection string, e.g. postgres://user:pass@host:5432/stargue'),
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
  TOKEN_ENCRYPTION_KEY: base64Key.describe(
    'Current key sealing OAuth tokens at rest: base64 of 32 bytes',
  ),
  TOKEN_ENCRYPTION_KEY_ID: keyId
    .default('k1')
    .describe('Id stored beside every ciphertext sealed with the current key'),
  TOKEN_ENCRYPTION_OLD_KEYS: oldKeys.describe(
    'Older keys still able to open tokens during a rotation: `id:base64,…`',
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
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional()
    .describe("Where the worker serves the Temporal SDK's Prometheus metrics; off when unset"),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
});

export type Config = Readonly<z.output<typeof ConfigSchema>>;

/** A configuration problem worth one clear line: the variable and what is wrong with it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? 'config');
      const message =
        i.code === 'invalid_type' && input[key] === undefined ? 'is required' : i.message;
      return `${key} ${message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  if (
    parsed.data.TOKEN_ENCRYPTION_OLD_KEYS.some((k) => k.id === parsed.data.TOKEN_ENCRYPTION_KEY_ID)
  ) {
    throw new ConfigError(
      'Invalid configuration: TOKEN_ENCRYPTION_OLD_KEYS must not repeat TOKEN_ENCRYPTION_KEY_ID',
    );
  }
  return Object.freeze(parsed.data);
}

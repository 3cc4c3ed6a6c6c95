import { z } from 'zod';

// The MCP server is a plain client of the REST API: these are all it reads. No database URL, no
// Temporal address, no encryption key — so whoever holds an assistant's MCP configuration holds
// one integration key, which the API checks (and can revoke) on every call.

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const McpConfigSchema = z.object({
  STARGUE_API_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http(s) URL, e.g. https://stargue.example.com',
    })
    .refine((u) => u.startsWith('https://') || LOCAL_HOSTS.has(new URL(u).hostname), {
      message:
        'must be https:// unless the API runs on this machine (the key travels with each call)',
    })
    .transform((u) => u.replace(/\/+$/, ''))
    .describe('Base URL of the Stargue REST API'),
  STARGUE_API_KEY: z
    .string()
    .regex(
      /^stg_[A-Za-z0-9_-]{16,200}$/,
      'must be a Stargue API key (stg_…), of the integration role',
    )
    .describe('An integration API key (`npm run apikey -- create --role integration`)'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level (logs go to stderr: stdout carries the protocol)'),
});

export type McpConfig = Readonly<z.output<typeof McpConfigSchema>>;

/** Parses the environment once; a problem is one line naming the variable, never its value. */
export function loadMcpConfig(env: NodeJS.ProcessEnv): McpConfig {
  const input = Object.fromEntries(
    Object.keys(McpConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = McpConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? 'config');
      return `${key} ${input[key] === undefined ? 'is required' : i.message}`;
    });
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}

import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

// Keys whose values are secrets or personal data wherever they sit in a logged object.
const SENSITIVE_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'apikey',
    'api_key',
    'key',
    'accesstoken',
    'access_token',
    'refreshtoken',
    'refresh_token',
    'idtoken',
    'id_token',
    'token',
    'tokens',
    'clientsecret',
    'client_secret',
    'secret',
    'password',
    'oauthcode',
    'oauthstate',
    'email',
    'plaintext',
  ].map((k) => k.toLowerCase()),
);

// Secrets that travel inside strings: URLs with OAuth parameters, bearer headers, emails.
const STRING_PATTERNS: [RegExp, string][] = [
  [/((?:^|[?&#\s"'])(?:code|state)=)[^&#\s"']+/gi, '$1[Redacted]'],
  [
    /\b((?:access_token|refresh_token|client_secret|id_token)["']?\s*[=:]\s*["']?)[^&#\s"',}]+/gi,
    '$1[Redacted]',
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [Redacted]'],
  [/\bstg_[A-Za-z0-9_-]{16,}/g, '[Redacted]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
];

const REDACTED = '[Redacted]';
const MAX_DEPTH = 8;

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Returns a copy of `value` with sensitive keys and secret-looking substrings redacted. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const source =
    value instanceof Error
      ? { ...value, type: value.name, message: value.message, stack: value.stack }
      : (value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) {
    out[k] =
      SENSITIVE_KEYS.has(k.toLowerCase()) && v != null ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

interface RequestLike {
  method?: string;
  url?: string;
  hostname?: string;
  host?: string;
  ip?: string;
  id?: string;
}

function shapeHttp(object: Record<string, unknown>): Record<string, unknown> {
  const { req, res } = object as { req?: RequestLike; res?: { statusCode?: number } };
  if (!req && !res) return object;
  return {
    ...object,
    ...(req && typeof req === 'object'
      ? {
          req: {
            method: req.method,
            url: req.url,
            host: req.hostname ?? req.host,
            remoteAddress: req.ip,
          },
        }
      : {}),
    ...(res && typeof res === 'object' ? { res: { statusCode: res.statusCode } } : {}),
  };
}

export interface LoggerSettings {
  level: string;
  name: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  destination?: pino.DestinationStream;
  pretty?: boolean;
}

/** The one logger factory behind the API, the worker, the Temporal runtime and the CLIs. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level,
    base: { service: settings.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: (err: unknown) => redact(err) as object },
    formatters: {
      level: (label) => ({ level: label }),
      // Formatters run before pino's serializers: shape requests and responses here, then redact,
      // so access logs keep method, URL (secrets scrubbed) and status.
      log: (object) => redact(shapeHttp(object)) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<
            typeof method
          >,
        );
      },
    },
  };
  if (settings.destination) return pino(options, settings.destination);
  const pretty = settings.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

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
    'passwd',
    'oauthcode',
    'oauthstate',
    'email',
    'plaintext',
    'csrf',
    'csrftoken',
    'csrf_token',
    'x-csrf-token',
    'session',
    'sessionid',
    'session_id',
    'stargue_session',
  ].map((k) => k.toLowerCase()),
);

/**
 * Secrets that travel inside strings. Every pattern runs in time linear in its input, also on
 * hostile text (test/platform/logger.test.ts runs each on 32 KiB of it): each one starts with a
 * literal or a lookbehind, so a long run of letters is scanned from one place only, never from
 * each of its characters.
 */
export const REDACTION_PATTERNS: readonly { name: string; pattern: RegExp; replacement: string }[] =
  [
    {
      name: 'OAuth and session parameters',
      pattern:
        /((?:^|[?&#;\s"'])(?:code|state|csrf|csrf_token|session|sid|stargue_session)=)[^&#;\s"']+/gi,
      replacement: '$1[Redacted]',
    },
    {
      name: 'named secrets (key=value, key: value, "key":"value")',
      pattern:
        /\b((?:access_token|refresh_token|client_secret|id_token|password|passwd|api_?key|csrf_?token|x-csrf-token|session_?id)["']?\s*[=:]\s*["']?)[^&#\s"',;}]+/gi,
      replacement: '$1[Redacted]',
    },
    {
      name: 'Authorization header values',
      pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
      replacement: '$1 [Redacted]',
    },
    { name: 'Stargue API keys', pattern: /\bstg_[A-Za-z0-9_-]{16,}/g, replacement: '[Redacted]' },
    {
      // postgres://user:password@host: the password, up to the last `@` of the authority.
      name: 'passwords in URLs',
      pattern: /(:\/\/[^\s:/?#@]{0,256}:)[^\s/?#]{1,512}@/g,
      replacement: '$1[Redacted]@',
    },
    {
      name: 'e-mail addresses',
      pattern:
        /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
      replacement: '[email]',
    },
  ];

const REDACTED = '[Redacted]';
const MAX_DEPTH = 8;
/** Longest string written as it is; longer ones are cut before any pattern sees them. */
export const MAX_LOGGED_STRING = 8 * 1024;
/** Longest request URL written to the access log. */
export const MAX_LOGGED_URL = 2 * 1024;
// Characters a secret token may be made of: a cut steps back over them so that no half token,
// which no pattern would recognise any more, is left at the edge.
const TOKEN_CHAR = /[^\s&?#=:;,"'<>()[\]{}|\\]/;

/** `value` cut to at most `max` characters at a token boundary, with how much was cut. */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max;
  if (TOKEN_CHAR.test(value[end] ?? ' ')) {
    while (end > 0 && TOKEN_CHAR.test(value[end - 1] as string)) end--;
  }
  return `${value.slice(0, end)}…[cut ${value.length - end} chars]`;
}

export function scrubString(value: string, max = MAX_LOGGED_STRING): string {
  let out = cut(value, max);
  for (const { pattern, replacement } of REDACTION_PATTERNS) {
    out = out.replace(pattern, replacement);
  }
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
    out[cut(k, 256)] =
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
            url: typeof req.url === 'string' ? cut(req.url, MAX_LOGGED_URL) : req.url,
            host: req.hostname ?? req.host,
            // Named as Fastify's own `req` serializer, which its request loggers run after this,
            // reads it; `serializers.req` below names it remoteAddress everywhere else.
            ip: req.ip,
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
    serializers: {
      err: (err: unknown) => redact(err) as object,
      req: ({ ip, ...rest }: { ip?: string }) => ({ ...rest, remoteAddress: ip }),
    },
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
  // Written asynchronously: a synchronous write per line held the API's event loop for ~0.6 ms
  // per line in G3 (two lines per request; docs/performance.md). Pino flushes what is buffered
  // when the process exits, so only a line logged in the instant before a SIGKILL can be lost.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

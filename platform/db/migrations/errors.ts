/** A refusal or failure the operator can act on; the CLI prints its message without a stack. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** The database could not be reached or refused the login; the message never holds a password. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is Postgres running and listening there?)',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

const POSTGRES_CODES: Record<string, string> = {
  '28P01': 'password authentication failed',
  '28000': 'login refused (role missing or not allowed to log in)',
  '3D000': 'database does not exist',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
};

/** Says why a connection attempt failed, in words an operator can act on. */
export function describeConnectionFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const known = NETWORK_CODES[code] ?? POSTGRES_CODES[code];
    if (known) return known;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Where a URL points, without its password: `user@host:port/database`. */
export function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `${user}${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'an unparseable URL';
  }
}

// Prisma with the pg adapter reports driver errors in a few shapes; these helpers read them.

interface PrismaLikeError {
  code?: string;
  meta?: {
    target?: unknown;
    driverAdapterError?: { cause?: { constraint?: unknown; kind?: string; originalCode?: string } };
  };
  message?: string;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as PrismaLikeError | null;
  if (e?.code !== 'P2002') return false;
  if (constraint === undefined) return true;
  const cause = e.meta?.driverAdapterError?.cause?.constraint;
  const name =
    typeof cause === 'object' && cause !== null && 'index' in cause ? cause.index : cause;
  return name === constraint || JSON.stringify(e.meta?.target ?? '').includes(constraint);
}

const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
]);

/** True when the database could not be reached or refused the connection: worth a 503 and a retry. */
export function isDbUnavailable(err: unknown): boolean {
  const e = err as (PrismaLikeError & { name?: string; cause?: unknown }) | null;
  if (!e) return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'PrismaClientInitializationError') return true;
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  const original = e.meta?.driverAdapterError?.cause?.originalCode;
  if (
    kind === 'DatabaseNotReachable' ||
    kind === 'ConnectionClosed' ||
    kind === 'TooManyConnections'
  )
    return true;
  if (original && UNAVAILABLE_NODE_CODES.has(original)) return true;
  const message = e.message ?? '';
  return /ECONNREFUSED|Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database|the database system is (shutting down|starting up)|too many clients/i.test(
    message,
  );
}

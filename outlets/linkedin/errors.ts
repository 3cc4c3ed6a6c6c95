export type UnauthorizedReason = 'expired' | 'revoked' | 'invalid' | 'missing';

/** The parts of a LinkedIn error body the client acts on (raw, not yet sanitized). */
export interface LinkedInError {
  status: number;
  serviceErrorCode?: number;
  code?: string;
  message: string;
  inputErrorCodes: string[];
}

const DUPLICATE_PATTERN = /Content is a duplicate of (urn:li:(?:share|ugcPost):\d+)/;
const PERMISSION_PATTERN = /Not enough permissions to access: ([^\s"]+)/;

/** Reads LinkedIn's JSON error body; undefined when it is not one (an HTML page, a proxy's text). */
export function parseLinkedInError(status: number, body: string): LinkedInError | undefined {
  const json = parseJsonObject(body);
  if (!json) return undefined;
  const { serviceErrorCode, code, message } = json;
  const inputErrorCodes = readInputErrorCodes(json.errorDetails);
  const looksLikeError =
    typeof message === 'string' ||
    typeof code === 'string' ||
    typeof serviceErrorCode === 'number' ||
    inputErrorCodes.length > 0;
  if (!looksLikeError) return undefined;
  return {
    status,
    ...(typeof serviceErrorCode === 'number' ? { serviceErrorCode } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    message: typeof message === 'string' ? message : '',
    inputErrorCodes,
  };
}

export function unauthorizedReason(error: LinkedInError): UnauthorizedReason {
  if (error.serviceErrorCode === 65602 || error.code === 'EXPIRED_ACCESS_TOKEN') return 'expired';
  if (error.serviceErrorCode === 65601 || error.code === 'REVOKED_ACCESS_TOKEN') return 'revoked';
  if (/Empty oauth2_access_token/i.test(error.message)) return 'missing';
  return 'invalid';
}

/** The resource LinkedIn says the token may not access, e.g. `partnerApiPostsExternal.GET.20260901`. */
export function missingPermission(error: LinkedInError): string | undefined {
  return PERMISSION_PATTERN.exec(error.message)?.[1];
}

/** The earlier post a 422 names; matched loosely because LinkedIn wraps it in exception text. */
export function duplicateOf(error: LinkedInError): string | undefined {
  const isDuplicate =
    error.inputErrorCodes.includes('DUPLICATE_POST') || DUPLICATE_PATTERN.test(error.message);
  return isDuplicate ? DUPLICATE_PATTERN.exec(error.message)?.[1] : undefined;
}

export function isCommentaryTooLong(error: LinkedInError): boolean {
  return (
    error.inputErrorCodes.includes('FIELD_ARRAY_SIZE_TOO_HIGH') ||
    /ShareCommentary text length/.test(error.message)
  );
}

/** `Retry-After` as delay seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function readInputErrorCodes(errorDetails: unknown): string[] {
  if (!isRecord(errorDetails) || !Array.isArray(errorDetails.inputErrors)) return [];
  return errorDetails.inputErrors.flatMap((inputError: unknown) =>
    isRecord(inputError) && typeof inputError.code === 'string' ? [inputError.code] : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

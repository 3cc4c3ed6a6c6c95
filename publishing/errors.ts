import type { Issue } from '../contracts/issues';

export const ErrorCode = {
  Validation: 'VALIDATION_FAILED',
  NotFound: 'NOT_FOUND',
  VersionConflict: 'VERSION_CONFLICT',
  InvalidState: 'INVALID_STATE',
  StaleContentHash: 'STALE_CONTENT_HASH',
  TemporalUnavailable: 'TEMPORAL_UNAVAILABLE',
  DbUnavailable: 'DB_UNAVAILABLE',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  CsrfFailed: 'CSRF_FAILED',
  BadRequest: 'BAD_REQUEST',
  OAuthFailed: 'OAUTH_FAILED',
  NotConfigured: 'NOT_CONFIGURED',
  /** The worker refused the API's own signature: the two are configured with different keys. */
  DecisionUnverified: 'DECISION_UNVERIFIED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** A channel name or account already taken, or an account that is not the channel's. */
  ChannelConflict: 'CHANNEL_CONFLICT',
  /** An outlet (Bluesky's server) could not be reached or answered with an error of its own. */
  OutletUnavailable: 'OUTLET_UNAVAILABLE',
} as const;
export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS: Record<ErrorCodeName, number> = {
  VALIDATION_FAILED: 422,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  INVALID_STATE: 409,
  STALE_CONTENT_HASH: 409,
  TEMPORAL_UNAVAILABLE: 503,
  DB_UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  BAD_REQUEST: 400,
  OAUTH_FAILED: 400,
  NOT_CONFIGURED: 503,
  DECISION_UNVERIFIED: 503,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CHANNEL_CONFLICT: 409,
  OUTLET_UNAVAILABLE: 502,
};

/** An error meant for the caller: a stable code, a plain message, and the HTTP status it maps to. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string): AppError =>
  new AppError(ErrorCode.NotFound, `${what} not found`);

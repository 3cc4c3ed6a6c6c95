/** The error bodies LinkedIn sends (LINKEDIN.md §2–§5), byte-for-byte where they were observed. */
import { json, type Reply } from './reply';

const RESTLI_ERROR = { 'x-restli-error-response': 'true' };

export type TokenProblem = 'missing' | 'invalid' | 'revoked' | 'expired';

const TOKEN_ERRORS: Record<TokenProblem, Record<string, unknown>> = {
  missing: { status: 401, serviceErrorCode: 401, message: 'Empty oauth2_access_token' },
  invalid: {
    status: 401,
    serviceErrorCode: 65600,
    code: 'INVALID_ACCESS_TOKEN',
    message: 'Invalid access token',
  },
  revoked: {
    status: 401,
    serviceErrorCode: 65601,
    code: 'REVOKED_ACCESS_TOKEN',
    message: 'The token used in the request has been revoked by the user',
  },
  expired: {
    status: 401,
    serviceErrorCode: 65602,
    code: 'EXPIRED_ACCESS_TOKEN',
    message: 'The token used in the request has expired',
  },
};

export function restError(status: number, body: Record<string, unknown>): Reply {
  return json(status, body, RESTLI_ERROR);
}

export function tokenError(problem: TokenProblem): Reply {
  return restError(401, TOKEN_ERRORS[problem]);
}

export function accessDenied(resource: string): Reply {
  return restError(403, {
    status: 403,
    serviceErrorCode: 100,
    code: 'ACCESS_DENIED',
    message: `Not enough permissions to access: ${resource}`,
  });
}

export function versionMissing(): Reply {
  return json(
    400,
    {
      status: 400,
      code: 'VERSION_MISSING',
      message:
        'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
    },
    { ...RESTLI_ERROR, 'x-restli-gateway-error': 'true' },
  );
}

export function versionInactive(shownVersion: string): Reply {
  return json(
    426,
    {
      status: 426,
      code: 'NONEXISTENT_VERSION',
      message: `Requested version ${shownVersion} is not active`,
    },
    { ...RESTLI_ERROR, 'x-restli-gateway-error': 'true' },
  );
}

export function notFound(message = 'Not Found'): Reply {
  return restError(404, { status: 404, code: 'NOT_FOUND', message });
}

export function badRequest(message: string): Reply {
  return restError(400, { status: 400, message });
}

/** Rest.li schema validation; the exact body is UNCONFIRMED. */
export function unprocessable(problems: string[]): Reply {
  return restError(422, { status: 422, message: problems.map((line) => `${line}\n`).join('') });
}

export function commentaryTooLong(commentary: string): Reply {
  return restError(400, {
    errorDetailType: 'com.linkedin.common.error.BadRequest',
    message: `com.linkedin.content.common.exception.BadRequestResponseException: ShareCommentary text length (${commentary.length} characters) exceeded the maximum allowed (3000 characters)`,
    errorDetails: {
      inputErrors: [
        {
          description: 'Size of array cannot be higher than the maxLength',
          input: { value: { stringValue: commentary } },
          code: 'FIELD_ARRAY_SIZE_TOO_HIGH',
          maxLength: 3000,
        },
      ],
    },
    status: 400,
  });
}

export function duplicatePost(earlierUrn: string): Reply {
  return restError(422, {
    errorDetailType: 'com.linkedin.common.error.BadRequest',
    message: `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${earlierUrn}`,
    errorDetails: {
      inputErrors: [
        { description: 'Duplicate post is detected', input: {}, code: 'DUPLICATE_POST' },
      ],
    },
    status: 422,
  });
}

export function tooManyRequests(retryAfter?: string): Reply {
  const reply = restError(429, {
    status: 429,
    serviceErrorCode: 101,
    code: 'TOO_MANY_REQUESTS',
    message: 'Resource level throttle limit for calls to this resource is reached.',
  });
  return retryAfter === undefined
    ? reply
    : { ...reply, headers: { ...reply.headers, 'retry-after': retryAfter } };
}

export function serverError(status: number): Reply {
  return restError(status, { status, message: 'Internal Server Error' });
}

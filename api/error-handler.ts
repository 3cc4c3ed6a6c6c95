import type { FastifyError, FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import type { Issue } from '../contracts/issues';
import { AppError } from '../publishing/errors';
import { mapError } from '../publishing/temporal-errors';

const RETRY_AFTER_SECONDS = '5';

/** The one place errors meet HTTP: every answer is `{error, message, issues?}`, never a stack. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });

  app.setErrorHandler((rawError: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(rawError)) {
      const issues: Issue[] = rawError.validation.map((v) => ({
        path: [rawError.validationContext, ...v.instancePath.split('/').filter(Boolean)]
          .filter(Boolean)
          .join('.'),
        code: 'INVALID',
        message: v.message ?? 'is invalid',
      }));
      return reply
        .code(422)
        .send({ error: 'VALIDATION_FAILED', message: 'the request is invalid', issues });
    }
    if (isResponseSerializationError(rawError)) {
      request.log.error({ err: rawError }, 'response did not match its schema');
      return reply.code(500).send({ error: 'INTERNAL', message: 'internal error' });
    }
    const error = mapError(rawError);
    if (error instanceof AppError) {
      if (error.status === 503) void reply.header('retry-after', RETRY_AFTER_SECONDS);
      if (error.status >= 500) request.log.warn({ err: error }, error.message);
      return reply.code(error.status).send({
        error: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
      });
    }
    const status = rawError.statusCode ?? 500;
    if (status === 429) {
      return reply
        .code(429)
        .send({ error: 'RATE_LIMITED', message: 'too many requests; slow down' });
    }
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: fastifyCode(rawError, status), message: rawError.message });
    }
    request.log.error({ err: rawError }, 'unhandled error');
    return reply.code(500).send({ error: 'INTERNAL', message: 'internal error' });
  });
}

function fastifyCode(error: FastifyError, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'BAD_JSON';
    default:
      return status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
  }
}

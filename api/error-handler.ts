import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import type { Issue } from '../contracts/issues';
import { AppError } from '../publishing/errors';
import { mapError } from '../publishing/temporal-errors';
import { SECURITY_HEADERS } from './headers';
import { RouteTable } from './route-table';

const RETRY_AFTER_SECONDS = '5';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, collected by an onRoute hook. */
    routeTable: RouteTable;
  }
}

/** A refusal of the HTTP layer itself (405, 429), mapped by the handler below like Fastify's own. */
export function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * The one place errors meet HTTP: every answer is `{error, message, issues?}`, never a stack.
 * The table of registered routes it keeps tells a 405 (known path, other method) from a 404.
 */
export function installErrorHandler(app: FastifyInstance): void {
  const routes = new RouteTable();
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  // Before any body is read: a known path asked with another method is a 405 naming the methods
  // it takes, whatever the body (a QUERY without content-type would otherwise be a 400).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const allowed = routes.methodsFor(request.url.split('?')[0] ?? '');
    if (allowed.length === 0) return;
    void reply.header('allow', allowed.join(', '));
    throw httpError(405, `${request.method} is not allowed here; use ${allowed.join(', ')}`);
  });

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
      return reply.code(429).send({
        error: 'RATE_LIMITED',
        message: rawError.message || 'too many requests; slow down',
      });
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
      if (status === 404) return 'NOT_FOUND';
      if (status === 405) return 'METHOD_NOT_ALLOWED';
      return 'BAD_REQUEST';
  }
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request — a request head over 16 KiB
 * (431), a client too slow to send one (408), bytes that are not HTTP (400) — answered in the
 * API's error shape, with the security headers, instead of Fastify's own.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'the request line and headers exceed 16 KiB']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
        : [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: code, message });
  const headers = Object.entries({
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (socket.writable)
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`);
  socket.destroy();
}

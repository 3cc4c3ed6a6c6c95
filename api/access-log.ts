import { LogController, type FastifyInstance } from 'fastify';

/**
 * One access-log line per request, written when the answer has gone: method, URL (secrets
 * scrubbed by the logger), client address, status and time taken. Fastify's default writes a
 * second line as each request arrives; at two lines a request the logger's redaction was a fifth
 * of the API's CPU per approval (docs/performance.md, G3).
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    ...[error, request, reply]: Parameters<LogController['requestCompleted']>
  ): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** A request whose client hung up before its answer gets its line here. */
export function logAbortedRequests(app: FastifyInstance): void {
  app.addHook('onRequestAbort', async (request) => {
    request.log.info({ req: request }, 'request aborted');
  });
}

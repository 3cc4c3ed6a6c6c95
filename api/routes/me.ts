import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { WhoAmISchema } from '../../contracts/api';
import { AppError, ErrorCode } from '../../publishing/errors';

/** Who the calling key is: lets a client (the MCP server) check its key before it acts. */
export function meRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/me',
      {
        schema: {
          summary: 'The calling API key: its name and role',
          tags: ['session'],
          security: [{ bearer: [] }],
          response: { 200: WhoAmISchema },
        },
      },
      async (request) => {
        const key = request.apiKey;
        if (!key) throw new AppError(ErrorCode.Unauthorized, 'an API key is required');
        return { name: key.name, role: key.role };
      },
    );
  };
}

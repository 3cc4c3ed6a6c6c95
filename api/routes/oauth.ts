import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthorizeQuerySchema, ErrorBodySchema } from '../../contracts/api';
import {
  completeLinkedInAuthorization,
  startLinkedInAuthorization,
  type ConnectDeps,
} from '../../publishing/linkedin-connect';
import { AppError, ErrorCode } from '../../publishing/errors';
import { actorOf } from '../auth';
import { noteFailedAuthentication } from '../auth-failures';

const CallbackQuerySchema = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

const ConnectedSchema = z
  .object({
    connected: z.literal(true),
    channel: z.string().describe('The channel connected or reconnected'),
    created: z.boolean().describe('false: an existing channel was reconnected'),
    authorUrn: z.string().describe('Who the channel posts as: the member or a page'),
    accountId: z.string(),
    memberUrn: z.string(),
    name: z.string().nullable(),
    scopes: z.array(z.string()),
    accessExpiresAt: z.string(),
    resumed: z.number().int().describe('Items that were waiting for this account and now continue'),
  })
  .meta({ id: 'LinkedInConnected' });

export function oauthRoutes(deps: ConnectDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/oauth/linkedin/authorize',
      {
        schema: {
          summary:
            'Connect or reconnect a LinkedIn channel (redirects to LinkedIn; the callback finishes it)',
          description:
            'Without `channel`, the signed-in member’s own channel is reconnected, or created and named after the member. Reconnecting keeps the channel’s name, default flag and history. `organization` needs the linkedin/organization_posting flag (else 409).',
          tags: ['linkedin', 'channels'],
          security: [{ bearer: [] }],
          querystring: AuthorizeQuerySchema,
          response: {
            302: z.null().describe('Redirect to LinkedIn'),
            401: ErrorBodySchema,
            403: ErrorBodySchema,
            409: ErrorBodySchema,
            503: ErrorBodySchema,
          },
        },
      },
      async (request, reply) =>
        reply.redirect(
          await startLinkedInAuthorization(deps, actorOf(request), request.query),
          302,
        ),
    );

    app.get(
      '/v1/oauth/linkedin/callback',
      {
        schema: {
          summary: 'Where LinkedIn sends the browser back; authenticated by the single-use state',
          tags: ['linkedin'],
          querystring: CallbackQuerySchema,
          response: {
            200: ConnectedSchema,
            400: ErrorBodySchema,
            409: ErrorBodySchema,
            422: ErrorBodySchema,
            503: ErrorBodySchema,
          },
        },
      },
      async (request) => {
        try {
          return {
            connected: true as const,
            ...(await completeLinkedInAuthorization(deps, request.query)),
          };
        } catch (err) {
          // A refused state is a failed authentication: guessing states costs the caller its quota.
          if (err instanceof AppError && err.code === ErrorCode.OAuthFailed) {
            noteFailedAuthentication(request);
          }
          throw err;
        }
      },
    );
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BlueskyChannelParamsSchema,
  ChannelChangeBodySchema,
  ChannelListSchema,
  ChannelParamsSchema,
  ChannelViewSchema,
  CreateChannelBodySchema,
  ErrorBodySchema,
  ReconnectBodySchema,
} from '../../contracts/api';
import {
  changeChannel,
  createChannel,
  listChannelViews,
  reconnectChannel,
  type ChannelDeps,
} from '../../publishing/channels';
import { actorOf } from '../auth';

const errors = (...codes: number[]) =>
  Object.fromEntries([401, 403, 503, ...codes].map((c) => [c, ErrorBodySchema]));
const security = [{ bearer: [] }];
const tags = ['channels'];

export function channelRoutes(deps: ChannelDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/channels',
      {
        schema: {
          summary: 'Every channel (connected account) on every outlet, without secrets',
          tags,
          security,
          response: { 200: ChannelListSchema, ...errors() },
        },
      },
      async () => listChannelViews(deps),
    );

    app.post(
      '/v1/channels',
      {
        schema: {
          summary:
            'Connect a Bluesky account: signs in once with its app password, then keeps it sealed',
          description:
            'LinkedIn channels connect through `GET /v1/oauth/linkedin/authorize?channel=NAME`. A refused app password is 422 and stores nothing; a Bluesky server that cannot be reached is 502.',
          tags,
          security,
          body: CreateChannelBodySchema,
          response: { 201: ChannelViewSchema, ...errors(409, 422, 502) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createChannel(deps, actorOf(request), request.body)),
    );

    app.patch(
      '/v1/channels/:outlet/:name',
      {
        schema: {
          summary: 'Rename, change the display name, disable or enable, or set the default',
          tags,
          security,
          params: ChannelParamsSchema,
          body: ChannelChangeBodySchema,
          response: { 200: ChannelViewSchema, ...errors(404, 409) },
        },
      },
      async (request) =>
        changeChannel(
          deps,
          actorOf(request),
          request.params.outlet,
          request.params.name,
          request.body,
        ),
    );

    app.put(
      '/v1/channels/:outlet/:name/credentials',
      {
        schema: {
          summary:
            'Reconnect a Bluesky channel with a new app password; its waiting items continue',
          description:
            'The credentials must be for the same account (DID) as the channel, else 409. LinkedIn channels reconnect through `GET /v1/oauth/linkedin/authorize?channel=NAME`.',
          tags,
          security,
          params: BlueskyChannelParamsSchema,
          body: ReconnectBodySchema,
          response: { 200: ChannelViewSchema, ...errors(404, 409, 502) },
        },
      },
      async (request) =>
        reconnectChannel(deps, actorOf(request), request.params.name, request.body),
    );
  };
}

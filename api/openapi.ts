import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from '../contracts/api';
import { declarationFor, OWN_CHECK, PUBLIC, ROUTE_ACCESS } from './roles';

// Methods whose body Fastify reads, so that size, media type and JSON syntax can be refused.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The answers any route of its kind can give, whatever its handler does: the document names
 * them so that clients generated from it expect them. Routes declare their own domain answers
 * (404, 409, 503) next to their handler.
 */
export function commonStatuses(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): number[] {
  const method = Array.isArray(route.method) ? (route.method[0] as string) : route.method;
  const key = declarationFor(method, route.url);
  const access = key ? ROUTE_ACCESS[key] : undefined;
  const schema = route.schema ?? {};
  // A malformed URL (bad percent-encoding) or JSON body; a request head over 16 KiB (a long
  // query string), refused by Node's parser; the general rate limit.
  const statuses = [400, 431, 429];
  if (BODY_METHODS.has(method)) statuses.push(413, 415);
  if (schema.body || schema.querystring || schema.params) statuses.push(422);
  if (access !== undefined && access !== PUBLIC) {
    // Checking a credential reads Postgres, which may be down.
    statuses.push(503);
    if (access !== OWN_CHECK) statuses.push(401, 403);
  }
  return statuses;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers 200 with raw bytes of these media types (not JSON): documented so. */
    binaryResponse?: readonly string[];
  }
}

/** /openapi.json, Swagger UI at /docs, and the common statuses added to every documented route. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // OpenAPI paths (`/v1/media/{id}/content`) → the media types their 200 answer is made of.
  const binary = new Map<string, readonly string[]>();
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    const response = (route.schema.response ?? {}) as Record<string, unknown>;
    for (const status of commonStatuses(route)) response[status] ??= ErrorBodySchema;
    route.schema.response = response;
    const types = route.config?.binaryResponse;
    if (types) binary.set(route.url.replace(/:([A-Za-z_]+)/g, '{$1}'), types);
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Stargue API',
        version: '1.0.0',
        description:
          'Submit Markdown posts, approve them, and follow them until they are published on LinkedIn exactly once.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'API key (`npm run apikey -- create`)',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => withBinaryAnswers(jsonSchemaTransformObject(input), binary),
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's page needs its own files (the API's policy is `default-src 'none'`) and sets a
    // few inline styles; scripts stay same-origin only. No upgrade-insecure-requests, which would
    // break /docs on plain-HTTP dev.
    staticCSP:
      "default-src 'self'; base-uri 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

type Document = ReturnType<typeof jsonSchemaTransformObject>;

/** Routes that answer bytes get a 200 per media type, a binary string each, not a JSON schema. */
function withBinaryAnswers(document: Document, binary: Map<string, readonly string[]>): Document {
  const paths = (document as { paths?: Record<string, Record<string, { responses?: object }>> })
    .paths;
  for (const [path, types] of binary) {
    const operation = paths?.[path]?.get;
    if (!operation) continue;
    operation.responses = {
      ...operation.responses,
      200: {
        description: 'The stored bytes, with their media type',
        content: Object.fromEntries(
          types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        ),
      },
    };
  }
  return document;
}

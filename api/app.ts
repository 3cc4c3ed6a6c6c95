import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../platform/logger';
import type { PublishingDeps } from '../publishing/deps';
import { installAuth } from './auth';
import { installErrorHandler } from './error-handler';
import { installMetrics } from './metrics';
import { contentRoutes } from './routes/content';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { mediaRoutes } from './routes/media';
import { oauthRoutes } from './routes/oauth';
import { operationsRoutes } from './routes/operations';
import { reviewRoutes } from './routes/review';
import { sessionRoutes } from './routes/session';
import type { LinkedInClient } from '../outlets/linkedin';
import type { Vault } from '../platform/crypto/vault';
import { versionWarnings } from '../outlets/linkedin/versions';

export interface AppDeps {
  publishing: PublishingDeps;
  log: Logger;
  readiness: ReadinessCheck[];
  /** Requests per minute per client before 429; generous by default, tests lower it. */
  rateLimitPerMinute?: number;
  /** LinkedIn's OAuth client; null when LinkedIn is not configured (the routes answer 503). */
  linkedin: LinkedInClient | null;
  vault: Vault;
  /** LINKEDIN_VERSION: `/readyz` warns and a metric counts down as its sunset nears. */
  linkedinVersion?: string;
  /** MEDIA_MAX_BYTES: the largest upload `POST /v1/media` reads (its own body limit). */
  mediaMaxBytes?: number;
}

const DEFAULT_MEDIA_MAX_BYTES = 25 * 1024 * 1024;

const BODY_LIMIT = 1024 * 1024;

/** Builds the REST API from its dependencies; `server.ts` only listens and closes. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Fastify's own logger type, so plugins typed against the default instance accept it.
  const logger: FastifyBaseLogger = deps.log;
  const base = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Long ids reach the route and its schema (422), instead of the router's own 414.
    routerOptions: { maxParamLength: 16_384 },
    // Malformed URLs (bad percent-encoding) answer in the API's error shape too.
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ error: 'BAD_REQUEST', message: error.message });
    },
  });
  installErrorHandler(base);
  installAuth(base, deps.publishing.db);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyRateLimit, {
    max: deps.rateLimitPerMinute ?? 1200,
    timeWindow: '1 minute',
    keyGenerator: (request) => request.headers.authorization ?? request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'RATE_LIMITED',
      message: `too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
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
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installMetrics(base, deps.publishing.db, deps.linkedinVersion);
  await app.register(healthRoutes(deps.readiness, () => versionWarnings(deps.linkedinVersion)));
  await app.register(contentRoutes(deps.publishing));
  await app.register(mediaRoutes(deps.publishing, deps.mediaMaxBytes ?? DEFAULT_MEDIA_MAX_BYTES));
  await app.register(operationsRoutes(deps.publishing));
  await app.register(sessionRoutes(deps.publishing.db));
  await app.register(reviewRoutes(deps.publishing));
  await app.register(
    oauthRoutes({ ...deps.publishing, linkedin: deps.linkedin, vault: deps.vault }),
  );
  return base;
}

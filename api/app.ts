import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../platform/logger';
import type { PublishingDeps } from '../publishing/deps';
import { AccessLog, logAbortedRequests } from './access-log';
import { installAuth } from './auth';
import { createAuthFailures } from './auth-failures';
import { clientKey } from './client-address';
import { clientErrorHandler, installErrorHandler } from './error-handler';
import { applySecurityHeaders, installSecurityHeaders } from './headers';
import { createApiMetrics, installRequestMetrics, type ApiMetrics } from './metrics';
import { registerOpenApi } from './openapi';
import { channelRoutes } from './routes/channels';
import { contentRoutes } from './routes/content';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { mediaRoutes } from './routes/media';
import { meRoutes } from './routes/me';
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
  /** How long a key lookup is remembered (a revoked key works at most this long); 0 = never. */
  keyCacheMs?: number;
  /** Request latencies go here; `buildMetricsServer` serves them on a port of their own. */
  metrics?: ApiMetrics;
  /** Requests per minute per client address before 429; generous by default, tests lower it. */
  rateLimitPerMinute?: number;
  /** Failed authentications per minute per client address before 429. */
  authFailuresPerMinute?: number;
  /** Proxies whose X-Forwarded-For and -Proto are believed (TRUST_PROXY); none by default. */
  trustProxy?: readonly string[];
  /** LinkedIn's OAuth client; null when LinkedIn is not configured (the routes answer 503). */
  linkedin: LinkedInClient | null;
  vault: Vault;
  /** LINKEDIN_VERSION: `/readyz` warns and a metric counts down as its sunset nears. */
  linkedinVersion?: string;
  /** MEDIA_MAX_BYTES: the largest upload `POST /v1/media` reads (its own body limit). */
  mediaMaxBytes?: number;
  /** BLUESKY_DEFAULT_SERVICE and BLUESKY_TIMEOUT_MS, for connecting Bluesky channels. */
  bluesky?: { defaultService: string; timeoutMs: number };
}

const DEFAULT_BLUESKY = { defaultService: 'https://bsky.social', timeoutMs: 20_000 };

const DEFAULT_MEDIA_MAX_BYTES = 25 * 1024 * 1024;

const BODY_LIMIT = 1024 * 1024;
const DEFAULT_KEY_CACHE_MS = 5_000;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;

/** Builds the REST API from its dependencies; `server.ts` only listens and closes. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Fastify's own logger type, so plugins typed against the default instance accept it.
  const logger: FastifyBaseLogger = deps.log;
  const base = Fastify({
    loggerInstance: logger,
    logController: new AccessLog(),
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Behind a TLS proxy, the client's own address and `https` come from the proxy's headers;
    // from anyone else those headers are ignored.
    trustProxy: deps.trustProxy?.length ? [...deps.trustProxy] : false,
    // Long ids reach the route and its schema (422), instead of the router's own 414.
    routerOptions: { maxParamLength: 16_384 },
    // Malformed URLs (bad percent-encoding) answer in the API's error shape too. Fastify runs no
    // hook for them, so the security headers are applied here.
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      applySecurityHeaders(request, reply);
      void (reply as FastifyReply).code(400).send({ error: 'BAD_REQUEST', message: error.message });
    },
  });
  installSecurityHeaders(base);
  logAbortedRequests(base);
  installErrorHandler(base);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Per client address, never per credential: a caller chooses its Authorization header freely.
  await app.register(fastifyRateLimit, {
    max: deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: (request) => clientKey(request.ip),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'RATE_LIMITED',
      message: `too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  installAuth(
    base,
    deps.publishing.db,
    createAuthFailures(deps.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE),
    deps.keyCacheMs ?? DEFAULT_KEY_CACHE_MS,
  );
  await registerOpenApi(base);
  installRequestMetrics(
    base,
    deps.metrics ?? createApiMetrics(deps.publishing.db, deps.linkedinVersion),
  );

  await app.register(healthRoutes(deps.readiness, () => versionWarnings(deps.linkedinVersion)));
  await app.register(contentRoutes(deps.publishing));
  await app.register(mediaRoutes(deps.publishing, deps.mediaMaxBytes ?? DEFAULT_MEDIA_MAX_BYTES));
  await app.register(operationsRoutes(deps.publishing));
  await app.register(meRoutes());
  await app.register(sessionRoutes(deps.publishing.db));
  await app.register(reviewRoutes(deps.publishing));
  await app.register(
    oauthRoutes({ ...deps.publishing, linkedin: deps.linkedin, vault: deps.vault }),
  );
  await app.register(
    channelRoutes({
      ...deps.publishing,
      vault: deps.vault,
      bluesky: deps.bluesky ?? DEFAULT_BLUESKY,
    }),
  );
  return base;
}

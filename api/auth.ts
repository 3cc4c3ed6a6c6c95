import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import type { Db } from '../platform/db/client';
import {
  createKeyUsageRecorder,
  findApiKey,
  type KeyOwner,
  type KeyUsageRecorder,
} from '../platform/api-keys';
import { AppError, ErrorCode } from '../publishing/errors';
import type { Actor } from '../publishing/deps';
import { noteFailedAuthentication, type AuthFailures } from './auth-failures';
import { clientKey } from './client-address';
import { cachedKeyLookup } from './key-cache';
import { httpError } from './error-handler';
import {
  declarationFor,
  isRoleRoute,
  mayCall,
  PUBLIC,
  ROUTE_ACCESS,
  type RoleRouteKey,
  type RouteKey,
} from './roles';
import { csrfMatches, findSession, readCookie, SESSION_COOKIE } from './routes/session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's key in ROUTE_ACCESS, set when the route is registered. */
    route?: RouteKey;
  }
  interface FastifyRequest {
    apiKey: KeyOwner | null;
  }
}

export function actorOf(request: FastifyRequest): Actor {
  const key = request.apiKey;
  if (!key) throw new AppError(ErrorCode.Unauthorized, 'an API key is required');
  return {
    name: key.name,
    role: key.role,
    keyId: key.id,
    channel: request.routeOptions.config.route ?? request.url,
    requestId: request.id,
  };
}

/**
 * Who may call each route, enforced when the route is registered, so nothing is public by
 * default: a route with no entry in ROUTE_ACCESS stops the API at start. Role routes take a
 * bearer API key or a review-page session cookie, checked against their hashes; a key lookup is
 * remembered for `keyCacheMs` (API_KEY_CACHE_SECONDS), so a revocation bites within that time. Every non-public route first refuses an address with too many
 * failed authentications, before any credential is looked up. Call this after the general rate
 * limiter is registered, so that its check runs before these (route hooks run in order).
 */
export function installAuth(
  app: FastifyInstance,
  db: Db,
  failures: AuthFailures,
  keyCacheMs: number,
): void {
  const findKey = cachedKeyLookup((key) => findApiKey(db, key), keyCacheMs);
  // Last use is written behind the request, at most once a minute per key (platform/api-keys.ts).
  const usage = createKeyUsageRecorder(db, {
    onError: (err) => app.log.warn({ err }, 'could not record when an API key was last used'),
  });
  app.addHook('onClose', () => usage.flush());
  app.decorateRequest('apiKey', null);
  app.decorate('authFailures', failures);
  const undeclared: string[] = [];

  const refuseBlocked: onRequestAsyncHookHandler = async (request, reply) => {
    const wait = failures.blockedFor(clientKey(request.ip));
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw httpError(429, `too many failed authentications from your address; retry in ${wait} s`);
    }
  };
  const authenticate: onRequestAsyncHookHandler = async (request) =>
    authenticateRequest(db, findKey, usage, request);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const keys = new Set(methods.map((m) => declarationFor(m, route.url)));
    const [key] = keys;
    if (!key || keys.size !== 1) {
      undeclared.push(`${methods.join(',')} ${route.url}`);
      return;
    }
    route.config = { ...route.config, route: key };
    if (ROUTE_ACCESS[key] === PUBLIC) return;
    appendOnRequest(route, refuseBlocked);
    if (isRoleRoute(key)) appendOnRequest(route, authenticate);
  });
  app.addHook('onReady', async () => {
    if (undeclared.length > 0) {
      throw new Error(
        `routes with no entry in ROUTE_ACCESS (api/roles.ts), refused: ${undeclared.join('; ')}`,
      );
    }
  });
}

async function authenticateRequest(
  db: Db,
  findKey: (key: string) => Promise<KeyOwner | null>,
  usage: KeyUsageRecorder,
  request: FastifyRequest,
): Promise<void> {
  const route = request.routeOptions.config.route as RoleRouteKey;
  const header = request.headers.authorization;
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  let owner = match ? await findKey(match[1] as string) : null;
  // Without a bearer key, the review page's session cookie (api/routes/session.ts) may stand
  // in for it; a state-changing request must then also carry the session's CSRF token.
  const cookie = header === undefined ? readCookie(request, SESSION_COOKIE) : undefined;
  const session = cookie === undefined ? null : await findSession(db, request);
  if (session) {
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(request, session)) {
      request.log.warn({ route, key: session.owner.name }, 'CSRF check failed');
      noteFailedAuthentication(request);
      throw new AppError(ErrorCode.CsrfFailed, 'the x-csrf-token header is missing or wrong');
    }
    owner = session.owner;
  }
  if (!owner) {
    const presented = header !== undefined || cookie !== undefined;
    request.log.warn(
      { route, reason: presented ? 'unknown, revoked or expired credential' : 'no credential' },
      'authentication failed',
    );
    if (presented) noteFailedAuthentication(request);
    throw new AppError(
      ErrorCode.Unauthorized,
      'a valid API key is required (Authorization: Bearer …)',
    );
  }
  usage.record(owner.id);
  if (!mayCall(owner.role, route)) {
    request.log.warn({ route, key: owner.name, role: owner.role }, 'authorization failed');
    throw new AppError(ErrorCode.Forbidden, `the ${owner.role} role may not call ${route}`);
  }
  request.apiKey = owner;
}

function appendOnRequest(route: RouteOptions, hook: onRequestAsyncHookHandler): void {
  const existing = route.onRequest;
  route.onRequest = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), hook];
}

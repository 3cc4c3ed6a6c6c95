import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../platform/db/client';
import { createKeyUsageRecorder, findApiKey, type KeyOwner } from '../platform/api-keys';
import { AppError, ErrorCode } from '../publishing/errors';
import type { Actor } from '../publishing/deps';
import { mayCall, type RouteKey } from './roles';
import { csrfMatches, findSession } from './routes/session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's key in ROUTE_ROLES; routes without one are public. */
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
  };
}

/**
 * Bearer API keys, or a review-page session cookie, checked against their hashes on every request
 * so a revocation bites at once.
 */
export function installAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('apiKey', null);
  // Last use is written behind the request, at most once a minute per key (platform/api-keys.ts).
  const usage = createKeyUsageRecorder(db, {
    onError: (err) => app.log.warn({ err }, 'could not record when an API key was last used'),
  });
  app.addHook('onClose', () => usage.flush());
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.config.route;
    if (!route) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    let owner = match ? await findApiKey(db, match[1] as string) : null;
    // Without a bearer key, the review page's session cookie (api/routes/session.ts) may stand
    // in for it; a state-changing request must then also carry the session's CSRF token.
    const session = match ? null : await findSession(db, request);
    if (session) {
      if (!SAFE_METHODS.has(request.method) && !csrfMatches(request, session)) {
        request.log.warn({ route, key: session.owner.name }, 'CSRF check failed');
        throw new AppError(ErrorCode.CsrfFailed, 'the x-csrf-token header is missing or wrong');
      }
      owner = session.owner;
    }
    if (!owner) {
      request.log.warn(
        { route, reason: match ? 'unknown or revoked key' : 'no bearer key' },
        'authentication failed',
      );
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
  });
}

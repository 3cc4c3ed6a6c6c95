import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Headers every answer carries, errors included. The API serves JSON, so the default policy
 * allows nothing to load, run or frame it; /review and /docs set their own, looser CSP for their
 * pages. (@fastify/helmet sets these from a hook, which Fastify skips for a malformed URL; the
 * same constants applied here reach that answer too.)
 */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
} as const;

// Browsers honour HSTS only over HTTPS; sent only when the original request was HTTPS.
const HSTS = 'max-age=31536000';

export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(SECURITY_HEADERS);
  if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
}

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => applySecurityHeaders(request, reply));
}

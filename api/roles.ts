import type { Role } from '../contracts/api';

/** No credential at all: liveness, readiness, the API's documentation, the review page's files. */
export const PUBLIC = 'public';
/**
 * The handler checks a credential of its own — an API key in the body (review sign-in), the
 * session cookie, the OAuth `state` — so the auth hook leaves it alone, but failed attempts still
 * count against the caller's address (api/auth-failures.ts).
 */
export const OWN_CHECK = 'own-check';
/** Role lists name who besides operators may call; operators may call everything. */
export type Access = readonly Role[] | typeof PUBLIC | typeof OWN_CHECK;

/**
 * Who may call what, for every route the API serves: the one table the auth hook, the
 * fail-closed start-up check (a route missing here stops the API, api/auth.ts) and the matrix
 * test read. Keys are `METHOD /path` as registered; `/*` covers a plugin's whole prefix.
 */
export const ROUTE_ACCESS = {
  'POST /v1/content': ['integration', 'editor'],
  'GET /v1/content': ['integration', 'editor'],
  'GET /v1/content/:id': ['integration', 'editor'],
  'GET /v1/content/:id/preview': ['integration', 'editor'],
  'GET /v1/content/:id/source': ['integration', 'editor'],
  'GET /v1/content/:id/audit': ['editor'],
  'POST /v1/content/:id/approve': ['editor'],
  'POST /v1/content/:id/reject': ['editor'],
  'POST /v1/content/:id/reschedule': ['editor'],
  'POST /v1/content/:id/cancel': ['editor'],
  'POST /v1/content/:id/halt': [],
  'POST /v1/content/:id/release': [],
  'GET /v1/kill-switch': ['integration', 'editor'],
  'PUT /v1/kill-switch': [],
  'GET /v1/audit': [],
  'GET /v1/me': ['integration', 'editor'],
  'GET /v1/oauth/linkedin/authorize': [],
  'GET /v1/channels': ['integration', 'editor'],
  'POST /v1/channels': [],
  'PATCH /v1/channels/:outlet/:name': [],
  'PUT /v1/channels/:outlet/:name/credentials': [],
  'GET /v1/outlets/linkedin/status': ['integration', 'editor'],
  'POST /v1/media': ['integration', 'editor'],
  'GET /v1/media/:id': ['integration', 'editor'],
  'GET /v1/media/:id/content': ['integration', 'editor'],
  'GET /v1/oauth/linkedin/callback': OWN_CHECK,
  'POST /v1/session': OWN_CHECK,
  'GET /v1/session': OWN_CHECK,
  'DELETE /v1/session': OWN_CHECK,
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'GET /docs/*': PUBLIC,
  'GET /review': PUBLIC,
  'GET /review/': PUBLIC,
  'GET /review/app.js': PUBLIC,
  'GET /review/app.css': PUBLIC,
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof ROUTE_ACCESS;
/** Routes that take a bearer key (or the review session) of an allowed role. */
export type RoleRouteKey = {
  [K in RouteKey]: (typeof ROUTE_ACCESS)[K] extends readonly Role[] ? K : never;
}[RouteKey];

export function isRoleRoute(key: RouteKey): key is RoleRouteKey {
  return Array.isArray(ROUTE_ACCESS[key]);
}

/** The declaration covering a registered route; HEAD routes Fastify adds share their GET's. */
export function declarationFor(method: string, url: string): RouteKey | undefined {
  for (const m of method === 'HEAD' ? ['HEAD', 'GET'] : [method]) {
    const exact = `${m} ${url}`;
    if (exact in ROUTE_ACCESS) return exact as RouteKey;
    const prefixed = (Object.keys(ROUTE_ACCESS) as RouteKey[]).find((key) => {
      if (!key.startsWith(`${m} `) || !key.endsWith('/*')) return false;
      const base = key.slice(m.length + 1, -2);
      return url === base || url.startsWith(`${base}/`);
    });
    if (prefixed) return prefixed;
  }
  return undefined;
}

/** Operators may do everything. */
export function mayCall(role: Role, route: RoleRouteKey): boolean {
  return role === 'operator' || (ROUTE_ACCESS[route] as readonly Role[]).includes(role);
}

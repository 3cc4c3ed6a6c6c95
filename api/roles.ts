import type { Role } from '../contracts/api';

/** Who may call what: the one table every route's check and the matrix test read. */
export const ROUTE_ROLES = {
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
  'GET /v1/kill-switch': ['integration', 'editor'],
  'PUT /v1/kill-switch': [],
  'GET /v1/audit': [],
  'GET /v1/oauth/linkedin/authorize': [],
  'GET /v1/outlets/linkedin/status': ['integration', 'editor'],
  'POST /v1/media': ['integration', 'editor'],
  'GET /v1/media/:id': ['integration', 'editor'],
  'GET /v1/media/:id/content': ['integration', 'editor'],
} as const satisfies Record<string, readonly Role[]>;

export type RouteKey = keyof typeof ROUTE_ROLES;

/** Operators may do everything. */
export function mayCall(role: Role, route: RouteKey): boolean {
  return role === 'operator' || (ROUTE_ROLES[route] as readonly Role[]).includes(role);
}

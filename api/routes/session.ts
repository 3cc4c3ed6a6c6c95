// Review-page sessions (docs/review.md): an API key is exchanged once for a random session id in
// an httpOnly, SameSite=Strict cookie, so the key never sits in browser storage. Only hashes are
// stored. State-changing requests made with the cookie must also carry the session's CSRF token
// in `x-csrf-token`; the page keeps that token in memory and asks for it again after a reload.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema, RoleSchema } from '../../contracts/api';
import { findApiKey, type KeyOwner, usableKeyOwner } from '../../platform/api-keys';
import { appendAudit } from '../../platform/audit';
import type { Db } from '../../platform/db/client';
import { AppError, ErrorCode } from '../../publishing/errors';
import { noteFailedAuthentication } from '../auth-failures';

export const SESSION_COOKIE = 'stargue_session';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
/** Derived from the session id, so every tab of one session gets the same token. */
const csrfTokenFor = (sessionId: string) =>
  createHmac('sha256', sessionId).update('stargue csrf v1').digest('base64url');

/** The value of one cookie from the Cookie header, or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  value: string,
  maxAgeSeconds: number,
) {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`,
  );
}

export interface SessionOwner {
  owner: KeyOwner;
  idHash: string;
  csrfHash: string;
  expiresAt: Date;
}

/** The active session named by the request's cookie, with its key's owner; null otherwise. */
export async function findSession(db: Db, request: FastifyRequest): Promise<SessionOwner | null> {
  const id = readCookie(request, SESSION_COOKIE);
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
  const session = await db.reviewSession.findUnique({ where: { idHash: sha256(id) } });
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return null;
  const owner = usableKeyOwner(await db.apiKey.findUnique({ where: { id: session.apiKeyId } }));
  if (!owner) return null;
  return {
    owner,
    idHash: session.idHash,
    csrfHash: session.csrfHash,
    expiresAt: session.expiresAt,
  };
}

/** Whether the request's `x-csrf-token` is the session's token (compared by hash). */
export function csrfMatches(request: FastifyRequest, session: SessionOwner): boolean {
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || header.length === 0 || header.length > 100) return false;
  return timingSafeEqual(Buffer.from(sha256(header)), Buffer.from(session.csrfHash));
}

const SessionSchema = z
  .object({
    name: z.string(),
    role: RoleSchema,
    csrfToken: z
      .string()
      .describe('Send it as `x-csrf-token` on every POST, PUT and DELETE made with the cookie'),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Session' });

const errors = (...codes: number[]) =>
  Object.fromEntries([...codes].map((c) => [c, ErrorBodySchema]));

export function sessionRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/session',
      {
        schema: {
          summary: 'Sign in to the review page: exchange an API key for a session cookie',
          tags: ['session'],
          body: z.object({ apiKey: z.string().min(1).max(200) }).strict(),
          response: { 200: SessionSchema, ...errors(401, 403, 422, 503) },
        },
      },
      async (request, reply) => {
        const owner = await findApiKey(db, request.body.apiKey);
        if (!owner) {
          request.log.warn({ reason: 'unknown or revoked key' }, 'review sign-in failed');
          noteFailedAuthentication(request);
          throw new AppError(ErrorCode.Unauthorized, 'that API key is unknown or revoked');
        }
        if (owner.role === 'integration') {
          throw new AppError(ErrorCode.Forbidden, 'the review page is for editors and operators');
        }
        const id = randomBytes(32).toString('base64url');
        const csrfToken = csrfTokenFor(id);
        const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
        await db.reviewSession.create({
          data: { idHash: sha256(id), apiKeyId: owner.id, csrfHash: sha256(csrfToken), expiresAt },
        });
        await appendAudit(db, {
          actor: owner.name,
          action: 'review.signed_in',
          subject: `api-key:${owner.name}`,
          details: { role: owner.role },
        });
        setSessionCookie(request, reply, id, SESSION_TTL_MS / 1000);
        return {
          name: owner.name,
          role: owner.role,
          csrfToken,
          expiresAt: expiresAt.toISOString(),
        };
      },
    );

    app.get(
      '/v1/session',
      {
        schema: {
          summary: "The cookie's session: who is signed in, and its CSRF token",
          tags: ['session'],
          response: { 200: SessionSchema, ...errors(401, 503) },
        },
      },
      async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        const id = readCookie(request, SESSION_COOKIE);
        const session = await findSession(db, request);
        if (!session || !id) {
          // No cookie is a plain "not signed in"; a cookie naming no live session is a guess.
          if (id !== undefined) noteFailedAuthentication(request);
          throw new AppError(ErrorCode.Unauthorized, 'not signed in');
        }
        return {
          name: session.owner.name,
          role: session.owner.role,
          csrfToken: csrfTokenFor(id),
          expiresAt: session.expiresAt.toISOString(),
        };
      },
    );

    app.delete(
      '/v1/session',
      {
        schema: {
          summary: 'Sign out of the review page (needs `x-csrf-token`)',
          tags: ['session'],
          response: { 204: z.null(), ...errors(403, 503) },
        },
      },
      async (request, reply) => {
        const session = await findSession(db, request);
        if (session) {
          if (!csrfMatches(request, session)) {
            noteFailedAuthentication(request);
            throw new AppError(ErrorCode.CsrfFailed, 'the x-csrf-token header is missing or wrong');
          }
          await db.reviewSession.update({
            where: { idHash: session.idHash },
            data: { revokedAt: new Date() },
          });
        }
        setSessionCookie(request, reply, '', 0);
        return reply.code(204).send(null);
      },
    );
  };
}

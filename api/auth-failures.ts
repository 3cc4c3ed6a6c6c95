import type { FastifyRequest } from 'fastify';
import { clientKey } from './client-address';

declare module 'fastify' {
  interface FastifyInstance {
    authFailures: AuthFailures;
  }
}

/**
 * Failed authentications per client address, in fixed one-minute windows. An address past the
 * limit is refused (429 with Retry-After) before its credentials are looked at, so guessing keys,
 * session ids or OAuth states costs the attacker time and us nothing (api/auth.ts). Counts live
 * in this process: each API instance limits on its own.
 */
export interface AuthFailures {
  /** Seconds until `client` may try again, or 0 when it is not blocked. */
  blockedFor(client: string): number;
  record(client: string): void;
  /** How many addresses are being counted. */
  tracked(): number;
}

const WINDOW_MS = 60_000;
// Enough for every address of a large attack; past it the oldest windows are forgotten first.
const MAX_TRACKED = 100_000;

export function createAuthFailures(perMinute: number, now: () => number = Date.now): AuthFailures {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    blockedFor(client) {
      const w = windows.get(client);
      if (!w || w.resetAt <= now() || w.count < perMinute) return 0;
      return Math.max(1, Math.ceil((w.resetAt - now()) / 1000));
    },
    tracked: () => windows.size,
    record(client) {
      const w = windows.get(client);
      if (w && w.resetAt > now()) {
        w.count += 1;
        return;
      }
      windows.delete(client);
      if (windows.size >= MAX_TRACKED) forgetOldest(windows, now());
      windows.set(client, { count: 1, resetAt: now() + WINDOW_MS });
    },
  };
}

/** Drops expired windows, and if none had expired, the oldest tenth (Maps keep insertion order). */
function forgetOldest(windows: Map<string, { resetAt: number }>, at: number): void {
  const before = windows.size;
  for (const [key, w] of windows) if (w.resetAt <= at) windows.delete(key);
  if (windows.size < before) return;
  let drop = Math.ceil(before / 10);
  for (const key of windows.keys()) {
    if (drop-- <= 0) break;
    windows.delete(key);
  }
}

/** Counts a refused credential the caller presented (a key, a session, a CSRF token, a state). */
export function noteFailedAuthentication(request: FastifyRequest): void {
  request.server.authFailures.record(clientKey(request.ip));
}

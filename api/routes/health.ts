import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `warnings` are things an operator must act on soon that do not make the process unready
 * (a LinkedIn version close to its sunset); `/readyz` lists them and stays 200.
 */
export function healthRoutes(
  checks: ReadinessCheck[],
  warnings: () => string[] = () => [],
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness: the process answers',
          tags: ['health'],
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    const Readiness = z.object({
      status: z.enum(['ready', 'unavailable']),
      checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
      warnings: z
        .array(z.string())
        .describe('To act on soon; they do not make the process unready'),
    });
    app.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: Postgres and Temporal reachable; warnings listed',
          tags: ['health'],
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (_request, reply) => {
        const results = await Promise.all(
          checks.map(async (c) => {
            try {
              await withTimeout(c.check(), CHECK_TIMEOUT_MS);
              return [c.name, { ok: true }] as const;
            } catch (err) {
              return [
                c.name,
                { ok: false, error: err instanceof Error ? err.message.slice(0, 200) : 'failed' },
              ] as const;
            }
          }),
        );
        const ok = results.every(([, r]) => r.ok);
        if (!ok) void reply.header('retry-after', '5');
        return reply.code(ok ? 200 : 503).send({
          status: ok ? 'ready' : 'unavailable',
          checks: Object.fromEntries(results) as Record<string, { ok: boolean; error?: string }>,
          warnings: warnings(),
        });
      },
    );
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // A check that answers after the deadline must not surface later as an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

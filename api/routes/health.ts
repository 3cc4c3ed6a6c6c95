import type { FastifyBaseLogger } from 'fastify';
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

    const Readiness = z
      .object({
        status: z.enum(['ready', 'unavailable']),
        checks: z
          .record(z.string(), z.object({ ok: z.boolean() }))
          .describe('Each dependency by name; the reason a check failed is in the API log only'),
        warnings: z
          .array(z.string())
          .describe('To act on soon; they do not make the process unready'),
      })
      .meta({ id: 'Readiness' });
    type Result = z.infer<typeof Readiness>;
    // Callers arriving while the checks run share their answer, so a flood of /readyz costs
    // Postgres and Temporal one check each at a time.
    let running: Promise<Result> | null = null;
    const runChecks = async (log: FastifyBaseLogger): Promise<Result> => {
      const results = await Promise.all(
        checks.map(async (c) => {
          try {
            await withTimeout(c.check(), CHECK_TIMEOUT_MS);
            return [c.name, { ok: true }] as [string, { ok: boolean }];
          } catch (err) {
            log.warn({ err, dependency: c.name }, 'readiness check failed');
            return [c.name, { ok: false }] as [string, { ok: boolean }];
          }
        }),
      );
      return {
        status: results.every(([, r]) => r.ok) ? 'ready' : 'unavailable',
        checks: Object.fromEntries(results),
        warnings: warnings(),
      };
    };
    app.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: Postgres and Temporal reachable; warnings listed',
          tags: ['health'],
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (request, reply) => {
        running ??= runChecks(request.log).finally(() => (running = null));
        const result = await running;
        if (result.status !== 'ready') void reply.header('retry-after', '5');
        return reply.code(result.status === 'ready' ? 200 : 503).send(result);
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

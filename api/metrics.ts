import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FailureType, PUBLISH_STATUSES } from '../contracts/workflow';
import { versionHealth } from '../outlets/linkedin/versions';
import type { Db } from '../platform/db/client';

// An approved item this late past its time without being published is "overdue" (RELIABILITY.md §1.2).
const OVERDUE_AFTER_SECONDS = 120;

export interface ApiMetrics {
  registry: Registry;
  requests: Histogram<'method' | 'route' | 'status'>;
}

/**
 * Prometheus metrics for operators. Item figures are read from Postgres at scrape time, so every
 * API instance reports the same truth; request latencies are this instance's own. They are
 * served by a listener of their own (METRICS_PORT, `buildMetricsServer`), never on the public
 * API port: a scrape queries the database, and the figures are for operators.
 */
export function createApiMetrics(db: Db, linkedinVersion?: string): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stargue_api_' });

  const requests = new Histogram({
    name: 'stargue_http_request_duration_seconds',
    help: 'REST API request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  // A figure Postgres cannot give now (down, slow, out of connections) keeps its last value and
  // counts a failure: the scrape still answers, with the process's own metrics, when it matters.
  const failures = new Counter({
    name: 'stargue_metrics_collect_failures_total',
    help: 'Scrapes in which a figure read from Postgres could not be read (it kept its last value)',
    labelNames: ['metric'] as const,
    registers: [registry],
  });
  const fromDatabase = <L extends string>(
    metric: string,
    collect: (this: Gauge<L>) => Promise<void>,
  ) =>
    async function (this: Gauge<L>): Promise<void> {
      try {
        await collect.call(this);
      } catch {
        failures.inc({ metric });
      }
    };

  new Gauge({
    name: 'stargue_items',
    help: 'Content items by status',
    labelNames: ['status'] as const,
    registers: [registry],
    collect: fromDatabase('stargue_items', async function () {
      const groups = await db.content.groupBy({ by: ['status'], _count: { _all: true } });
      const counts = new Map(groups.map((g) => [g.status, g._count._all]));
      for (const status of PUBLISH_STATUSES) this.set({ status }, counts.get(status) ?? 0);
    }),
  });

  new Gauge({
    name: 'stargue_items_overdue',
    help: `Approved items more than ${OVERDUE_AFTER_SECONDS} s past their scheduled time and not published`,
    registers: [registry],
    collect: fromDatabase('stargue_items_overdue', async function () {
      const approved = await db.content.count({
        where: {
          status: { in: ['scheduled', 'publishing', 'halted'] },
          scheduledAt: { lt: new Date(Date.now() - OVERDUE_AFTER_SECONDS * 1000) },
          approvals: { some: { decision: 'approved' } },
        },
      });
      this.set(approved);
    }),
  });

  new Gauge({
    name: 'stargue_publish_lateness_seconds',
    help: 'Seconds from the scheduled time to the confirmed post, over the last 24 h',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect: fromDatabase('stargue_publish_lateness_seconds', async function () {
      const rows = await db.$queryRaw<
        { p50: number | null; p99: number | null; max: number | null }[]
      >`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lateness) AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY lateness) AS p99,
               max(lateness) AS max
        FROM (SELECT EXTRACT(EPOCH FROM (p.confirmed_at - c.scheduled_at))::float8 AS lateness
              FROM publications p JOIN content c USING (content_id, version)
              WHERE p.state = 'confirmed' AND c.scheduled_at IS NOT NULL
                AND p.confirmed_at > now() - interval '24 hours') recent`;
      const row = rows[0];
      this.set({ quantile: '0.5' }, row?.p50 ?? 0);
      this.set({ quantile: '0.99' }, row?.p99 ?? 0);
      this.set({ quantile: '1' }, row?.max ?? 0);
    }),
  });

  new Gauge({
    name: 'stargue_follow_ups_pending',
    help: 'Engagement follow-ups marked on confirmed posts and not yet started (worker/follow-ups.ts), and the age of the oldest',
    labelNames: ['measure'] as const,
    registers: [registry],
    collect: fromDatabase('stargue_follow_ups_pending', async function () {
      const [row] = await db.$queryRaw<{ n: number; oldest: number | null }[]>`
        SELECT count(*)::int AS n,
               EXTRACT(EPOCH FROM now() - min(confirmed_at))::float8 AS oldest
        FROM publications WHERE follow_up IS NOT NULL`;
      this.set({ measure: 'count' }, row?.n ?? 0);
      this.set({ measure: 'oldest_seconds' }, row?.oldest ?? 0);
    }),
  });

  new Gauge({
    name: 'stargue_outlet_errors',
    help: 'Publications whose last outlet error has this code, over the last 7 days',
    labelNames: ['outlet', 'code'] as const,
    registers: [registry],
    collect: fromDatabase('stargue_outlet_errors', async function () {
      const rows = await db.$queryRaw<{ outlet: string; code: string; n: bigint }[]>`
        SELECT outlet, split_part(last_error, ':', 1) AS code, count(*) AS n
        FROM publications
        WHERE last_error IS NOT NULL AND updated_at > now() - interval '7 days'
        GROUP BY 1, 2`;
      this.reset();
      for (const r of rows) this.set({ outlet: r.outlet, code: r.code.slice(0, 64) }, Number(r.n));
    }),
  });

  if (linkedinVersion) {
    new Gauge({
      name: 'stargue_linkedin_version_days_left',
      help: 'Days until LinkedIn sunsets LINKEDIN_VERSION (426 to every call from then); alert below 60',
      labelNames: ['version'] as const,
      registers: [registry],
      collect() {
        const health = versionHealth(linkedinVersion);
        this.reset();
        this.set({ version: health.version }, health.daysLeft);
      },
    });
  }

  new Gauge({
    name: 'stargue_linkedin_version_refused',
    help: 'Publications waiting because LinkedIn answered 426 to our LinkedIn-Version; alert above 0',
    registers: [registry],
    collect: fromDatabase('stargue_linkedin_version_refused', async function () {
      this.set(
        await db.publication.count({
          where: {
            state: { in: ['intent', 'sending', 'unresolved'] },
            lastError: { startsWith: `${FailureType.VersionInactive}:` },
          },
        }),
      );
    }),
  });

  return { registry, requests };
}

/** Records every API answer's latency by route and status. */
export function installRequestMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** The operators' listener: `GET /metrics` and nothing else. */
export async function buildMetricsServer(
  metrics: ApiMetrics,
  log: FastifyBaseLogger,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log.child({ listener: 'metrics' }),
    disableRequestLogging: true,
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
  await app.ready();
  return app;
}

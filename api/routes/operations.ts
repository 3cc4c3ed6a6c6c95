import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AuditPageSchema,
  AuditQuerySchema,
  ErrorBodySchema,
  KillSwitchBodySchema,
  KillSwitchChangeSchema,
  KillSwitchSchema,
} from '../../contracts/api';
import type { PublishingDeps } from '../../publishing/deps';
import { getKillSwitch, setKillSwitch } from '../../publishing/kill-switch';
import { listAudit } from '../../publishing/listing';
import { actorOf } from '../auth';

const errors = (...codes: number[]) =>
  Object.fromEntries([401, 403, 503, ...codes].map((c) => [c, ErrorBodySchema]));
const security = [{ bearer: [] }];

export function operationsRoutes(deps: PublishingDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/kill-switch',
      {
        schema: {
          summary: 'The global kill switch',
          tags: ['operations'],
          security,
          response: { 200: KillSwitchSchema, ...errors() },
        },
      },
      async () => getKillSwitch(deps),
    );

    app.put(
      '/v1/kill-switch',
      {
        schema: {
          summary:
            'Engage or release the global kill switch (halts every item before its outlet call)',
          tags: ['operations'],
          security,
          body: KillSwitchBodySchema,
          response: { 200: KillSwitchChangeSchema, ...errors(422) },
        },
      },
      async (request) => setKillSwitch(deps, actorOf(request), request.body),
    );

    app.get(
      '/v1/audit',
      {
        schema: {
          summary:
            'Audit entries about one subject (a content id, `kill-switch`, or a LinkedIn account), newest first',
          tags: ['operations'],
          security,
          querystring: AuditQuerySchema,
          response: { 200: AuditPageSchema, ...errors(422) },
        },
      },
      async (request) => listAudit(deps, request.query),
    );
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type z } from 'zod';
import {
  ActionResultSchema,
  ApproveBodySchema,
  AuditPageSchema,
  AuditQuerySchema,
  ContentListSchema,
  ContentViewSchema,
  ErrorBodySchema,
  HaltBodySchema,
  IdParamsSchema,
  ListQuerySchema,
  PreviewSchema,
  RejectBodySchema,
  RescheduleBodySchema,
  SourceSchema,
  SubmitBodySchema,
  SubmitResultSchema,
  VersionQuerySchema,
} from '../../contracts/api';
import { getContent, submitContent } from '../../publishing/content';
import {
  approveContent,
  cancelContent,
  haltContent,
  rejectContent,
  releaseContent,
  rescheduleContent,
} from '../../publishing/decisions';
import type { PublishingDeps } from '../../publishing/deps';
import { contentSource, listAudit, listContent, previewContent } from '../../publishing/listing';
import { actorOf } from '../auth';

const errors = (...codes: number[]) =>
  Object.fromEntries([401, 403, 503, ...codes].map((c) => [c, ErrorBodySchema]));
const security = [{ bearer: [] }];

export function contentRoutes(deps: PublishingDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/content',
      {
        schema: {
          summary: 'Submit a content item (validate, store, start its workflow)',
          tags: ['content'],
          security,
          body: SubmitBodySchema,
          response: { 200: SubmitResultSchema, 202: SubmitResultSchema, ...errors(409, 413, 422) },
        },
      },
      async (request, reply) => {
        const { created, result } = await submitContent(deps, actorOf(request), request.body);
        return reply.code(created ? 202 : 200).send(result);
      },
    );

    app.get(
      '/v1/content',
      {
        schema: {
          summary: 'List content items, newest first',
          tags: ['content'],
          security,
          querystring: ListQuerySchema,
          response: { 200: ContentListSchema, ...errors(400, 422) },
        },
      },
      async (request) => listContent(deps, request.query),
    );

    app.get(
      '/v1/content/:id',
      {
        schema: {
          summary: "An item's status, schedule, approvals, publications and kill-switch state",
          tags: ['content'],
          security,
          params: IdParamsSchema,
          querystring: VersionQuerySchema,
          response: { 200: ContentViewSchema, ...errors(404, 422) },
        },
      },
      async (request) => getContent(deps, request.params.id, request.query.version),
    );

    app.get(
      '/v1/content/:id/preview',
      {
        schema: {
          summary: 'The exact text that would be posted, and the hash to approve it by',
          tags: ['content'],
          security,
          params: IdParamsSchema,
          querystring: VersionQuerySchema,
          response: { 200: PreviewSchema, ...errors(404, 422) },
        },
      },
      async (request) => previewContent(deps, request.params.id, request.query.version),
    );

    app.get(
      '/v1/content/:id/source',
      {
        schema: {
          summary: 'The Markdown as submitted (frontmatter included)',
          tags: ['content'],
          security,
          params: IdParamsSchema,
          querystring: VersionQuerySchema,
          response: { 200: SourceSchema, ...errors(404, 422) },
        },
      },
      async (request) => contentSource(deps, request.params.id, request.query.version),
    );

    app.get(
      '/v1/content/:id/audit',
      {
        schema: {
          summary: "The item's audit trail (every version), newest first",
          tags: ['content'],
          security,
          params: IdParamsSchema,
          querystring: AuditQuerySchema.omit({ subject: true }),
          response: { 200: AuditPageSchema, ...errors(422) },
        },
      },
      async (request) => listAudit(deps, { ...request.query, subject: request.params.id }),
    );

    const action = <B extends z.ZodType>(
      name: 'approve' | 'reject' | 'reschedule' | 'cancel' | 'halt' | 'release',
      summary: string,
      body: B | null,
      run: (
        request: {
          params: { id: string };
          query: { version?: number | undefined };
          body: z.infer<B>;
        },
        actor: ReturnType<typeof actorOf>,
      ) => Promise<z.infer<typeof ActionResultSchema>>,
    ) =>
      app.post(
        `/v1/content/:id/${name}`,
        {
          schema: {
            summary,
            tags: ['decisions'],
            security,
            params: IdParamsSchema,
            querystring: VersionQuerySchema,
            // Cancel takes no body: none is declared, so a bare POST is fine.
            ...(body ? { body } : {}),
            response: { 200: ActionResultSchema, ...errors(404, 409, 422) },
          },
        },
        async (request) => run(request as never, actorOf(request)),
      );

    action(
      'approve',
      'Approve an item awaiting approval, bound to the content hash its preview showed',
      ApproveBodySchema,
      (r, actor) =>
        approveContent(deps, actor, { id: r.params.id, version: r.query.version }, r.body),
    );
    action('reject', 'Reject an item awaiting approval', RejectBodySchema, (r, actor) =>
      rejectContent(deps, actor, { id: r.params.id, version: r.query.version }, r.body),
    );
    action(
      'reschedule',
      'Move the scheduled time (earlier or later) before publishing starts',
      RescheduleBodySchema,
      (r, actor) =>
        rescheduleContent(deps, actor, { id: r.params.id, version: r.query.version }, r.body),
    );
    action('cancel', 'Cancel an item that has not started publishing', null, (r, actor) =>
      cancelContent(deps, actor, { id: r.params.id, version: r.query.version }),
    );
    action(
      'halt',
      'Stop one item before its outlet call (operators; the audit names you)',
      HaltBodySchema,
      (r, actor) => haltContent(deps, actor, { id: r.params.id, version: r.query.version }, r.body),
    );
    action(
      'release',
      'Release a halted item; after an unknown outcome, vouch that a re-send is safe (operators)',
      null,
      (r, actor) => releaseContent(deps, actor, { id: r.params.id, version: r.query.version }),
    );
  };
}

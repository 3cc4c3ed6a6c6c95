// `npm run mcp`: Stargue for AI assistants over stdio (Model Context Protocol). It acts through the
// same use cases as the REST API, as the `integration` key in STARGUE_API_KEY, and so can submit,
// upload media and read — never approve, reject, reschedule or flip the kill switch: approval
// stays human.
import { Client } from '@temporalio/client';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { ContentIdSchema } from '../contracts/api';
import { PublishStatusSchema } from '../contracts/workflow';
import { findApiKey } from '../platform/api-keys';
import { createDb } from '../platform/db/client';
import { runProcess } from '../platform/process';
import { connectClient } from '../platform/temporal';
import { getContent, submitContent } from '../publishing/content';
import type { Actor, PublishingDeps } from '../publishing/deps';
import { AppError } from '../publishing/errors';
import { listContent, previewContent } from '../publishing/listing';
import { uploadMedia } from '../publishing/media';

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

/** Tool errors carry the same code, message and issues as the REST API's error body. */
async function answer(run: () => Promise<unknown>): Promise<ToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await run(), null, 2) }] };
  } catch (err) {
    const body =
      err instanceof AppError
        ? { error: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) }
        : { error: 'INTERNAL', message: 'internal error' };
    return { content: [{ type: 'text', text: JSON.stringify(body, null, 2) }], isError: true };
  }
}

export function createMcpServer(
  deps: PublishingDeps,
  actor: Actor,
  options: { mediaMaxBytes: number },
): McpServer {
  const server = new McpServer({ name: 'stargue', version: '1.0.0' });
  server.registerTool(
    'submit_content',
    {
      title: 'Submit content',
      description:
        'Submit a Markdown post with YAML frontmatter (status, language, outlets, scheduled, version). It is validated and waits for a human editor to approve it.',
      inputSchema: { id: ContentIdSchema, markdown: z.string().min(1).max(262_144) },
    },
    (args) => answer(async () => (await submitContent(deps, actor, args)).result),
  );
  server.registerTool(
    'preview_content',
    {
      title: 'Preview content',
      description:
        'The exact text that would be posted for an item, with its length and content hash.',
      inputSchema: { id: ContentIdSchema, version: z.number().int().positive().optional() },
    },
    (args) => answer(() => previewContent(deps, args.id, args.version)),
  );
  server.registerTool(
    'get_content_status',
    {
      title: 'Content status',
      description:
        "An item's status, schedule, approvals, publications (with post URNs) and halt reason.",
      inputSchema: { id: ContentIdSchema, version: z.number().int().positive().optional() },
    },
    (args) => answer(() => getContent(deps, args.id, args.version)),
  );
  server.registerTool(
    'list_content',
    {
      title: 'List content',
      description:
        'Content items, newest first, optionally filtered by status; pass nextCursor to page.',
      inputSchema: {
        status: PublishStatusSchema.optional(),
        limit: z.number().int().min(1).max(100).optional(),
        cursor: z.string().max(200).optional(),
      },
    },
    (args) =>
      answer(() =>
        listContent(deps, { status: args.status, limit: args.limit ?? 20, cursor: args.cursor }),
      ),
  );
  server.registerTool(
    'upload_media',
    {
      title: 'Upload media',
      description:
        'Upload an image (PNG, JPEG, GIF) or a PDF as base64. Answers its id (sha256:…): attach an image with ![alt text](media:ID) in the Markdown, a PDF with frontmatter `document: {media: ID, title: …}`.',
      inputSchema: {
        base64: z
          .string()
          .min(1)
          .max(Math.ceil(options.mediaMaxBytes / 3) * 4 + 4)
          .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
      },
    },
    (args) =>
      answer(async () => {
        const data = new Uint8Array(Buffer.from(args.base64, 'base64'));
        return (await uploadMedia(deps, actor, data, options.mediaMaxBytes)).media;
      }),
  );
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runProcess(
    'stargue-mcp',
    async ({ config, log, onShutdown }) => {
      const key = process.env.STARGUE_API_KEY;
      if (!key) throw new Error('STARGUE_API_KEY is required: an integration API key');
      const db = createDb(config.DATABASE_URL, { max: 3 });
      const owner = await findApiKey(db, key);
      if (!owner) throw new Error('STARGUE_API_KEY is not a valid, active API key');
      if (owner.role !== 'integration')
        throw new Error(`STARGUE_API_KEY must be an integration key, not ${owner.role}`);
      const connection = await connectClient(config);
      const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      // stdout belongs to the protocol: logs go to stderr.
      const deps: PublishingDeps = {
        db,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        log: log.child({ via: 'mcp' }),
      };
      const server = createMcpServer(
        deps,
        { name: owner.name, role: owner.role, keyId: owner.id, channel: 'mcp' },
        { mediaMaxBytes: config.MEDIA_MAX_BYTES },
      );
      onShutdown(async () => {
        await server.close();
        await connection.close();
        await db.$disconnect();
      });
      await server.connect(new StdioServerTransport());
    },
    { logToStderr: true },
  );
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createKeys, type Keys } from '../helpers/api';
import { mediaIdOf } from '../../media/store';
import { post } from '../helpers/content';
import { png } from '../helpers/media';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

const root = path.resolve(import.meta.dirname, '../..');

function mcpEnv(stack: Stack, apiKey: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: stack.config.DATABASE_URL,
    TEMPORAL_ADDRESS: stack.config.TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    TOKEN_ENCRYPTION_KEY: stack.config.TOKEN_ENCRYPTION_KEY,
    STARGUE_API_KEY: apiKey,
    LOG_LEVEL: 'silent',
  };
}

type ToolAnswer = { content: { type: string; text: string }[]; isError?: boolean };
const json = (answer: unknown): Record<string, unknown> =>
  JSON.parse((answer as ToolAnswer).content[0]?.text ?? 'null');

describe('MCP server over stdio', () => {
  let stack: Stack;
  let keys: Keys;
  let client: Client;

  before(async () => {
    stack = await startStack();
    await stack.startWorker();
    keys = await createKeys(stack);
    client = new Client({ name: 'stargue-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', 'mcp/server.ts'],
        cwd: root,
        env: mcpEnv(stack, keys.integration),
      }),
    );
  });
  after(async () => {
    await client.close();
    await stack.close();
  });

  it('when tools are listed, then submit, preview, status and list are offered and nothing can approve', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, [
      'get_content_status',
      'list_content',
      'preview_content',
      'submit_content',
      'upload_media',
    ]);
    assert.ok(!names.some((n) => /approve|reject|reschedule|kill|cancel/.test(n)));
  });

  it('when an item is submitted through MCP, then its status and preview are readable and the submission is audited as the integration', async () => {
    const id = uniqueId('mcp');
    const submitted = json(
      await client.callTool({
        name: 'submit_content',
        arguments: { id, markdown: post({ body: 'From an assistant #mcp' }) },
      }),
    );
    assert.equal(submitted.workflowId, `content:${id}:v1`);
    const status = await eventually(async () => {
      const s = json(await client.callTool({ name: 'get_content_status', arguments: { id } }));
      return s.status === 'awaiting_approval' ? s : undefined;
    });
    assert.equal(status.id, id);
    const preview = json(await client.callTool({ name: 'preview_content', arguments: { id } }));
    assert.match(JSON.stringify(preview.outlets), /\{hashtag\|\\\\#\|mcp\}/);
    const list = json(
      await client.callTool({ name: 'list_content', arguments: { status: 'awaiting_approval' } }),
    );
    assert.ok((list.items as { id: string }[]).some((i) => i.id === id));
    const audit = await stack.db.audit.findFirstOrThrow({
      where: { subject: id, action: 'content.submitted' },
    });
    assert.equal((audit.details as { role: string }).role, 'integration');
  });

  it('when an image is uploaded through MCP, then its id can be referenced by a submission', async () => {
    const image = png(5, 4);
    const media = json(
      await client.callTool({
        name: 'upload_media',
        arguments: { base64: image.toString('base64') },
      }),
    );
    assert.equal(media.id, mediaIdOf(image));
    assert.deepEqual([media.type, media.width, media.height], ['image/png', 5, 4]);
    const again = json(
      await client.callTool({
        name: 'upload_media',
        arguments: { base64: image.toString('base64') },
      }),
    );
    assert.equal(again.id, media.id, 'the same bytes, the same id');
    const id = uniqueId('mcp-media');
    const submitted = json(
      await client.callTool({
        name: 'submit_content',
        arguments: {
          id,
          markdown: post({
            body: `With a picture ![A small test image](media:${String(media.id)})`,
          }),
        },
      }),
    );
    assert.equal(submitted.workflowId, `content:${id}:v1`);
    const refused = (await client.callTool({
      name: 'upload_media',
      arguments: { base64: Buffer.from('not an image').toString('base64') },
    })) as ToolAnswer;
    assert.equal(refused.isError, true);
    assert.equal(json(refused).error, 'VALIDATION_FAILED');
  });

  it('when content is invalid, then the tool answers an error with the same issues as the API', async () => {
    const answer = (await client.callTool({
      name: 'submit_content',
      arguments: { id: uniqueId('bad'), markdown: '---\nstatus: ready\nschedueld: x\n---\nhi\n' },
    })) as ToolAnswer;
    assert.equal(answer.isError, true);
    const body = json(answer);
    assert.equal(body.error, 'VALIDATION_FAILED');
    assert.ok((body.issues as { path: string }[]).some((i) => i.path === 'schedueld'));
  });

  it('when STARGUE_API_KEY is missing, unknown or not an integration key, then the server refuses to start', () => {
    for (const apiKey of ['', 'stg_unknown_key_0000000000000000', keys.editor]) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'mcp/server.ts'], {
        cwd: root,
        env: mcpEnv(stack, apiKey),
        encoding: 'utf8',
        timeout: 60_000,
        input: '',
      });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /STARGUE_API_KEY/);
    }
  });
});

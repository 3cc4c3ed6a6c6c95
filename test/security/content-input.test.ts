// Hostile content through the API (docs/security.md, "Validation cost" and "Invisible
// characters"): a 16 KB hostile frontmatter gets a small 422, a body of thousands of setext
// headings a fast BODY_TOO_COMPLEX, and bidi controls kept by `sanitize: false` a warning.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { startStack, uniqueId, type Stack } from '../helpers/stack';

const FRONTMATTER = ['status: draft', 'language: en', 'outlets: [linkedin]', 'version: 1'];

describe('hostile content over the API', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    await stack.startWorker();
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const submit = (markdown: string, id = uniqueId('hostile')) =>
    app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: { id, markdown },
    });

  it('when the frontmatter is 16 KB of problems, then the 422 lists at most 51 issues in a small body', async () => {
    const outlets = `outlets: [${Array.from({ length: 150 }, (_, i) => `x${i}`).join(', ')}]`;
    for (const frontmatter of [
      [...FRONTMATTER.slice(0, 2), outlets, 'version: 1'].join('\n'),
      'a: ]\n'.repeat(3_200),
    ]) {
      const response = await submit(`---\n${frontmatter}\n---\nHello`);
      assert.equal(response.statusCode, 422);
      assert.ok(response.body.length < 16_000, `${response.body.length} bytes`);
      assert.ok(response.json<{ issues: unknown[] }>().issues.length <= 51);
    }
  });

  it('when the body is 12,000 characters of setext headings, then BODY_TOO_COMPLEX comes back', async () => {
    const response = await submit(
      ['---', ...FRONTMATTER, '---', 'a\n=\n'.repeat(3_000)].join('\n'),
    );
    assert.equal(response.statusCode, 422);
    assert.deepEqual(
      response.json<{ issues: { code: string }[] }>().issues.map((issue) => issue.code),
      ['BODY_TOO_COMPLEX'],
    );
  });

  it('when sanitize is false and the body holds a bidi override, then it is accepted with a warning the editor sees too', async () => {
    const id = uniqueId('bidi');
    const markdown = [
      '---',
      ...FRONTMATTER,
      'sanitize: false',
      '---',
      'Pay \u202Eyas ot\u202C now',
    ].join('\n');
    const response = await submit(markdown, id);
    assert.equal(response.statusCode, 202, response.body);
    const { warnings } = response.json<{
      warnings: { code: string; severity: string; line: number }[];
    }>();
    assert.deepEqual(
      warnings.map(({ code, severity, line }) => ({ code, severity, line })),
      [{ code: 'INVISIBLE_CHARACTERS', severity: 'warning', line: 8 }],
    );
    const preview = await app.inject({
      method: 'GET',
      url: `/v1/content/${id}/preview`,
      headers: bearer(keys.editor),
    });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.deepEqual(
      preview.json<{ warnings: { code: string }[] }>().warnings.map((w) => w.code),
      ['INVISIBLE_CHARACTERS'],
    );
  });

  it('when sanitize is true, then the preview has no warnings', async () => {
    const id = uniqueId('clean');
    const markdown = ['---', ...FRONTMATTER, '---', 'Pay \u202Eyas ot\u202C now'].join('\n');
    assert.equal((await submit(markdown, id)).statusCode, 202);
    const preview = await app.inject({
      method: 'GET',
      url: `/v1/content/${id}/preview`,
      headers: bearer(keys.editor),
    });
    assert.deepEqual(preview.json<{ warnings: unknown[] }>().warnings, []);
  });
});

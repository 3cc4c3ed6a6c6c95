// The access log writes one line per request, when the answer has gone, with what an operator
// reads it for (method, scrubbed URL, status, time taken); a request the client abandons still
// leaves a line.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../platform/logger';
import { buildTestApp, createKeys, type Keys } from '../helpers/api';
import { eventually, startStack, type Stack } from '../helpers/stack';

interface Line {
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string; remoteAddress?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

describe('the access log', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let baseUrl = '';
  let keys: Keys;
  const lines: Line[] = [];

  before(async () => {
    stack = await startStack({ connectAccount: false });
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Line);
        done();
      },
    });
    app = await buildTestApp(stack, {
      log: createLogger({ level: 'info', name: 'access', destination: capture }),
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const linesFor = (url: string) => lines.filter((line) => line.req?.url === url);

  it('when requests are answered, then each leaves one line with its method, scrubbed URL, status and time', async () => {
    const secretUrl = '/v1/oauth/linkedin/callback?code=s3cr3t-code&state=s3cr3t-state';
    const answers = [
      { url: '/healthz', status: (await fetch(`${baseUrl}/healthz`)).status },
      { url: '/v1/content', status: (await fetch(`${baseUrl}/v1/content`)).status },
      { url: secretUrl, status: (await fetch(`${baseUrl}${secretUrl}`)).status },
    ];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 401, answers[2]?.status],
    );
    await eventually(async () => (linesFor('/healthz').length > 0 ? true : undefined), 10_000);
    for (const { url, status } of answers.slice(0, 2)) {
      const [line, ...more] = linesFor(url);
      assert.equal(more.length, 0, `one line for ${url}: ${JSON.stringify(linesFor(url))}`);
      assert.equal(line?.msg, 'request completed');
      assert.equal(line?.req?.method, 'GET');
      assert.equal(line?.req?.remoteAddress, '127.0.0.1');
      assert.equal(line?.res?.statusCode, status);
      assert.equal(typeof line?.responseTime, 'number');
      assert.ok(line?.reqId, 'the request id ties the line to the answer');
    }
    const callback = lines.filter((line) =>
      line.req?.url?.startsWith('/v1/oauth/linkedin/callback'),
    );
    assert.equal(callback.length, 1, JSON.stringify(callback));
    assert.equal(
      callback[0]?.req?.url,
      '/v1/oauth/linkedin/callback?code=[Redacted]&state=[Redacted]',
    );
    assert.equal(callback[0]?.res?.statusCode, answers[2]?.status);
    assert.ok(!lines.some((line) => line.msg === 'incoming request'));
  });

  it('when a client gives up before the answer, then the request still leaves a line', async () => {
    const { port } = new URL(baseUrl);
    const arrived = new Promise<void>((resolve) => app.server.once('request', () => resolve()));
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // A body announced and never sent: the request waits for it until the client hangs up.
    socket.write(
      `POST /v1/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys.integration}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"par',
    );
    await arrived;
    socket.destroy();
    const line = await eventually(
      async () => lines.find((l) => l.req?.method === 'POST' && l.req.url === '/v1/content'),
      10_000,
      `a line for the abandoned request: ${JSON.stringify(lines.slice(-3))}`,
    );
    assert.equal(line.msg, 'request aborted');
    // Whatever the server did after the hang-up is done by the time a later request is answered.
    const later = (await fetch(`${baseUrl}/healthz?after-abort`)).status;
    assert.equal(later, 200);
    await eventually(async () => linesFor('/healthz?after-abort')[0], 10_000);
    const posts = lines.filter((l) => l.req?.method === 'POST');
    assert.equal(posts.length, 1, `one line for the abandoned request: ${JSON.stringify(posts)}`);
    assert.equal(line.req?.remoteAddress, '127.0.0.1');
  });
});

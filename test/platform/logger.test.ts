import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../platform/logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    log: createLogger({ level: 'info', name: 'test', destination }),
    text: () => lines.join('\n'),
    lines,
  };
}

const SECRETS = {
  accessToken: 'AQV-access-token-sentinel-111',
  refreshToken: 'AQX-refresh-token-sentinel-222',
  clientSecret: 'client-secret-sentinel-333',
  apiKey: 'stg_apikeysentinel0123456789abcdef',
  code: 'oauth-code-sentinel-444',
  state: 'oauth-state-sentinel-555',
  email: 'ada.editor@example.com',
};

describe('log redaction', () => {
  it('when a log call carries tokens, secrets, keys, OAuth code/state and emails at the top level and nested, then none is written', () => {
    const { log, text } = capture();
    log.info(
      {
        accessToken: SECRETS.accessToken,
        refresh_token: SECRETS.refreshToken,
        client_secret: SECRETS.clientSecret,
        apiKey: SECRETS.apiKey,
        email: SECRETS.email,
        headers: {
          authorization: `Bearer ${SECRETS.accessToken}`,
          cookie: 'stargue_session=abc',
          'x-api-key': SECRETS.apiKey,
        },
        nested: {
          deeper: {
            tokens: { access_token: SECRETS.accessToken },
            clientSecret: SECRETS.clientSecret,
            contact: `write to ${SECRETS.email}`,
          },
          list: [{ refreshToken: SECRETS.refreshToken }, `key ${SECRETS.apiKey}`],
        },
        url: `/v1/oauth/linkedin/callback?code=${SECRETS.code}&state=${SECRETS.state}`,
      },
      `exchanged code=${SECRETS.code}: access_token=${SECRETS.accessToken} for ${SECRETS.email}`,
    );
    log.error(
      {
        err: Object.assign(new Error(`refresh failed for refresh_token=${SECRETS.refreshToken}`), {
          clientSecret: SECRETS.clientSecret,
        }),
      },
      'oops',
    );
    const out = text();
    for (const [name, value] of Object.entries(SECRETS))
      assert.ok(!out.includes(value), `${name} leaked: ${out}`);
    assert.match(out, /\[Redacted\]/);
    assert.match(out, /\/v1\/oauth\/linkedin\/callback\?code=\[Redacted\]&state=\[Redacted\]/);
  });

  it('when a field holds CRLF or ANSI escapes, then each log call stays one JSON line with them escaped', () => {
    const { log, lines } = capture();
    log.info({ title: 'evil\r\n{"level":"fatal"}\u001b[31mred' }, 'line\nbreak');
    assert.equal(lines.length, 1);
    const parsed = JSON.parse(lines[0] ?? '') as { title: string; msg: string };
    assert.equal(parsed.title, 'evil\r\n{"level":"fatal"}\u001b[31mred');
    assert.equal(parsed.msg, 'line\nbreak');
  });

  it('when logging a circular object, then it is written without throwing', () => {
    const { log, text } = capture();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    log.info({ a }, 'circular');
    assert.match(text(), /\[Circular\]/);
  });
});

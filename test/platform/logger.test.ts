import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  MAX_LOGGED_STRING,
  MAX_LOGGED_URL,
  REDACTION_PATTERNS,
  createLogger,
  cut,
  scrubString,
} from '../../platform/logger';

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

describe('log redaction on hostile input', () => {
  const KiB = 1024;
  // Shapes that make a backtracking pattern rescan a long run from each of its characters: runs
  // of one class, and the literal openings of every pattern repeated without what must follow.
  const SEEDS = [
    'a',
    '0',
    '.',
    '-',
    '_',
    ' ',
    '@',
    ':',
    '/',
    '=',
    '&',
    '%',
    '"',
    'a@',
    '@a',
    'a.',
    'a-',
    'a.a@',
    'a@a.',
    'a@a-',
    '@a.a',
    '://',
    '://a',
    '://a:',
    '://:',
    'a:a@',
    'code=',
    '?code=',
    ';session=',
    'Bearer ',
    'Basic',
    'stg_',
    'stg_a',
    'access_token=',
    'password: ',
    'csrfToken":"',
    'x-csrf-token',
  ];
  const hostile = (size: number): string[] =>
    SEEDS.flatMap((seed) => {
      const run = seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
      return [run, `${run}!`, `!${run}`, `a${run}@`, `${run}@a.a`, `://a:${run}`];
    });

  /** Up to three runs, keeping the fastest, so a busy machine's pause is not counted as the pattern's. */
  function fastest(run: () => void, budgetMs: number): number {
    let best = Infinity;
    for (let i = 0; i < 3 && best > budgetMs; i++) {
      const started = performance.now();
      run();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  }

  it('when every redaction pattern runs on 32 KiB of hostile text, then each answers within a generous budget', () => {
    // A quadratic pattern spends ~0.5 s or more on 32 KiB; a linear one a few milliseconds at most.
    const budgetMs = 50;
    const slow: string[] = [];
    for (const { name, pattern, replacement } of REDACTION_PATTERNS) {
      // One slow input is enough to fail a pattern; the rest would only make a failing run long.
      const text = hostile(32 * KiB).find(
        (t) => fastest(() => t.replace(pattern, replacement), budgetMs) > budgetMs,
      );
      if (text !== undefined) slow.push(`${name} on ${JSON.stringify(text.slice(0, 12))}…`);
    }
    assert.deepEqual(slow, []);
  });

  it('when a logged string is longer than 8 KiB, then it is cut before scrubbing, marked, and no half secret is left at the cut', () => {
    const key = `stg_${'k'.repeat(40)}`;
    const long = `${'x '.repeat(4090)}${key} tail`;
    const out = scrubString(long);
    assert.ok(out.length < MAX_LOGGED_STRING + 40, `${out.length}`);
    assert.match(out, /…\[cut \d+ chars\]$/);
    assert.ok(!out.includes('stg_k'), 'the key split by the cut is dropped whole');
    assert.equal(cut('short', MAX_LOGGED_STRING), 'short');
  });

  it('when a request URL is longer than 2 KiB, then the access log keeps its first 2 KiB and says how much was cut', () => {
    const { log, lines } = capture();
    log.info({ req: { method: 'GET', url: `/healthz?${'a'.repeat(15_000)}` } }, 'incoming request');
    const url = (JSON.parse(lines[0] ?? '{}') as { req: { url: string } }).req.url;
    assert.ok(url.length <= MAX_LOGGED_URL + 40, `${url.length}`);
    assert.match(url, /^\/healthz\?…\[cut 15000 chars\]$/);
  });

  it('when a URL carries a password, or a string or object carries CSRF or session values, then none is written', () => {
    const { log, text } = capture();
    const secrets = {
      dbPassword: 'pg-pass-sentinel-1',
      redisPassword: 'redis-pass-sentinel-2',
      csrf: 'csrf-sentinel-3',
      session: 'session-sentinel-4',
      csrfField: 'csrf-field-sentinel-5',
      sessionField: 'session-field-sentinel-6',
      libpq: 'libpq-sentinel-7',
    };
    log.error(
      {
        url: `postgres://stargue:${secrets.dbPassword}@db.internal:5432/stargue`,
        csrfToken: secrets.csrfField,
        headers: { 'x-csrf-token': secrets.csrfField },
        sessionId: secrets.sessionField,
        stargue_session: secrets.sessionField,
      },
      `cannot reach redis://:${secrets.redisPassword}@cache:6379; header x-csrf-token: ${secrets.csrf}; ` +
        `cookie stargue_session=${secrets.session}; dsn host=db password=${secrets.libpq}`,
    );
    const out = text();
    for (const [name, value] of Object.entries(secrets))
      assert.ok(!out.includes(value), `${name} leaked: ${out}`);
    assert.match(out, /postgres:\/\/stargue:\[Redacted\]@db\.internal:5432\/stargue/);
  });
});

describe('log delivery', () => {
  it('when a process logs and exits at once, then every line reaches stdout (the buffer is flushed on exit)', () => {
    // The default destination writes asynchronously; lines still buffered must not be lost.
    const script = [
      "import { createLogger } from './platform/logger.ts';",
      "const log = createLogger({ level: 'info', name: 'exit-test', pretty: false });",
      "for (let i = 0; i < 500; i++) log.info({ i }, 'line');",
      'process.exit(0);',
    ].join('\n');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: path.join(import.meta.dirname, '../..'),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { i: number });
    assert.deepEqual(
      lines.map((l) => l.i),
      Array.from({ length: 500 }, (_, i) => i),
    );
  });
});

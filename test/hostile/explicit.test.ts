// RELIABILITY.md §3, case by case through app.inject against real Postgres and Temporal: every
// hostile input is answered 4xx with the typed error shape, never 5xx, and nothing is evaluated.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { post } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { captureLogs, withLog } from '../outlets/linkedin/pipeline';
import { assertTypedAnswer, encodeAll } from './support';

const MiB = 1024 * 1024;

describe('hostile input, case by case', () => {
  const logs = captureLogs('stargue', 'trace');
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  /** An item awaiting approval, for the decision routes. */
  let waiting: string;

  before(async () => {
    stack = withLog(await startStack(), logs.log);
    await stack.startWorker();
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
    waiting = uniqueId('hostile');
    const r = await submit(waiting, post({ scheduled: '2031-01-01T09:00:00Z' }));
    assert.equal(r.statusCode, 202, r.body);
    await eventually(async () =>
      (await get(`/v1/content/${waiting}`)).json().status === 'awaiting_approval'
        ? true
        : undefined,
    );
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const inject = (options: InjectOptions) => app.inject(options);
  const submit = (id: unknown, markdown: unknown) =>
    inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: { id, markdown },
    });
  const get = (url: string, key = keys.operator) =>
    inject({ method: 'GET', url, headers: bearer(key) });
  const raw = (method: 'POST' | 'PUT', url: string, payload: string, key = keys.operator) =>
    inject({
      method,
      url,
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload,
    });
  const JSON_ROUTES: ['POST' | 'PUT', string][] = [
    ['POST', '/v1/content'],
    ['POST', '/v1/content/some-item/approve'],
    ['POST', '/v1/content/some-item/reject'],
    ['POST', '/v1/content/some-item/reschedule'],
    ['POST', '/v1/content/some-item/cancel'],
    ['PUT', '/v1/kill-switch'],
  ];
  const issueCodes = (r: { json: () => unknown }) =>
    ((r.json() as { issues?: { code: string }[] }).issues ?? []).map((i) => i.code);
  const markdownWith = (frontmatterExtra: string, body = 'Hello there.') =>
    `---\nstatus: ready\nlanguage: en\noutlets: [linkedin]\nversion: 1\n${frontmatterExtra}---\n${body}\n`;

  it('when a body is larger than 1 MiB, then every JSON route answers 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ id: 'big', markdown: 'x'.repeat(MiB + 16) });
    for (const [method, url] of JSON_ROUTES) {
      const r = await raw(method, url, big);
      assert.equal(r.statusCode, 413, `${method} ${url}`);
      assert.equal(r.json().error, 'PAYLOAD_TOO_LARGE');
      assertTypedAnswer(r, `${method} ${url}`);
    }
  });

  it('when fields are one past their limits, then 422 names the field; a document over 256 KiB of UTF-8 is DOCUMENT_TOO_LARGE', async () => {
    const cases: [string, InjectOptions, string][] = [
      [
        'id',
        { method: 'POST', url: '/v1/content', payload: { id: 'a'.repeat(129), markdown: post() } },
        'body.id',
      ],
      [
        'markdown',
        {
          method: 'POST',
          url: '/v1/content',
          payload: { id: 'ok', markdown: 'x'.repeat(262_145) },
        },
        'body.markdown',
      ],
      [
        'note',
        {
          method: 'POST',
          url: `/v1/content/${waiting}/approve`,
          payload: { note: 'n'.repeat(2001) },
        },
        'body.note',
      ],
      [
        'reason',
        {
          method: 'POST',
          url: `/v1/content/${waiting}/reject`,
          payload: { reason: 'r'.repeat(2001) },
        },
        'body.reason',
      ],
      [
        'kill-switch reason',
        {
          method: 'PUT',
          url: '/v1/kill-switch',
          payload: { engaged: true, reason: 'r'.repeat(501) },
        },
        'body.reason',
      ],
      [
        'audit subject',
        { method: 'GET', url: `/v1/audit?subject=${'s'.repeat(201)}` },
        'querystring.subject',
      ],
      [
        'list cursor',
        { method: 'GET', url: `/v1/content?cursor=${'c'.repeat(201)}` },
        'querystring.cursor',
      ],
      ['list limit', { method: 'GET', url: '/v1/content?limit=101' }, 'querystring.limit'],
      ['audit limit', { method: 'GET', url: '/v1/audit?subject=x&limit=201' }, 'querystring.limit'],
    ];
    for (const [what, options, path] of cases) {
      const r = await inject({ ...options, headers: bearer(keys.operator) });
      assert.equal(r.statusCode, 422, `${what}: ${r.body.slice(0, 300)}`);
      assertTypedAnswer(r, what);
      const paths = (r.json<{ issues: { path: string }[] }>().issues ?? []).map((i) => i.path);
      assert.ok(paths.includes(path), `${what}: ${paths.join(', ')}`);
    }
    // 100,000 three-byte characters: under the character limit, over the 256 KiB byte limit.
    const wide = await submit(uniqueId('wide'), markdownWith('', '€'.repeat(100_000)));
    assert.equal(wide.statusCode, 422);
    assert.deepEqual(issueCodes(wide), ['DOCUMENT_TOO_LARGE']);
  });

  it('when markdown holds NUL or a lone surrogate, then 422 names the character and its place', async () => {
    for (const [text, code] of [
      [markdownWith('', 'before\u0000after'), 'NUL_CHARACTER'],
      [markdownWith('', 'broken \ud800 pair'), 'LONE_SURROGATE'],
      [markdownWith('', 'stray low \udc00'), 'LONE_SURROGATE'],
      [markdownWith('language: "en\u0000"\n'), 'NUL_CHARACTER'],
    ] as const) {
      const r = await submit(uniqueId('enc'), text);
      assert.equal(r.statusCode, 422, r.body);
      assert.ok(issueCodes(r).includes(code), `${code} in ${r.body}`);
      assertTypedAnswer(r, code);
    }
  });

  // Regression guard, a bug this suite found and that is fixed (api/routes/operations.ts → publishing/kill-switch.ts): a kill-switch `reason` holding NUL
  // passes KillSwitchBodySchema and reaches Postgres (`text` refuses 0x00): 500 INTERNAL.
  it('when JSON fields hold NUL or a lone surrogate, then every route answers 4xx, never 5xx', async () => {
    const failures: string[] = [];
    for (const evil of ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u0000\ud800']) {
      const encoded = encodeAll(evil);
      const cases: [string, InjectOptions][] = [
        [
          'submit id',
          { method: 'POST', url: '/v1/content', payload: { id: evil, markdown: post() } },
        ],
        [
          'submit markdown',
          { method: 'POST', url: '/v1/content', payload: { id: uniqueId('evil'), markdown: evil } },
        ],
        [
          'kill-switch release reason',
          { method: 'PUT', url: '/v1/kill-switch', payload: { engaged: false, reason: evil } },
        ],
        [
          'kill-switch engage reason',
          {
            method: 'PUT',
            url: '/v1/kill-switch',
            payload: { engaged: true, reason: `drill ${evil}` },
          },
        ],
        [
          'reschedule zone',
          {
            method: 'POST',
            url: `/v1/content/${waiting}/reschedule`,
            payload: { scheduled: '2031-01-01T09:00:00Z', zone: evil },
          },
        ],
        [
          'reschedule time',
          {
            method: 'POST',
            url: `/v1/content/${waiting}/reschedule`,
            payload: { scheduled: evil },
          },
        ],
        [
          'approve hash',
          { method: 'POST', url: `/v1/content/${waiting}/approve`, payload: { contentHash: evil } },
        ],
        ['audit subject', { method: 'GET', url: `/v1/audit?subject=${encoded}` }],
        ['list cursor', { method: 'GET', url: `/v1/content?cursor=${encoded}` }],
        ['list status', { method: 'GET', url: `/v1/content?status=${encoded}` }],
        ['item id', { method: 'GET', url: `/v1/content/${encoded}` }],
        ['item version', { method: 'GET', url: `/v1/content/${waiting}?version=${encoded}` }],
        ['callback state', { method: 'GET', url: `/v1/oauth/linkedin/callback?state=${encoded}` }],
      ];
      for (const [what, options] of cases) {
        const r = await inject({ ...options, headers: bearer(keys.operator) });
        try {
          assertTypedAnswer(r, `${what} ${JSON.stringify(evil)}`);
        } catch (err) {
          failures.push((err as Error).message.split('\n')[0] ?? '');
        }
      }
    }
    await inject({
      method: 'PUT',
      url: '/v1/kill-switch',
      headers: bearer(keys.operator),
      payload: { engaged: false },
    });
    assert.deepEqual(failures, []);
  });

  // Regression guard, a bug this suite found and that is fixed (contracts/api.ts ApproveBodySchema/RejectBodySchema, activities/database.ts
  // recordDecision): the note passes validation, the Update handler sets the decision, then its
  // recordDecision activity fails on Postgres (22021, 0x00) and is retried for ever. The API times
  // out with 503 although the workflow took the approval: it goes on to `scheduled` with no
  // approvals row, and can never complete (finish() waits for the stuck handler).
  it('when an approval note or a rejection reason holds NUL, then it is refused with a 4xx and the item still awaits a decision', async () => {
    const id = uniqueId('nul');
    assert.equal((await submit(id, post({ scheduled: '2031-01-01T09:00:00Z' }))).statusCode, 202);
    await eventually(async () =>
      (await get(`/v1/content/${id}`)).json().status === 'awaiting_approval' ? true : undefined,
    );
    const approve = await inject({
      method: 'POST',
      url: `/v1/content/${id}/approve`,
      headers: bearer(keys.editor),
      payload: { note: 'looks good\u0000' },
    });
    assertTypedAnswer(approve, 'approve with a NUL note');
    const reject = await inject({
      method: 'POST',
      url: `/v1/content/${id}/reject`,
      headers: bearer(keys.editor),
      payload: { reason: 'no\u0000' },
    });
    assertTypedAnswer(reject, 'reject with a NUL reason');
    const view = await get(`/v1/content/${id}`);
    assert.equal(view.json().status, 'awaiting_approval');
    assert.equal(await stack.db.approval.count({ where: { contentId: id } }), 0);
  });

  it('when JSON carries __proto__ or constructor.prototype, then 400 BAD_JSON on every JSON route and nothing is polluted', async () => {
    for (const payload of [
      '{"id":"x","markdown":"y","__proto__":{"polluted":true}}',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"note":"n","constructor":{"prototype":{"polluted":true}}}',
    ]) {
      for (const [method, url] of JSON_ROUTES) {
        const r = await raw(method, url.replace('some-item', waiting), payload);
        assert.equal(r.statusCode, 400, `${method} ${url} ${payload}: ${r.body}`);
        assert.equal(r.json().error, 'BAD_JSON');
        assertTypedAnswer(r, `${method} ${url}`);
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('when frontmatter carries __proto__ or constructor, then 422 UNKNOWN_KEY naming it, and nothing is polluted', async () => {
    for (const extra of [
      '__proto__:\n  polluted: true\n',
      'constructor:\n  prototype:\n    polluted: true\n',
      '"__proto__": {polluted: true}\n',
    ]) {
      const r = await submit(uniqueId('proto'), markdownWith(extra));
      assert.equal(r.statusCode, 422, r.body);
      const issues = r.json<{ issues: { path: string; code: string }[] }>().issues;
      assert.ok(
        issues.some((i) => i.code === 'UNKNOWN_KEY' && /__proto__|constructor/.test(i.path)),
        JSON.stringify(issues),
      );
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('when frontmatter uses anchors, aliases, an alias bomb or custom tags, then 422 fast, nothing expanded', async () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      '',
    ].join('\n');
    for (const [extra, code] of [
      [bomb, 'YAML_ALIAS'],
      ['x: &anchor 1\ny: *anchor\n', 'YAML_ALIAS'],
      ['sanitize: !!js/function "function () { return true }"\n', 'YAML_TAG'],
      ['sanitize: !!python/object:os.system ["id"]\n', 'YAML_TAG'],
      ['sanitize: !custom true\n', 'YAML_TAG'],
      ['sanitize: !!bool "false"\n', 'YAML_TAG'],
    ] as const) {
      const began = Date.now();
      const r = await submit(uniqueId('yaml'), markdownWith(extra));
      assert.ok(Date.now() - began < 2_000, 'answered fast');
      assert.equal(r.statusCode, 422, r.body);
      assert.ok(issueCodes(r).includes(code), `${code} in ${r.body.slice(0, 500)}`);
      assert.ok(r.body.length < 20_000, 'the answer is bounded');
    }
  });

  it('when frontmatter asks for an executable engine (---js, ---javascript, ---coffee), then 422 and nothing is evaluated', async () => {
    const probe = globalThis as { __stargueEvaluated?: boolean };
    for (const opening of ['---js', '---javascript', '---coffee', '---JS ', '---json']) {
      const markdown = `${opening}\n{ status: (globalThis.__stargueEvaluated = true) && "ready" }\n---\nHello\n`;
      const r = await submit(uniqueId('engine'), markdown);
      assert.equal(r.statusCode, 422, `${opening}: ${r.body}`);
      assert.deepEqual(issueCodes(r), ['UNSUPPORTED_FRONTMATTER_LANGUAGE'], opening);
    }
    assert.equal(probe.__stargueEvaluated, undefined, 'nothing was evaluated');
  });

  const previewOf = async (body: string) => {
    const id = uniqueId('xss');
    const r = await submit(id, markdownWith('', body));
    assert.equal(r.statusCode, 202, r.body);
    const preview = await get(`/v1/content/${id}/preview`);
    assert.equal(preview.statusCode, 200, preview.body);
    return preview.json<{ outlets: { text: string }[] }>().outlets[0]?.text ?? '';
  };

  it('when Markdown carries raw HTML and scripts, then the preview is plain text without any of it', async () => {
    const text = await previewOf(
      [
        'Launch <script>alert(document.cookie)</script> day',
        '<img src=x onerror="alert(1)"> and <iframe src="javascript:alert(2)"></iframe>',
        'see <a href="javascript:alert(4)">here</a>',
        '<style>body{display:none}</style><svg onload=alert(5)></svg>',
        '<!-- <script>alert(6)</script> -->',
        '<div onclick="alert(8)">block</div>',
      ].join('\n\n'),
    );
    assert.match(text, /Launch/);
    for (const bad of [
      /<script/i,
      /<img/i,
      /<iframe/i,
      /onerror/i,
      /onload/i,
      /onclick/i,
      /javascript:/i,
      /<style/i,
      /<svg/i,
      /<a /i,
      /<div/i,
      /alert\(/,
    ]) {
      assert.doesNotMatch(text, bad, `${String(bad)} in ${JSON.stringify(text)}`);
    }
  });

  // Regression guard, a bug this suite found and that is fixed (content/markdown-text.ts link(): `text (url)` whatever the scheme): a Markdown link's
  // `javascript:` target is copied into the post text. LinkedIn will not run it, but it is JS from
  // the Markdown that RELIABILITY.md §3 wants removed; drop targets other than http(s) and mailto.
  it('when a Markdown link targets javascript:, then the target is not carried into the preview', async () => {
    const text = await previewOf(
      '[click](javascript:alert(3)) and [x][ref]\n\n[ref]: javascript:alert(9)',
    );
    assert.match(text, /click/);
    assert.doesNotMatch(text, /javascript:/i, JSON.stringify(text));
  });

  it('when a logged field carries CRLF or ANSI escapes, then every log line is one JSON object with them escaped', async () => {
    const evil = 'drill\r\n{"level":"fatal","msg":"forged"}\u001b[31mred\u001b[0m\u0007';
    const before = logs.lines.length;
    const r = await inject({
      method: 'GET',
      url: '/v1/content',
      headers: { 'x-request-id': evil, authorization: 'Bearer nope' },
    });
    assert.equal(r.statusCode, 401);
    // The OAuth callback logs LinkedIn's `error` parameter once the state checks out.
    const authorize = await get('/v1/oauth/linkedin/authorize');
    assert.equal(authorize.statusCode, 302, authorize.body);
    const state = new URL(authorize.headers.location as string).searchParams.get('state') ?? '';
    const callback = await inject({
      method: 'GET',
      url: `/v1/oauth/linkedin/callback?state=${state}&error=${encodeAll(evil)}`,
    });
    assert.equal(callback.statusCode, 400, callback.body);

    const written = logs.lines.slice(before);
    assert.ok(written.length >= 2, 'something was logged');
    for (const line of written) {
      assert.ok(line.endsWith('\n') && line.indexOf('\n') === line.length - 1, 'one line each');
      for (const raw of ['\r', '\u001b', '\u0007']) {
        assert.ok(!line.includes(raw), `no raw ${JSON.stringify(raw)} in ${line.slice(0, 200)}`);
      }
      JSON.parse(line);
    }
    const entries = written.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(
      entries.some((e) => e.reqId === evil && e.msg === 'authentication failed'),
      'the request id is logged, escaped, not dropped',
    );
    assert.ok(
      entries.some(
        (e) =>
          e.msg === 'LinkedIn authorization refused' && String(e.reason).includes('\u001b[31m'),
      ),
      'the OAuth error is logged, escaped',
    );
    assert.ok(!entries.some((e) => e.msg === 'forged'), 'no forged entry');
  });

  it('when ids are odd (slashes, dots, 10 KB, unicode, upper case, leading dash), then 422, and a path-like id never reaches another route', async () => {
    const odd = [
      'a/b',
      '../etc/passwd',
      '..',
      'café',
      'ﬁle',
      '😀',
      'UPPER',
      '-leading',
      'a b',
      'a%00b',
      'content:x:v1',
    ];
    const submitted = await submit('x'.repeat(10 * 1024), post());
    assert.equal(submitted.statusCode, 422);
    assertTypedAnswer(submitted, 'a 10 KB id in the body');
    for (const id of odd) {
      const s = await submit(id, post());
      assert.equal(s.statusCode, 422, `submit ${id.slice(0, 20)}: ${s.body.slice(0, 200)}`);
      assertTypedAnswer(s, `submit ${id.slice(0, 20)}`);
      const segment = encodeAll(id);
      // `%2E%2E` is normalised by the router to the parent path: not found, which is as safe.
      const expected = id === '..' ? 404 : 422;
      for (const path of [`/v1/content/${segment}`, `/v1/content/${segment}/preview`]) {
        const r = await get(path);
        assert.equal(r.statusCode, expected, `${path.slice(0, 60)}: ${r.body.slice(0, 200)}`);
        assertTypedAnswer(r, path.slice(0, 60));
      }
      for (const action of ['approve', 'reject', 'reschedule', 'cancel']) {
        const r = await inject({
          method: 'POST',
          url: `/v1/content/${segment}/${action}`,
          headers: bearer(keys.operator),
          payload: {},
        });
        assert.equal(
          r.statusCode,
          expected,
          `${action} ${id.slice(0, 20)}: ${r.body.slice(0, 200)}`,
        );
        assertTypedAnswer(r, `${action} ${id.slice(0, 20)}`);
      }
    }
    // Unencoded slashes are other paths: not found, typed.
    const slashed = await get('/v1/content/a/b/c');
    assert.equal(slashed.statusCode, 404);
    assertTypedAnswer(slashed, 'slashed path');
  });

  // Regression guard, a bug this suite found and that is fixed (api/app.ts): Fastify's router answers a path parameter over `maxParamLength` (100) with
  // 414 and a malformed percent-encoding with 400 in its own shape, `{error: "Bad Request",
  // code: "FST_ERR_…", message}`: the error handler never sees them. Fix: `frameworkErrors` in
  // the Fastify options (or `maxParamLength` above the id limit, so the id schema answers 422).
  it('when an id in the path is 10 KB long or badly percent-encoded, then the answer is 4xx with the typed error shape', async () => {
    const failures: string[] = [];
    for (const url of [
      `/v1/content/${'x'.repeat(10 * 1024)}`,
      `/v1/content/${'x'.repeat(129)}/preview`,
      `/v1/content/${'x'.repeat(200)}/approve`,
      '/v1/content/%E0%A4%A',
      '/v1/content/%/preview',
    ]) {
      const r = await inject({
        method: url.endsWith('approve') ? 'POST' : 'GET',
        url,
        headers: bearer(keys.operator),
        ...(url.endsWith('approve') ? { payload: {} } : {}),
      });
      try {
        assertTypedAnswer(r, url.slice(0, 40));
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0] ?? '');
      }
    }
    assert.deepEqual(failures, []);
  });

  // Regression guard, a bug this suite found and that is fixed (contracts/api.ts AuditQuerySchema): `cursor` was /^\d{1,19}$/, which admits values past
  // Postgres bigint (9223372036854775807): the query failed and the API answered 500. Found by
  // properties.test.ts. Fix: the cursor is 1–18 digits (AuditCursorSchema), always inside bigint,
  // and a pattern /openapi.json states whole (422 otherwise).
  it('when the audit cursor is past the largest bigint, then 422, not 500', async () => {
    for (const cursor of ['9223372036854775808', '9999999999999999999', '9223372036854775807']) {
      const r = await get(`/v1/audit?subject=kill-switch&cursor=${cursor}`);
      assertTypedAnswer(r, `cursor ${cursor}`);
      assert.equal(r.statusCode, 422);
    }
    const largest = await get('/v1/audit?subject=kill-switch&cursor=999999999999999999');
    assert.equal(largest.statusCode, 200, largest.body);
  });

  // Regression guard, a bug this suite found and that is fixed (contracts/api.ts VersionQuerySchema): `?version=` is a positive integer with no upper
  // bound; past 2147483647 Prisma's Int (Postgres integer) query fails and every item route
  // answers 500. Found by schemathesis. Fix: `.max(2_147_483_647)` (422 beyond).
  it('when ?version= is past the largest Postgres integer, then 422 on every item route, not 500', async () => {
    const failures: string[] = [];
    for (const version of ['2147483648', '9007199254740990']) {
      for (const [method, suffix, payload] of [
        ['GET', '', undefined],
        ['GET', '/preview', undefined],
        ['POST', '/approve', {}],
        ['POST', '/reject', { reason: 'no' }],
        ['POST', '/reschedule', { scheduled: '2031-01-01T09:00:00Z' }],
        ['POST', '/cancel', undefined],
      ] as const) {
        const r = await inject({
          method,
          url: `/v1/content/${waiting}${suffix}?version=${version}`,
          headers: bearer(keys.operator),
          ...(payload ? { payload } : {}),
        });
        try {
          assertTypedAnswer(r, `${method} ${suffix || '/'} version ${version}`);
          assert.equal(r.statusCode, 422, `${method} ${suffix || '/'} version ${version}`);
        } catch (err) {
          failures.push((err as Error).message.split('\n')[0] ?? '');
        }
      }
    }
    const big = await submit(uniqueId('bigver'), post({ version: 2_147_483_648 }));
    try {
      assertTypedAnswer(big, 'frontmatter version 2147483648');
    } catch (err) {
      failures.push((err as Error).message.split('\n')[0] ?? '');
    }
    assert.deepEqual(failures, []);
  });
});

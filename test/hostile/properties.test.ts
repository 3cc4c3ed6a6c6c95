// Property tests over every API payload through app.inject (real Postgres and Temporal): whatever
// the body, path or query, the answer is never a 5xx, and every 4xx is `{error, message, issues?}`.
// Bodies go over the wire as JSON text, so lone surrogates and NUL arrive as they would from a
// client; path and query values are percent-encoded byte by byte.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { sealAndVerify } from '../helpers/audit';
import { startStack, uniqueId, type Stack } from '../helpers/stack';
import { assertTypedAnswer, encodeAll, encodeSegment } from './support';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);

// Text of every kind: any UTF-16 unit (lone surrogates, NUL, controls), whole code points, and
// the characters that break parsers.
const text = (maxLength = 40) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ maxLength }),
    fc.constantFrom(
      '',
      '\u0000',
      '\ud800',
      '\udfff',
      '\u202e',
      '\u200d',
      '\r\n',
      '\u001b[31m',
      '__proto__',
      'constructor',
      "'; DROP TABLE content; --",
      '../../etc/passwd',
      '%00',
      '${{7*7}}',
      'null',
      '-1',
      '1e309',
    ),
  );
const jsonValue = fc.oneof(
  { depthSize: 'small' },
  text(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text(), { maxLength: 3 }),
  fc.dictionary(text(10), text(), { maxKeys: 3 }),
);
const idLike = fc.oneof(
  text(30),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,40}$/),
  fc.constantFrom('a', 'x'.repeat(128), 'x'.repeat(129), 'UPPER', 'a/b', '..', 'café'),
);
// In a path, ids stay within Fastify's maxParamLength (100): longer ones meet the router's own
// 414, a known bug pinned by explicit.test.ts, which would hide anything else found here.
const pathIdLike = idLike.filter((id) => encodeSegment(id).length <= 100);
// Known bugs pinned by explicit.test.ts (NUL reaching Postgres, an audit cursor past bigint) are
// kept out of the generators that would meet them, for the same reason.
const withoutNul = (arbitrary: fc.Arbitrary<string>) =>
  arbitrary.filter((v) => !v.includes('\u0000'));
// A stored reason with a lone surrogate breaks the audit chain (platform/audit.ts, pinned by
// test/security/audit-chain.test.ts); kept out so the last check here stays meaningful.
const wellFormed = (arbitrary: fc.Arbitrary<string>) =>
  arbitrary.filter(
    (v) => !/[\ud800-\udfff]/.test(v.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')),
  );
const instantLike = fc.oneof(
  text(30),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .tuple(
      fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
      fc.constantFrom('Z', '+00:00', '-05:00', '+10:30', '+14:00', '-12:00', '', '+24:00', '+05'),
    )
    .map(([d, zone]) => d.toISOString().slice(0, 19) + zone),
  fc.constantFrom('2027-02-29T09:00:00Z', '2028-02-29T09:00:00Z', '2026-13-01T00:00:00Z'),
);

/** Frontmatter from plausible and implausible values, with a body of any text. */
const markdownLike = fc.oneof(
  text(200),
  fc
    .record({
      opening: fc.constantFrom('---', '---yaml', '---js', '--- ', '----'),
      status: fc.oneof(fc.constantFrom('ready', 'draft'), text(10)),
      language: fc.oneof(fc.constantFrom('en', 'en-GB', 'pt-BR'), text(10)),
      outlets: fc.oneof(fc.constantFrom('[linkedin]', '[]', '[linkedin, linkedin]'), text(20)),
      scheduled: fc.option(instantLike, { nil: undefined }),
      version: fc.oneof(fc.integer({ min: -2, max: 1_000_000 }).map(String), text(5)),
      extra: fc.option(
        fc.constantFrom(
          'sanitize: false',
          'schedueld: 2030-01-01T00:00:00Z',
          '__proto__: {x: 1}',
          'a: &x 1',
          'b: !!js/function "f"',
          'status: ready',
          '\tversion: 2',
        ),
        { nil: undefined },
      ),
      body: text(300),
      closing: fc.constantFrom('---', '--- ', '---x', ''),
    })
    .map((m) =>
      [
        m.opening,
        `status: ${m.status}`,
        `language: ${m.language}`,
        `outlets: ${m.outlets}`,
        ...(m.scheduled === undefined ? [] : [`scheduled: ${m.scheduled}`]),
        `version: ${m.version}`,
        ...(m.extra === undefined ? [] : [m.extra]),
        m.closing,
        m.body,
      ].join('\n'),
    ),
);

describe('hostile input as properties: never a 5xx, always the typed error shape', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  const ids = new Set<string>();

  before(async () => {
    stack = await startStack({ connectAccount: false });
    app = await buildTestApp(stack, { rateLimitPerMinute: 1_000_000 });
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const send = async (options: InjectOptions, what: string) => {
    const r = await app.inject(options);
    assertTypedAnswer(r, `${what} ${JSON.stringify(options.url).slice(0, 120)}`);
    return r;
  };
  const asJson = (body: unknown) => ({
    'content-type': 'application/json',
    payload: JSON.stringify(body) ?? '',
  });
  const check = <Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>) =>
    fc.assert(property, { numRuns: RUNS, endOnFailure: true });

  it('POST /v1/content with any body, and with frontmatter of any shape, answers 2xx, 409 or a typed 4xx', async () => {
    await check(
      fc.asyncProperty(
        fc.oneof(
          jsonValue,
          fc.record({ id: idLike, markdown: markdownLike }, { requiredKeys: [] }),
          fc.record({ id: idLike, markdown: markdownLike, extra: jsonValue }),
        ),
        async (body) => {
          const { payload, 'content-type': type } = asJson(body);
          await send(
            {
              method: 'POST',
              url: '/v1/content',
              headers: { ...bearer(keys.integration), 'content-type': type },
              payload,
            },
            'submit',
          );
        },
      ),
    );
    // Plausible documents under fresh ids: each is stored or refused, never a server error.
    await check(
      fc.asyncProperty(markdownLike, async (markdown) => {
        const id = uniqueId('prop');
        ids.add(id);
        const r = await send(
          {
            method: 'POST',
            url: '/v1/content',
            headers: bearer(keys.integration),
            payload: { id, markdown },
          },
          'submit markdown',
        );
        assert.ok([200, 202, 422].includes(r.statusCode), `${r.statusCode} ${r.body}`);
      }),
    );
  });

  it('approve, reject, reschedule and cancel with any id, version and body answer a typed 4xx', async () => {
    await check(
      fc.asyncProperty(
        fc.constantFrom('approve', 'reject', 'reschedule', 'cancel'),
        pathIdLike,
        fc.option(text(8), { nil: undefined }),
        fc.oneof(
          jsonValue,
          fc.record(
            {
              note: text(),
              contentHash: fc.oneof(text(), fc.stringMatching(/^[0-9a-f]{64}$/)),
              reason: text(),
              scheduled: instantLike,
              zone: fc.oneof(text(), fc.constantFrom('America/New_York', 'Australia/Lord_Howe')),
            },
            { requiredKeys: [] },
          ),
        ),
        async (action, id, version, body) => {
          const { payload, 'content-type': type } = asJson(body);
          const query = version === undefined ? '' : `?version=${encodeAll(version)}`;
          const r = await send(
            {
              method: 'POST',
              url: `/v1/content/${encodeSegment(id)}/${action}${query}`,
              headers: { ...bearer(keys.editor), 'content-type': type },
              payload,
            },
            action,
          );
          // No item exists here, so nothing can be accepted.
          assert.ok(r.statusCode >= 400, `${r.statusCode} ${r.body}`);
        },
      ),
    );
  });

  it('GET an item or its preview with any id and version answers a typed 4xx', async () => {
    await check(
      fc.asyncProperty(
        pathIdLike,
        fc.option(text(8), { nil: undefined }),
        fc.boolean(),
        async (id, version, preview) => {
          const query = version === undefined ? '' : `?version=${encodeAll(version)}`;
          await send(
            {
              method: 'GET',
              url: `/v1/content/${encodeSegment(id)}${preview ? '/preview' : ''}${query}`,
              headers: bearer(keys.editor),
            },
            'get item',
          );
        },
      ),
    );
  });

  it('GET /v1/content with any status, limit, cursor and extra parameters answers 200 or a typed 4xx', async () => {
    await check(
      fc.asyncProperty(
        fc.dictionary(
          fc.oneof(fc.constantFrom('status', 'limit', 'cursor'), text(8)),
          fc.oneof(
            text(),
            fc.constantFrom('published', 'draft', '0', '1', '100', '101', '-1', '1.5', 'NaN'),
            fc.base64String({ maxLength: 80 }),
          ),
          { maxKeys: 4 },
        ),
        async (params) => {
          const query = Object.entries(params)
            .map(([k, v]) => `${encodeAll(k)}=${encodeAll(v)}`)
            .join('&');
          await send(
            { method: 'GET', url: `/v1/content?${query}`, headers: bearer(keys.editor) },
            'list',
          );
        },
      ),
    );
  });

  it('GET /v1/audit with any subject, limit and cursor answers 200 or a typed 4xx', async () => {
    await check(
      fc.asyncProperty(
        fc.record(
          {
            subject: withoutNul(fc.oneof(text(), fc.constantFrom('kill-switch', 'linkedin'))),
            limit: fc.oneof(text(6), fc.integer({ min: -5, max: 300 }).map(String)),
            cursor: fc.oneof(text(), fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }).map(String)),
          },
          { requiredKeys: [] },
        ),
        async (params) => {
          const query = Object.entries(params)
            .map(([k, v]) => `${k}=${encodeAll(v)}`)
            .join('&');
          await send(
            { method: 'GET', url: `/v1/audit?${query}`, headers: bearer(keys.operator) },
            'audit',
          );
        },
      ),
    );
  });

  it('PUT /v1/kill-switch with any body answers 200 or a typed 4xx', async () => {
    try {
      await check(
        fc.asyncProperty(
          fc.oneof(
            jsonValue,
            fc.record(
              {
                engaged: fc.oneof(fc.boolean(), jsonValue),
                reason: wellFormed(withoutNul(text())),
              },
              { requiredKeys: [] },
            ),
          ),
          async (body) => {
            const { payload, 'content-type': type } = asJson(body);
            await send(
              {
                method: 'PUT',
                url: '/v1/kill-switch',
                headers: { ...bearer(keys.operator), 'content-type': type },
                payload,
              },
              'kill switch',
            );
          },
        ),
      );
    } finally {
      await app.inject({
        method: 'PUT',
        url: '/v1/kill-switch',
        headers: bearer(keys.operator),
        payload: { engaged: false },
      });
    }
  });

  it('any route with any Authorization header and any content type answers a typed 401, 403, 415 or 4xx', async () => {
    const routes: [InjectOptions['method'], string][] = [
      ['GET', '/v1/content'],
      ['POST', '/v1/content'],
      ['GET', '/v1/content/some-item'],
      ['POST', '/v1/content/some-item/approve'],
      ['PUT', '/v1/kill-switch'],
      ['GET', '/v1/audit?subject=x'],
      ['GET', '/v1/oauth/linkedin/authorize'],
    ];
    await check(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.string({
            unit: fc.constantFrom(...'Bearer stg_abcXYZ019-_ ='.split('')),
            maxLength: 60,
          }),
          fc.constantFrom(
            '',
            'Bearer',
            'Bearer ',
            'Basic dXNlcjpwYXNz',
            `Bearer ${'a'.repeat(5000)}`,
          ),
        ),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          '',
        ),
        text(100),
        async ([method, url], authorization, type, payload) => {
          const r = await send(
            {
              method,
              url,
              headers: { authorization, ...(type ? { 'content-type': type } : {}) },
              ...(method === 'GET' ? {} : { payload }),
            },
            'auth',
          );
          assert.ok(r.statusCode >= 400, `${r.statusCode}: no key was valid`);
        },
      ),
    );
  });

  it('after all that, the audit journal still seals and verifies', async () => {
    assert.ok(ids.size > 0);
    assert.deepEqual((await sealAndVerify(stack.db)).problems, []);
  });
});

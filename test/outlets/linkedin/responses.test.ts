import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createLinkedInClient,
  createOutcomeFromResponse,
  parseLinkedInError,
  parseRetryAfter,
  parseScopes,
  sanitizeSnippet,
} from '../../../outlets/linkedin';

const DUPLICATE_BODY =
  '{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808","errorDetails":{"inputErrors":[{"description":"Duplicate post is detected","input":{},"code":"DUPLICATE_POST"}]},"status":422}';

function answer(status: number, body = '', headers: Record<string, string> = {}) {
  return { status, headers: new Headers(headers), body };
}

describe('classifying LinkedIn answers', () => {
  it('when the duplicate body is the observed one, then its URN is adopted', () => {
    assert.deepEqual(createOutcomeFromResponse(answer(422, DUPLICATE_BODY)), {
      kind: 'duplicate',
      urn: 'urn:li:share:7141138937766391808',
    });
  });

  it('when the duplicate names a ugcPost inside other wording, then the regex still finds it', () => {
    const body = JSON.stringify({
      status: 422,
      message: 'Something: Content is a duplicate of urn:li:ugcPost:6844785523593134080 (retry)',
    });
    assert.deepEqual(createOutcomeFromResponse(answer(422, body)), {
      kind: 'duplicate',
      urn: 'urn:li:ugcPost:6844785523593134080',
    });
  });

  it('when a 422 says DUPLICATE_POST without a URN, then it is rejected, not adopted', () => {
    const body = JSON.stringify({
      status: 422,
      message: 'Duplicate',
      errorDetails: { inputErrors: [{ code: 'DUPLICATE_POST' }] },
    });
    assert.deepEqual(createOutcomeFromResponse(answer(422, body)), {
      kind: 'rejected',
      status: 422,
      code: 'DUPLICATE_POST',
      message: 'Duplicate',
    });
  });

  it('when the answer is 5xx, a redirect or a non-JSON 4xx, then the outcome is unknown', () => {
    assert.deepEqual(createOutcomeFromResponse(answer(503, 'upstream down')), {
      kind: 'unknown',
      reason: 'server_error',
      status: 503,
      snippet: 'upstream down',
    });
    assert.equal(
      createOutcomeFromResponse(answer(302, '', { location: '/login' })).kind,
      'unknown',
    );
    const html = createOutcomeFromResponse(answer(401, '<html>login</html>'));
    assert.deepEqual(html, {
      kind: 'unknown',
      reason: 'malformed',
      status: 401,
      snippet: '<html>login</html>',
    });
  });

  it('when a 2xx other than 201 comes back, then the create is not taken as done', () => {
    assert.equal(createOutcomeFromResponse(answer(200, '{}')).kind, 'unknown');
    assert.equal(createOutcomeFromResponse(answer(202)).kind, 'unknown');
  });

  it('when the x-restli-id is not a post URN, then the post is created but unnamed', () => {
    const outcome = createOutcomeFromResponse(answer(201, '', { 'x-restli-id': 'garbage' }));
    assert.deepEqual(outcome, { kind: 'created_unnamed' });
  });

  it('when another 4xx carries LinkedIn JSON, then it is a permanent rejection with its code', () => {
    const body = JSON.stringify({ status: 409, code: 'CONFLICT', message: 'nope' });
    assert.deepEqual(createOutcomeFromResponse(answer(409, body)), {
      kind: 'rejected',
      status: 409,
      code: 'CONFLICT',
      message: 'nope',
    });
  });

  it('when an error body is parsed, then its codes are read and non-errors are refused', () => {
    assert.deepEqual(parseLinkedInError(422, DUPLICATE_BODY), {
      status: 422,
      message:
        'com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808',
      inputErrorCodes: ['DUPLICATE_POST'],
    });
    assert.deepEqual(
      parseLinkedInError(
        401,
        '{"status":401,"serviceErrorCode":65602,"code":"EXPIRED_ACCESS_TOKEN","message":"x"}',
      ),
      {
        status: 401,
        serviceErrorCode: 65602,
        code: 'EXPIRED_ACCESS_TOKEN',
        message: 'x',
        inputErrorCodes: [],
      },
    );
    assert.equal(parseLinkedInError(400, '<html></html>'), undefined);
    assert.equal(parseLinkedInError(400, '{}'), undefined);
    assert.equal(parseLinkedInError(400, '[1]'), undefined);
  });
});

describe('small parsers', () => {
  it('reads Retry-After as seconds or an HTTP-date, and nothing else', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('parses scopes separated by commas or spaces', () => {
    assert.deepEqual(parseScopes('email,openid,profile,w_member_social'), [
      'email',
      'openid',
      'profile',
      'w_member_social',
    ]);
    assert.deepEqual(parseScopes('openid profile'), ['openid', 'profile']);
    assert.deepEqual(parseScopes(undefined), []);
  });

  it('redacts tokens in every usual spelling and truncates to 300 characters', () => {
    const leaked = [
      'Authorization: Bearer abc.def-ghi',
      'access_token=short1&x=1',
      '{"access_token":"short2","refresh_token": "short3"}',
      `opaque ${'A'.repeat(60)} end`,
    ].join(' | ');
    const clean = sanitizeSnippet(leaked);
    for (const secret of ['abc.def-ghi', 'short1', 'short2', 'short3', 'A'.repeat(60)]) {
      assert.ok(!clean.includes(secret), `${secret} leaked in ${clean}`);
    }
    assert.match(clean, /end$/);
    assert.equal(sanitizeSnippet('x '.repeat(400)).length, 300);
    assert.equal(
      sanitizeSnippet('urn:li:share:7141138937766391808'),
      'urn:li:share:7141138937766391808',
    );
  });

  it('refuses a configuration whose version is not YYYYMM', () => {
    assert.throws(() =>
      createLinkedInClient({
        apiBase: 'https://api.linkedin.com',
        oauthBase: 'https://www.linkedin.com/oauth/v2',
        version: '2026-01',
        clientId: 'id',
        clientSecret: 'secret',
        redirectUri: 'https://stargue.example/cb',
        requestTimeoutMs: 10_000,
      }),
    );
  });
});

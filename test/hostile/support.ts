// Shared by the hostile-input suites: the answer-shape check every 4xx must pass, and a URL
// encoder that survives lone surrogates (encodeURIComponent throws on them).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** Never a 5xx; every 4xx is `{error, message, issues?}` with a stable code and no stack. */
export function assertTypedAnswer(response: LightMyRequestResponse, what: string): void {
  assert.ok(
    response.statusCode < 500,
    `${what}: ${response.statusCode} ${response.body.slice(0, 500)}`,
  );
  if (response.statusCode < 400) return;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    assert.fail(`${what}: ${response.statusCode} is not JSON: ${response.body.slice(0, 200)}`);
  }
  const b = body as Record<string, unknown>;
  assert.equal(typeof b.error, 'string', `${what}: error code in ${response.body.slice(0, 300)}`);
  assert.match(b.error as string, /^[A-Z][A-Z0-9_]+$/, `${what}: a stable code`);
  assert.equal(typeof b.message, 'string', `${what}: message`);
  const extra = Object.keys(b).filter((k) => !['error', 'message', 'issues'].includes(k));
  assert.deepEqual(extra, [], `${what}: only error, message, issues`);
  if (b.issues !== undefined) {
    assert.ok(Array.isArray(b.issues), `${what}: issues is a list`);
    for (const issue of b.issues as Record<string, unknown>[]) {
      assert.equal(typeof issue.path, 'string', `${what}: issue path`);
      assert.equal(typeof issue.message, 'string', `${what}: issue message`);
    }
  }
  assert.ok(!/\n\s+at /.test(response.body), `${what}: no stack trace`);
}

/** Percent-encodes every byte of the UTF-8 form; lone surrogates become U+FFFD, as a browser would. */
export function encodeAll(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`)
    .join('');
}

/** Like encodeAll, but leaves unreserved ASCII as it is, as a client would send a path segment. */
export function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAuthFailures } from '../../api/auth-failures';

describe('failed-authentication counts', () => {
  it('when an address fails the limit within a minute, then it is blocked until its window ends, and counts afresh after', () => {
    let now = 1_000_000;
    const failures = createAuthFailures(3, () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(failures.blockedFor('a'), 0);
      failures.record('a');
    }
    assert.equal(failures.blockedFor('a'), 60);
    assert.equal(failures.blockedFor('b'), 0);
    now += 59_500;
    assert.equal(failures.blockedFor('a'), 1);
    now += 500;
    assert.equal(failures.blockedFor('a'), 0);
    failures.record('a');
    assert.equal(failures.blockedFor('a'), 0);
  });

  it('when more addresses fail than are tracked, then memory stays bounded and recent ones still count', () => {
    let now = 0;
    const failures = createAuthFailures(1, () => now);
    for (let i = 0; i < 250_000; i++) {
      failures.record(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 1000 === 0) now += 1;
    }
    assert.ok(failures.tracked() <= 100_000, `${failures.tracked()} tracked`);
    assert.ok(failures.blockedFor('10.3.208.143') > 0, 'the last address is blocked');
  });
});

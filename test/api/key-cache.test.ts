import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { cachedKeyLookup } from '../../api/key-cache';
import type { KeyOwner } from '../../platform/api-keys';

const owner: KeyOwner = { id: 'k1', name: 'edith', role: 'editor', expiresAt: null };

describe('API key cache', () => {
  it('when the same key is asked twice within the window, then Postgres is asked once; after it, again', async () => {
    let lookups = 0;
    let current: KeyOwner | null = owner;
    const find = cachedKeyLookup(async () => {
      lookups++;
      return current;
    }, 100);
    assert.deepEqual(await find('stg_a'), owner);
    assert.deepEqual(await find('stg_a'), owner);
    assert.equal(lookups, 1);
    current = null; // revoked
    await delay(150);
    assert.equal(await find('stg_a'), null);
    assert.equal(lookups, 2);
  });

  it('when more keys arrive than the cache holds, then the oldest are dropped, never unbounded', async () => {
    let lookups = 0;
    const find = cachedKeyLookup(async () => (lookups++, null), 60_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) await find(k);
    await find('d');
    assert.equal(lookups, 4, 'd is still remembered');
    await find('a');
    assert.equal(lookups, 5, 'a was dropped to make room');
  });

  it('when the key expires within the window, then the cached answer ends with it', async () => {
    let lookups = 0;
    const expiring: KeyOwner = { ...owner, expiresAt: new Date(Date.now() + 100) };
    const find = cachedKeyLookup(async () => (lookups++, expiring), 60_000);
    assert.deepEqual(await find('stg_b'), expiring);
    await delay(150);
    await find('stg_b');
    assert.equal(lookups, 2, 'asked again once the key had expired');
  });

  it('when the window is 0, then every request asks Postgres', async () => {
    let lookups = 0;
    const find = cachedKeyLookup(async () => (lookups++, owner), 0);
    await find('x');
    await find('x');
    assert.equal(lookups, 2);
  });
});

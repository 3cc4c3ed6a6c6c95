import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientKey } from '../../api/client-address';

describe('client address keys for rate limits', () => {
  it('when the address is IPv4 or IPv4-mapped IPv6, then it is counted as the IPv4 address', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
  });

  it('when addresses share an IPv6 /64, then they are counted as one client, however written', () => {
    const keys = [
      '2001:db8:aa:1::1',
      '2001:0db8:00aa:0001:ffff:ffff:ffff:ffff',
      '2001:DB8:AA:1:1234::',
      '2001:db8:aa:1::1%eth0',
    ].map(clientKey);
    assert.deepEqual(new Set(keys), new Set(['2001:db8:aa:1::/64']));
    assert.notEqual(clientKey('2001:db8:aa:2::1'), keys[0]);
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
  });
});

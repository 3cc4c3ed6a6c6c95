import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../platform/config';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

describe('TRUST_PROXY and the API limits in configuration', () => {
  it('when TRUST_PROXY is unset or empty, then no proxy is trusted and the default limits apply', () => {
    for (const env of [base, { ...base, TRUST_PROXY: '' }]) {
      const config = loadConfig(env);
      assert.deepEqual(config.TRUST_PROXY, []);
      assert.equal(config.RATE_LIMIT_PER_MINUTE, 1200);
      assert.equal(config.AUTH_FAILURES_PER_MINUTE, 30);
      assert.equal(config.METRICS_PORT, undefined);
    }
  });

  it('when TRUST_PROXY lists addresses, CIDRs and named ranges, then each is kept', () => {
    const config = loadConfig({
      ...base,
      TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8 ,loopback',
    });
    assert.deepEqual(config.TRUST_PROXY, ['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback']);
  });

  it('when TRUST_PROXY holds anything else (true, a host name, a bad prefix), then start-up stops naming it', () => {
    for (const value of ['true', 'proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', '*']) {
      assert.throws(
        () => loadConfig({ ...base, TRUST_PROXY: value }),
        (err: unknown) => err instanceof ConfigError && /TRUST_PROXY/.test(err.message),
        value,
      );
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../platform/config';
import {
  DEFAULT_LINKEDIN_VERSION,
  sunsetOf,
  versionHealth,
  versionNotice,
  versionWarnings,
} from '../../../outlets/linkedin/versions';

const at = (iso: string) => new Date(iso);

describe('LinkedIn version sunset dates', () => {
  it('when a version is in LinkedIn’s table, then its published sunset date is used', () => {
    assert.equal(sunsetOf('202601'), '2027-01-15');
    assert.equal(sunsetOf('202511'), '2026-11-16');
    assert.equal(sunsetOf('202603'), '2027-03-16');
  });

  it('when a version is not in the table, then it sunsets on the 15th of the same month a year later', () => {
    assert.equal(sunsetOf('202609'), '2027-09-15');
    assert.equal(sunsetOf('202612'), '2027-12-15');
  });

  it('when the release ships (2026-12-04), then the default version has at least nine months left', () => {
    const health = versionHealth(DEFAULT_LINKEDIN_VERSION, at('2026-12-04T00:00:00Z'));
    assert.ok(DEFAULT_LINKEDIN_VERSION >= '202609');
    assert.ok(Date.parse(`${health.sunset}T00:00:00Z`) >= Date.parse('2027-09-04T00:00:00Z'));
    assert.equal(health.state, 'current');
    assert.equal(
      loadConfig({ DATABASE_URL: 'postgres://x@h/db', TOKEN_ENCRYPTION_KEY: 'A'.repeat(43) + '=' })
        .LINKEDIN_VERSION,
      DEFAULT_LINKEDIN_VERSION,
    );
  });

  it('when the sunset is more than 60 days away, then the version is current and nothing is said', () => {
    const health = versionHealth('202601', at('2026-11-15T23:59:59Z'));
    assert.equal(health.daysLeft, 61);
    assert.equal(health.state, 'current');
    assert.equal(versionNotice(health), null);
    assert.deepEqual(versionWarnings('202601', at('2026-11-15T23:59:59Z')), []);
  });

  it('when the sunset is 60 days away or less, then the version is expiring with the days left', () => {
    const health = versionHealth('202601', at('2026-12-04T12:00:00Z'));
    assert.equal(health.state, 'expiring');
    assert.equal(health.daysLeft, 42);
    assert.match(
      versionNotice(health) ?? '',
      /LINKEDIN_VERSION=202601 is sunset by LinkedIn on 2027-01-15, in 42 day\(s\)/,
    );
    assert.equal(versionWarnings('202601', at('2026-12-04T12:00:00Z')).length, 1);
  });

  it('when the sunset day has begun (00:00 UTC), then the version is sunset', () => {
    assert.equal(versionHealth('202601', at('2027-01-14T23:59:59Z')).state, 'expiring');
    const health = versionHealth('202601', at('2027-01-15T00:00:00Z'));
    assert.equal(health.state, 'sunset');
    assert.equal(health.daysLeft, 0);
    assert.match(versionNotice(health) ?? '', /was sunset by LinkedIn on 2027-01-15/);
  });

  it('when no version is configured, then there is no warning', () => {
    assert.deepEqual(versionWarnings(undefined), []);
  });
});

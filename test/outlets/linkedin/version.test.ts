// LinkedIn's 426 NONEXISTENT_VERSION on the real stack: the item parks (halted, linkedin_version)
// with an alarm in the log and the metrics; once the workers run a working LINKEDIN_VERSION and an
// operator releases the item, it is published exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLinkedInClient } from '../../../outlets/linkedin';
import { createApiMetrics } from '../../../api/metrics';
import { releaseContent } from '../../../publishing/decisions';
import { OPERATOR, publishingDeps } from '../../helpers/content';
import { eventually, startStack, TEST_LINKEDIN_VERSION, type Stack } from '../../helpers/stack';
import {
  approve,
  captureLogs,
  createRequestsSince,
  ledgerFor,
  reaches,
  startWorkerWith,
  submitItem,
} from './pipeline';

/** Valid as a setting and far from its sunset, but not among the stand-in's active versions. */
const RETIRED_AT_LINKEDIN = '202610';

describe('LinkedIn answers 426 to our LinkedIn-Version', () => {
  let stack: Stack;
  // The operators' metrics, as the API's metrics listener serves them (METRICS_PORT).
  let scrape: () => Promise<string>;
  const logs = captureLogs('worker', 'info');

  before(async () => {
    stack = await startStack({ standIn: { activeVersions: [TEST_LINKEDIN_VERSION] } });
    const metrics = createApiMetrics(stack.db, TEST_LINKEDIN_VERSION);
    scrape = () => metrics.registry.metrics();
  });
  after(async () => {
    await stack.close();
  });

  it('when the create is refused with 426, then the item parks as linkedin_version, and after the version is fixed and the item released it publishes once', async () => {
    const staleClient = createLinkedInClient({
      apiBase: stack.config.LINKEDIN_API_BASE,
      oauthBase: stack.config.LINKEDIN_OAUTH_BASE,
      version: RETIRED_AT_LINKEDIN,
      clientId: stack.standIn.client.clientId,
      clientSecret: stack.standIn.client.clientSecret,
      redirectUri: stack.config.LINKEDIN_REDIRECT_URI ?? '',
      requestTimeoutMs: 5_000,
    });
    const stale = await startWorkerWith(stack, {
      client: staleClient,
      log: logs.log,
      linkedinVersion: RETIRED_AT_LINKEDIN,
    });
    const item = await submitItem(stack, 'version');
    const since = Date.now();
    await approve(stack, item.id);

    const halted = await reaches(stack, item.id, (s) => s.halt?.reason === 'linkedin_version');
    assert.equal(halted.status, 'halted');
    assert.match(halted.halt?.message ?? '', new RegExp(`LINKEDIN_VERSION=${RETIRED_AT_LINKEDIN}`));
    assert.match(halted.halt?.message ?? '', /Requested version 20261001 is not active/);
    assert.equal(halted.lastError, null, 'parked, not failed');
    assert.equal((await createRequestsSince(stack, since)).length, 1, 'no retry loop');
    assert.equal((await ledgerFor(stack, item.marker)).length, 0);
    const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
    assert.equal(pub.state, 'intent', 'nothing was created: a clean row for the next try');
    assert.match(pub.lastError ?? '', /^LINKEDIN_VERSION_INACTIVE: /);
    const row = await eventually(async () => {
      const content = await stack.db.content.findFirstOrThrow({ where: { contentId: item.id } });
      return content.status === 'halted' ? content : undefined;
    });
    assert.match(row.haltReason ?? '', /LINKEDIN_VERSION/);

    const alarm = logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.alarm === 'linkedin_version');
    assert.ok(alarm, 'an alarm is logged');
    assert.equal(alarm.level, 'error');
    assert.equal(alarm.setting, 'LINKEDIN_VERSION');
    const metrics = await scrape();
    assert.match(metrics, /^stargue_linkedin_version_refused [1-9]\d*$/m);

    // The operator sets a working version (workers restart with it), then releases the item.
    await stale.stop();
    await startWorkerWith(stack);
    await releaseContent(publishingDeps(stack), OPERATOR, { id: item.id, version: 1 });

    const done = await reaches(stack, item.id, 'published');
    const posts = await ledgerFor(stack, item.marker);
    assert.equal(posts.length, 1);
    assert.equal(done.publications[0]?.postUrn, posts[0]?.urn);
    assert.equal(done.publications[0]?.resolution, 'created');
    assert.equal((await createRequestsSince(stack, since)).length, 2, 'one refused, one created');
    const after = await scrape();
    assert.match(after, /^stargue_linkedin_version_refused 0$/m, 'the alarm clears');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ContentState } from '../../../contracts/workflow';
import { connectLinkedInChannel } from '../../../channels/linkedin';
import { updateChannel } from '../../../channels/manage';
import { contentWorkflowId } from '../../../contracts/ids';
import { accountReconnectedSignal } from '../../../workflows/content/definitions';
import { vaultFrom } from '../../../platform/crypto/keyring';
import { eventually, startStack, TEST_LINKEDIN_VERSION, type Stack } from '../../helpers/stack';
import {
  approve,
  createRequestsSince,
  ledgerFor,
  reaches,
  submitItem,
  type Submitted,
} from './pipeline';

const MEMBER_SCOPES = ['openid', 'profile', 'w_member_social'];
const ORG_ID = '90817263';
const ORG_URN = `urn:li:organization:${ORG_ID}`;
/** The resource name LinkedIn puts in a 403 for a create at our version (YYYYMM01). */
const CREATE_RESOURCE = `partnerApiPostsExternal.CREATE.${TEST_LINKEDIN_VERSION}01`;

/** The item ends `failed` with this type, nothing in the ledger, the publication failed too. */
async function expectFailed(
  stack: Stack,
  item: Submitted,
  type: string,
): Promise<NonNullable<ContentState['lastError']>> {
  const done = await reaches(stack, item.id, 'failed');
  assert.equal(done.lastError?.type, type, JSON.stringify(done.lastError));
  assert.deepEqual(done.publications, []);
  assert.equal((await ledgerFor(stack, item.marker)).length, 0);
  const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
  assert.equal(pub.state, 'failed');
  assert.equal(pub.postUrn, null);
  const row = await eventually(async () => {
    const content = await stack.db.content.findFirstOrThrow({ where: { contentId: item.id } });
    return content.status === 'failed' ? content : undefined;
  });
  assert.ok(row.lastError?.startsWith(`${type}: `), row.lastError ?? '');
  assert.ok(done.lastError);
  return done.lastError;
}

describe('LinkedIn refusals end the item as failed with a reason a person can act on', () => {
  let stack: Stack;
  const vault = () => vaultFrom(stack.config);

  before(async () => {
    stack = await startStack({ scopes: MEMBER_SCOPES });
    await stack.startWorker();
  });
  after(() => stack.close());

  const setOrganizationPosting = (enabled: boolean) =>
    stack.db.outletFeatureFlag.upsert({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
      create: { outlet: 'linkedin', flag: 'organization_posting', enabled, updatedBy: 'test' },
      update: { enabled, updatedBy: 'test' },
    });

  /**
   * Reconnects the member with a fresh token of these scopes and makes its channel the default
   * (what `outlets: [linkedin]` posts to): the member's own, or with `organizationUrn` the page
   * channel `org-page`.
   */
  async function connect(scopes: string[], organizationUrn: string | null = null) {
    const token = await stack.standIn.issueToken({ scopes });
    const { channel } = await connectLinkedInChannel(stack.db, vault(), {
      sub: stack.standIn.member.sub,
      name: stack.standIn.member.name,
      tokens: { accessToken: token.accessToken, expiresInSeconds: 5_183_999, scopes },
      connectedBy: 'test',
      ...(organizationUrn ? { channelName: 'org-page', organizationUrn } : {}),
    });
    await updateChannel(stack.db, 'test', 'linkedin', channel.name, { default: true });
  }

  /** Parked (not failed) with a message about the page, nothing posted. */
  async function expectParkedForPage(item: Submitted): Promise<void> {
    const parked = await reaches(
      stack,
      item.id,
      (s) => s.status === 'halted' && s.halt?.reason === 'reauth_required',
    );
    assert.match(parked.halt?.message ?? '', /org-page posts as a page/);
    assert.equal(parked.lastError, null, 'not a failure');
    assert.equal((await ledgerFor(stack, item.marker)).length, 0);
  }

  /** What the API does when a channel can publish again: tell the parked item. */
  async function resume(item: Submitted): Promise<void> {
    await stack.temporal.workflow
      .getHandle(contentWorkflowId(item.id, 1))
      .signal(accountReconnectedSignal);
  }

  it('when the token lacks w_member_social, then 403 fails the item naming the permission LinkedIn refused', async () => {
    await connect(['openid', 'profile']);
    try {
      const item = await submitItem(stack, 'noscope');
      await approve(stack, item.id);
      const error = await expectFailed(stack, item, 'LINKEDIN_FORBIDDEN');
      assert.equal(error.message, `LinkedIn refused: missing permission ${CREATE_RESOURCE}`);
    } finally {
      await connect(MEMBER_SCOPES);
    }
  });

  it('when posting as an organization the member does not administer, then 403 fails the item naming the permission', async () => {
    await stack.standIn.setOrganization({ id: ORG_ID, admins: [] });
    await connect([...MEMBER_SCOPES, 'w_organization_social'], ORG_URN);
    await setOrganizationPosting(true);
    try {
      const item = await submitItem(stack, 'notadmin');
      await approve(stack, item.id);
      const error = await expectFailed(stack, item, 'LINKEDIN_FORBIDDEN');
      assert.match(error.message, /missing permission partnerApiPostsExternal\.CREATE\.\d{8}/);
      const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
      assert.equal(pub.authorUrn, ORG_URN);
    } finally {
      await setOrganizationPosting(false);
      await connect(MEMBER_SCOPES);
    }
  });

  it('when the organization_posting flag is off, then a page channel waits (never posting as the member); once on, the post goes out as the page', async () => {
    await stack.standIn.setOrganization({ id: ORG_ID, admins: [stack.standIn.member.sub] });
    await connect([...MEMBER_SCOPES, 'w_organization_social'], ORG_URN);
    try {
      await setOrganizationPosting(false);
      const item = await submitItem(stack, 'org-off');
      await approve(stack, item.id);
      await expectParkedForPage(item);

      await setOrganizationPosting(true);
      await resume(item);
      const done = await reaches(stack, item.id, 'published');
      const ledger = await ledgerFor(stack, item.marker);
      assert.equal(ledger.length, 1);
      assert.equal(ledger[0]?.author, ORG_URN);
      assert.equal(done.publications[0]?.postUrn, ledger[0]?.urn);
      const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
      assert.equal(pub.authorUrn, ORG_URN);
    } finally {
      await setOrganizationPosting(false);
      await connect(MEMBER_SCOPES);
    }
  });

  it('when the organization_posting flag is on but the grant lacks w_organization_social, then the page channel waits for a reconnect', async () => {
    await connect(MEMBER_SCOPES, ORG_URN);
    await setOrganizationPosting(true);
    try {
      const item = await submitItem(stack, 'org-noscope');
      await approve(stack, item.id);
      const parked = await reaches(
        stack,
        item.id,
        (s) => s.status === 'halted' && s.halt?.reason === 'reauth_required',
      );
      assert.match(parked.halt?.message ?? '', /lacks w_organization_social; reconnect it/);
      assert.equal((await ledgerFor(stack, item.marker)).length, 0);
    } finally {
      await setOrganizationPosting(false);
      await connect(MEMBER_SCOPES);
    }
  });

  it('when LinkedIn counts the text over its 3000 limit, then the item fails TOO_LONG and is never truncated', async () => {
    const item = await submitItem(stack, 'toolong');
    // Our count said it fits (it was accepted); LinkedIn counts otherwise (its unit is UNCONFIRMED).
    const row = await stack.db.content.findFirstOrThrow({ where: { contentId: item.id } });
    const rendered = row.rendered as Record<string, Record<string, unknown>>;
    const longText = `${item.text} ${'Ω'.repeat(3_000)}`;
    await stack.db.content.update({
      where: { contentId_version: { contentId: item.id, version: 1 } },
      data: {
        rendered: {
          ...rendered,
          linkedin: { ...rendered.linkedin, text: longText },
        },
      },
    });
    const since = Date.now();
    await approve(stack, item.id);
    const error = await expectFailed(stack, item, 'TOO_LONG');
    assert.match(error.message, /exceeded the maximum allowed \(3000 characters\)/);
    assert.ok(!error.message.includes('Ω'.repeat(100)), 'the text itself is not echoed');
    assert.equal((await createRequestsSince(stack, since)).length, 1, 'no retry');
  });
});

// LinkedIn channels connected through the real OAuth round trip (API over HTTP, LinkedIn
// stand-in), then opened by the LinkedIn outlet the worker uses, posting to the stand-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { markReauthRequired } from '../../channels/manage';
import { openAccessToken } from '../../outlets/linkedin/accounts';
import { createLinkedInOutlet } from '../../outlets/linkedin/outlet';
import type { Outlet } from '../../outlets/outlet';
import { vaultFrom } from '../../platform/crypto/keyring';
import { createKeys, type Keys } from '../helpers/api';
import { startStack, uniqueId, type Stack } from '../helpers/stack';
import { connectViaOAuth, startOAuthApp, type OAuthApp } from '../outlets/linkedin/pipeline';

const ORG_ID = '31415926';
const ORG_URN = `urn:li:organization:${ORG_ID}`;
const JANE = { sub: 'JaneDoe01', name: 'Jane Doe' };
const GRACE = { sub: 'GraceH_42', name: 'Grâce Hopper' };

describe('LinkedIn channels: connecting many accounts through OAuth', () => {
  let stack: Stack;
  let oauth: OAuthApp;
  let keys: Keys;
  let outlet: Outlet;
  let ada: string;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    oauth = await startOAuthApp(stack);
    keys = await createKeys(stack);
    ada = stack.standIn.member.sub;
    await stack.standIn.addMember(JANE);
    await stack.standIn.addMember(GRACE);
    // The outlet as the worker builds it, on the runtime role, with the app's LinkedIn client.
    outlet = createLinkedInOutlet({
      db: stack.appDb,
      vault: vaultFrom(stack.config),
      client: oauth.client,
      log: stack.log,
      linkedinVersion: stack.config.LINKEDIN_VERSION,
    });
  });
  after(async () => {
    await oauth.close();
    await stack.close();
  });

  const connect = async (sub: string, query: Record<string, string> = {}) => {
    await stack.standIn.setCurrentMember(sub);
    return connectViaOAuth(oauth, keys.operator, undefined, query);
  };
  const channel = (name: string) =>
    stack.db.channel.findUniqueOrThrow({
      where: { outlet_name: { outlet: 'linkedin', name } },
    });
  const setOrganizationPosting = (enabled: boolean) =>
    stack.db.outletFeatureFlag.update({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
      data: { enabled, updatedBy: 'test' },
    });

  /** Posts through the channel's session and returns the stand-in's record of it. */
  async function postThrough(channelId: string | undefined) {
    const prepared = await outlet.prepare(channelId);
    assert.ok(prepared.ok, prepared.ok ? '' : prepared.message);
    const text = `Channel post ${uniqueId('p')}`;
    const outcome = await prepared.session.create(text);
    assert.equal(outcome.kind, 'created', JSON.stringify(outcome));
    const posted = (await stack.standIn.ledger()).find((p) => p.commentary === text);
    assert.ok(posted, 'the stand-in holds the post');
    return { session: prepared.session, posted };
  }

  it('when two members connect one after the other, then both channels stay and each posts with its own token', async () => {
    const first = await connect(ada, { channel: 'ada' });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.channel, 'ada');
    assert.equal(first.json.created, true);
    const second = await connect(JANE.sub, { channel: 'jane' });
    assert.equal(second.status, 200, JSON.stringify(second.json));
    assert.equal(second.json.created, true);
    assert.notEqual(second.json.accountId, first.json.accountId);

    const adaChannel = await channel('ada');
    const janeChannel = await channel('jane');
    assert.equal(adaChannel.isDefault, true, "the outlet's first channel is its default");
    assert.equal(janeChannel.isDefault, false, 'connecting a second account replaces nothing');
    assert.equal(adaChannel.authorUrn, `urn:li:person:${ada}`);
    assert.equal(janeChannel.authorUrn, `urn:li:person:${JANE.sub}`);

    const vault = vaultFrom(stack.config);
    const tokens = await stack.db.linkedinToken.findMany();
    const tokenOf = (id: string | null) => {
      const row = tokens.find((t) => t.id === id);
      assert.ok(row);
      return openAccessToken(vault, row);
    };
    assert.notEqual(tokenOf(adaChannel.linkedinTokenId), tokenOf(janeChannel.linkedinTokenId));

    const asAda = await postThrough(adaChannel.id);
    assert.equal(asAda.posted.author, `urn:li:person:${ada}`);
    assert.equal(asAda.session.accountId, adaChannel.linkedinTokenId);
    const asJane = await postThrough(janeChannel.id);
    assert.equal(asJane.posted.author, `urn:li:person:${JANE.sub}`);
    assert.equal(asJane.session.accountId, janeChannel.linkedinTokenId);
    assert.equal(asJane.session.channelId, janeChannel.id);
    // No channel named: the default's account (items submitted before channels existed).
    const byDefault = await postThrough(undefined);
    assert.equal(byDefault.posted.author, `urn:li:person:${ada}`);

    // The first member is still usable after the second connected: Ada's token still works.
    const me = await oauth.client.userinfo(tokenOf(adaChannel.linkedinTokenId));
    assert.ok(me.ok && me.sub === ada);
  });

  it('when a waiting channel is reconnected, then it keeps its id, name, default flag and history, and publishes again', async () => {
    const before = await channel('ada');
    await markReauthRequired(stack.appDb, before.id, 'test: token refused');
    const parked = await outlet.prepare(before.id);
    assert.equal(parked.ok, false);
    assert.equal(!parked.ok && parked.reason, 'reauth_required');

    const round = await connect(ada, { channel: 'ada' });
    assert.equal(round.status, 200, JSON.stringify(round.json));
    assert.equal(round.json.created, false);
    const after = await channel('ada');
    assert.equal(after.id, before.id);
    assert.equal(after.isDefault, true);
    assert.equal(after.status, 'active');
    assert.equal(after.reauthReason, null);
    const actions = (
      await stack.db.audit.findMany({
        where: { subject: 'channel:linkedin:ada' },
        orderBy: { id: 'asc' },
      })
    ).map((a) => a.action);
    for (const action of [
      'channel.created',
      'channel.reauth_required',
      'channel.reauth_cleared',
      'channel.reconnected',
    ]) {
      assert.ok(actions.includes(action), `${action} is audited (${actions.join(', ')})`);
    }
    await postThrough(after.id);
  });

  it('when no channel is named, then the member’s own channel is reconnected, or created and named after the member', async () => {
    const created = await connect(GRACE.sub);
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.channel, 'grace-hopper', 'the name slugged, accents dropped');
    assert.equal(created.json.created, true);
    const again = await connect(GRACE.sub);
    assert.equal(again.json.channel, 'grace-hopper');
    assert.equal(again.json.created, false);
    assert.equal(await stack.db.channel.count({ where: { name: { startsWith: 'grace' } } }), 1);
  });

  it('when a member channel is reconnected by another member, or a member is connected twice, then 409 and nothing is stored', async () => {
    const before = JSON.stringify(await stack.db.channel.findMany({ orderBy: { name: 'asc' } }));
    const otherMember = await connect(JANE.sub, { channel: 'ada' });
    assert.equal(otherMember.status, 409, JSON.stringify(otherMember.json));
    assert.equal(otherMember.json.error, 'CHANNEL_CONFLICT');
    assert.match(String(otherMember.json.message), /posts as urn:li:person:/);
    const twice = await connect(JANE.sub, { channel: 'jane-again' });
    assert.equal(twice.status, 409, JSON.stringify(twice.json));
    assert.match(String(twice.json.message), /already connected as LinkedIn channel jane/);
    assert.equal(
      JSON.stringify(await stack.db.channel.findMany({ orderBy: { name: 'asc' } })),
      before,
    );
  });

  it('when a page is asked while organization posting is off, then 409 and no authorization starts', async () => {
    const states = await stack.db.oauthState.count();
    const response = await fetch(
      `${oauth.baseUrl}/v1/oauth/linkedin/authorize?channel=acme-page&organization=${ORG_URN}`,
      { redirect: 'manual', headers: { authorization: `Bearer ${keys.operator}` } },
    );
    assert.equal(response.status, 409);
    assert.match(((await response.json()) as { message: string }).message, /organization posting/);
    assert.equal(await stack.db.oauthState.count(), states);
  });

  it('when a page channel is connected with organization posting on, then it posts as the page, and parks once the gate closes', async () => {
    await stack.standIn.setOrganization({ id: ORG_ID, admins: [JANE.sub] });
    await setOrganizationPosting(true);
    try {
      const round = await connect(JANE.sub, { channel: 'acme-page', organization: ORG_URN });
      assert.equal(round.status, 200, JSON.stringify(round.json));
      assert.equal(round.json.authorUrn, ORG_URN);
      const page = await channel('acme-page');
      assert.equal(page.authorUrn, ORG_URN);
      assert.equal(page.linkedinTokenId, (await channel('jane')).linkedinTokenId, 'Jane’s token');
      const asPage = await postThrough(page.id);
      assert.equal(asPage.posted.author, ORG_URN);
      // Jane's own channel still posts as Jane.
      assert.equal(
        (await postThrough((await channel('jane')).id)).posted.author,
        `urn:li:person:${JANE.sub}`,
      );

      await setOrganizationPosting(false);
      const closed = await outlet.prepare(page.id);
      assert.equal(closed.ok, false, 'never posted as the member instead of the page');
      assert.match(!closed.ok ? closed.message : '', /organization posting/);
    } finally {
      await setOrganizationPosting(false);
    }
  });

  it('when LinkedIn limits a channel, then its rate-limit state says until when (Retry-After, or the next midnight UTC), and only for that channel', async () => {
    const ada = await channel('ada');
    const jane = await channel('jane');
    await stack.standIn.injectFault({ type: 'rate_limited', retryAfter: '120' });
    const prepared = await outlet.prepare(ada.id);
    assert.ok(prepared.ok);
    const before = Date.now();
    const limited = await prepared.session.create(`Limited ${uniqueId('p')}`);
    assert.equal(limited.kind, 'rate_limited');
    const after = await channel('ada');
    const until = after.rateLimitedUntil?.getTime() ?? 0;
    assert.ok(
      until >= before + 119_000 && until <= Date.now() + 121_000,
      String(after.rateLimitedUntil),
    );
    assert.equal((await channel('jane')).rateLimitedUntil, jane.rateLimitedUntil);
    assert.ok(
      await stack.db.audit.findFirst({
        where: { subject: 'channel:linkedin:ada', action: 'channel.rate_limited' },
      }),
    );

    await stack.standIn.injectFault({ type: 'rate_limited' });
    const again = await outlet.prepare(jane.id);
    assert.ok(again.ok);
    const nextMidnight = (at: number) => {
      const day = new Date(at);
      day.setUTCHours(24, 0, 0, 0);
      return day.getTime();
    };
    const sent = Date.now();
    assert.equal((await again.session.create(`Limited ${uniqueId('p')}`)).kind, 'rate_limited');
    // Either side of a midnight the call may straddle.
    const expected = [nextMidnight(sent), nextMidnight(Date.now())];
    assert.ok(expected.includes((await channel('jane')).rateLimitedUntil?.getTime() ?? 0));
  });

  it('when a channel is disabled, then it does not open', async () => {
    const jane = await channel('jane');
    await stack.db.channel.update({ where: { id: jane.id }, data: { disabledAt: new Date() } });
    try {
      const prepared = await outlet.prepare(jane.id);
      assert.equal(prepared.ok, false);
      assert.equal(!prepared.ok && prepared.reason, 'channel_disabled');
    } finally {
      await stack.db.channel.update({ where: { id: jane.id }, data: { disabledAt: null } });
    }
  });
});

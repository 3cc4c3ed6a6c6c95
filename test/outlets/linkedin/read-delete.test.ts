import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ACTIVE_VERSION, shareToken, startHarness, type Harness } from './stand-in-setup';

describe('reading back and deleting posts', () => {
  let harness: Harness;
  let writer: string;
  let reader: string;
  before(async () => {
    harness = await startHarness();
  });
  beforeEach(async () => {
    await harness.standIn.reset();
    writer = await shareToken(harness.standIn);
    reader = await shareToken(harness.standIn, ['w_member_social', 'r_member_social']);
  });
  after(() => harness.standIn.close());

  async function publish(commentary: string): Promise<string> {
    const outcome = await harness.client.createPost({
      accessToken: writer,
      author: harness.author,
      commentary,
    });
    assert.equal(outcome.kind, 'created');
    return outcome.kind === 'created' ? outcome.urn : '';
  }

  it('when the token is share-only, then a read-back is forbidden', async () => {
    const urn = await publish('cannot read me');
    assert.deepEqual(await harness.client.getPost({ accessToken: writer, urn }), {
      kind: 'forbidden',
      permission: `partnerApiPostsExternal.GET.${ACTIVE_VERSION}01`,
    });
  });

  it('when the token has r_member_social, then the post reads back as created', async () => {
    const urn = await publish('read me back');
    const outcome = await harness.client.getPost({ accessToken: reader, urn });
    assert.equal(outcome.kind, 'found');
    const post = outcome.kind === 'found' ? outcome.post : undefined;
    assert.deepEqual(
      { ...post, createdAt: typeof post?.createdAt },
      { id: urn, author: harness.author, commentary: 'read me back', createdAt: 'number' },
    );
  });

  it('when the URN is unknown, then the read says not found', async () => {
    const outcome = await harness.client.getPost({
      accessToken: reader,
      urn: 'urn:li:share:7000000000000000001',
    });
    assert.deepEqual(outcome, { kind: 'not_found' });
  });

  it('when the token is share-only, then the author finder is forbidden', async () => {
    await publish('a post');
    const outcome = await harness.client.findPostsByAuthor({
      accessToken: writer,
      author: harness.author,
      count: 10,
    });
    assert.deepEqual(outcome, {
      kind: 'forbidden',
      permission: `partnerApiPostsExternal.FINDER-author.${ACTIVE_VERSION}01`,
    });
  });

  it('when the token may read, then the finder lists live posts newest first within count', async () => {
    const first = await publish('first');
    const second = await publish('second');
    const third = await publish('third');
    await harness.client.deletePost({ accessToken: writer, urn: second });
    const all = await harness.client.findPostsByAuthor({
      accessToken: reader,
      author: harness.author,
      count: 10,
    });
    assert.deepEqual(all.kind === 'found' && all.posts.map((post) => post.id), [third, first]);
    const one = await harness.client.findPostsByAuthor({
      accessToken: reader,
      author: harness.author,
      count: 1,
    });
    assert.deepEqual(one.kind === 'found' && one.posts.map((post) => post.id), [third]);
  });

  it('when a post is deleted twice, then both answers are 204 and it no longer reads back', async () => {
    const urn = await publish('short-lived');
    assert.deepEqual(await harness.client.deletePost({ accessToken: writer, urn }), {
      kind: 'deleted',
    });
    assert.deepEqual(await harness.client.deletePost({ accessToken: writer, urn }), {
      kind: 'deleted',
    });
    assert.deepEqual(await harness.client.getPost({ accessToken: reader, urn }), {
      kind: 'not_found',
    });
    assert.deepEqual(
      (await harness.standIn.ledger()).map((post) => [post.urn, post.deleted]),
      [[urn, true]],
    );
  });

  it('when the deleted text is sent again, then LinkedIn still names the deleted post (ghost duplicate)', async () => {
    const urn = await publish('ghost');
    await harness.client.deletePost({ accessToken: writer, urn });
    const again = await harness.client.createPost({
      accessToken: writer,
      author: harness.author,
      commentary: 'ghost',
    });
    assert.deepEqual(again, { kind: 'duplicate', urn });
  });

  it('when deleting an unknown post, then the answer is not found', async () => {
    const outcome = await harness.client.deletePost({
      accessToken: writer,
      urn: 'urn:li:share:7000000000000000002',
    });
    assert.deepEqual(outcome, { kind: 'not_found' });
  });

  it("when deleting another member's post, then it is forbidden and the post stays", async () => {
    const urn = await publish('mine');
    await harness.standIn.addMember({ sub: 'Intruder1', name: 'Intruder' });
    const intruder = await harness.standIn.issueToken({
      sub: 'Intruder1',
      scopes: ['w_member_social'],
    });
    const outcome = await harness.client.deletePost({ accessToken: intruder.accessToken, urn });
    assert.deepEqual(outcome, {
      kind: 'forbidden',
      permission: `partnerApiPostsExternal.DELETE.${ACTIVE_VERSION}01`,
    });
    assert.equal((await harness.standIn.ledger())[0]?.deleted, false);
  });
});

describe('deleted posts answered with 410', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ deletedPostStatus: 410 });
  });
  after(() => harness.standIn.close());

  it('when a deleted post is read and LinkedIn says 410, then the client still reports not found', async () => {
    const token = await shareToken(harness.standIn, ['w_member_social', 'r_member_social']);
    const created = await harness.client.createPost({
      accessToken: token,
      author: harness.author,
      commentary: 'gone',
    });
    const urn = created.kind === 'created' ? created.urn : '';
    await harness.client.deletePost({ accessToken: token, urn });
    const response = await fetch(
      `${harness.standIn.url}/rest/posts/${encodeURIComponent(urn)}?viewContext=AUTHOR`,
      {
        headers: {
          Authorization: `Bearer ${token}`,
          'LinkedIn-Version': ACTIVE_VERSION,
          'X-Restli-Protocol-Version': '2.0.0',
        },
      },
    );
    assert.equal(response.status, 410);
    assert.deepEqual(await harness.client.getPost({ accessToken: token, urn }), {
      kind: 'not_found',
    });
  });
});

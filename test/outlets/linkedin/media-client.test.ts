// The LinkedIn client's Images and Documents calls against the stand-in: initialize, upload,
// the scripted PROCESSING → AVAILABLE | PROCESSING_FAILED status, batch reads, the create's
// checks on media, and the same LinkedIn-Version on every call.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LinkedInClient, PostContent } from '../../../outlets/linkedin';
import { pdf, png } from '../../helpers/media';
import { clientConfig, shareToken, startHarness, type Harness } from './stand-in-setup';
import { createLinkedInClient } from '../../../outlets/linkedin';

describe('LinkedIn media against the stand-in', () => {
  let harness: Harness;
  let token: string;
  before(async () => {
    harness = await startHarness({ mediaScript: { processingReads: 1, processingMs: 60_000 } });
  });
  beforeEach(async () => {
    await harness.standIn.reset();
    await harness.standIn.setMediaScript({ processingReads: 1, processingMs: 60_000 });
    token = await shareToken(harness.standIn);
  });
  after(() => harness.standIn.close());

  async function uploaded(
    kind: 'image' | 'document',
    bytes: Buffer,
    client: LinkedInClient = harness.client,
    owner = harness.author,
  ): Promise<string> {
    const init = await client.initializeUpload({ accessToken: token, kind, owner });
    assert.equal(init.kind, 'initialized', JSON.stringify(init));
    if (init.kind !== 'initialized') return '';
    assert.match(init.urn, new RegExp(`^urn:li:${kind}:`));
    const put = await client.uploadBytes({
      accessToken: token,
      uploadUrl: init.uploadUrl,
      data: new Uint8Array(bytes),
      contentType: kind === 'image' ? 'image/png' : 'application/pdf',
      timeoutMs: 5_000,
    });
    assert.equal(put.kind, 'uploaded', JSON.stringify(put));
    return init.urn;
  }

  const statusOf = async (urns: string[]) => {
    const read = await harness.client.getMediaStatus({ accessToken: token, urns });
    assert.equal(read.kind, 'found', JSON.stringify(read));
    return read.kind === 'found' ? read.statuses : {};
  };

  const create = (content: PostContent, commentary = `With media ${Math.random()}`) =>
    harness.client.createPost({ accessToken: token, author: harness.author, commentary, content });

  it('when an image is initialized and uploaded, then the bytes arrive under the owner and the status goes PROCESSING → AVAILABLE', async () => {
    const bytes = png(3, 2);
    const urn = await uploaded('image', bytes);
    const [asset] = await harness.standIn.media();
    assert.equal(asset?.owner, harness.author);
    assert.equal(asset?.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(asset?.bytes, bytes.length);
    assert.deepEqual(await statusOf([urn]), { [urn]: 'PROCESSING' });
    assert.deepEqual(await statusOf([urn]), { [urn]: 'AVAILABLE' });
  });

  it('when a script says PROCESSING_FAILED, then the status ends there and a post with it is refused', async () => {
    await harness.standIn.setMediaScript({ processingReads: 0, outcome: 'PROCESSING_FAILED' });
    const urn = await uploaded('image', png(2, 2));
    assert.deepEqual(await statusOf([urn]), { [urn]: 'PROCESSING_FAILED' });
    const outcome = await create({ media: { id: urn, altText: 'broken' } });
    assert.equal(outcome.kind, 'rejected');
    assert.match(
      outcome.kind === 'rejected' ? outcome.message : '',
      /PROCESSING_FAILED, not AVAILABLE/,
    );
  });

  it('when several images are read at once, then one batch GET answers each status', async () => {
    await harness.standIn.setMediaScript({ processingReads: 0 });
    const urns = [await uploaded('image', png(2, 2)), await uploaded('image', png(2, 3))];
    const since = Date.now();
    assert.deepEqual(await statusOf(urns), {
      [urns[0] ?? '']: 'AVAILABLE',
      [urns[1] ?? '']: 'AVAILABLE',
    });
    const reads = (await harness.standIn.requests()).filter(
      (r) => r.method === 'GET' && r.at >= since,
    );
    assert.deepEqual(
      reads.map((r) => r.path),
      ['/rest/images'],
    );
  });

  it('when a post names available media of its author, then it is created with its content as sent', async () => {
    await harness.standIn.setMediaScript({ processingReads: 0 });
    const image = await uploaded('image', png(4, 4));
    const single = await create({ media: { id: image, altText: 'A square' } });
    assert.equal(single.kind, 'created');
    const document = await uploaded('document', await pdf(2));
    const deck = await create({ media: { id: document, title: 'The deck' } });
    assert.equal(deck.kind, 'created');
    const ledger = await harness.standIn.ledger();
    assert.deepEqual(
      ledger.map((p) => p.content),
      [
        { media: { id: image, altText: 'A square' } },
        { media: { id: document, title: 'The deck' } },
      ],
    );
  });

  it('when a post names media of another owner, a gallery outside 2–20, or a document without a title, then LinkedIn refuses it', async () => {
    await harness.standIn.setMediaScript({ processingReads: 0 });
    await harness.standIn.setOrganization({ id: '4242', admins: [harness.standIn.member.sub] });
    const orgToken = await harness.standIn.issueToken({
      scopes: ['w_member_social', 'w_organization_social'],
    });
    const orgImage = await harness.client.initializeUpload({
      accessToken: orgToken.accessToken,
      kind: 'image',
      owner: 'urn:li:organization:4242',
    });
    assert.equal(orgImage.kind, 'initialized');
    const foreign = orgImage.kind === 'initialized' ? orgImage.urn : '';
    const notOwned = await create({ media: { id: foreign, altText: 'not mine' } });
    assert.equal(notOwned.kind, 'rejected');
    assert.match(
      notOwned.kind === 'rejected' ? notOwned.message : '',
      /owned by urn:li:organization:4242, not the author/,
    );

    const one = await uploaded('image', png(2, 2));
    const tooFew = await create({ multiImage: { images: [{ id: one, altText: 'alone' }] } });
    assert.match(
      tooFew.kind === 'rejected' ? tooFew.message : '',
      /has 1 images; a multi-image post takes 2 to 20/,
    );
    const many = Array.from({ length: 21 }, () => ({ id: one, altText: 'again' }));
    const tooMany = await create({ multiImage: { images: many } });
    assert.match(tooMany.kind === 'rejected' ? tooMany.message : '', /has 21 images/);

    const document = await uploaded('document', await pdf(1));
    const untitled = await create({ media: { id: document, title: ' ' } });
    assert.match(
      untitled.kind === 'rejected' ? untitled.message : '',
      /title :: field is required for a document/,
    );
    assert.equal((await harness.standIn.ledger()).length, 0);
  });

  it('when the member token may not read media status, then the read is refused with 403', async () => {
    await harness.standIn.setMediaReadsWithoutReadScope(false);
    try {
      const urn = await uploaded('image', png(2, 2));
      const read = await harness.client.getMediaStatus({ accessToken: token, urns: [urn] });
      assert.equal(read.kind, 'forbidden');
    } finally {
      await harness.standIn.setMediaReadsWithoutReadScope(true);
    }
  });

  it('when our LinkedIn-Version is not active, then media calls are answered 426 like every other', async () => {
    const stale = createLinkedInClient(clientConfig(harness.standIn, { version: '202610' }));
    const init = await stale.initializeUpload({
      accessToken: token,
      kind: 'image',
      owner: harness.author,
    });
    assert.equal(init.kind, 'version_inactive');
    assert.match(init.kind === 'version_inactive' ? init.message : '', /20261001 is not active/);
    const status = await stale.getMediaStatus({
      accessToken: token,
      urns: ['urn:li:image:C4E10AQx'],
    });
    assert.equal(status.kind, 'version_inactive');
  });
});

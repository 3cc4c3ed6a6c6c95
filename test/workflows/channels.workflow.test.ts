// Publishing per channel on the real stack: Temporal, Postgres, the LinkedIn stand-in with two
// members and a page, and Bluesky's reference PDS behind a fault proxy. One item goes to three
// channels exactly once each, with the text each network expects; a dropped connection after
// Bluesky's create and a worker killed mid-call are adopted, not repeated; Bluesky failing for
// good leaves LinkedIn published and the item `partially_published`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectBlueskyChannel } from '../../channels/bluesky';
import { connectLinkedInChannel } from '../../channels/linkedin';
import { disableChannel, enableChannel } from '../../channels/manage';
import { BLUESKY_POST_COLLECTION } from '../../contracts/bluesky';
import { contentWorkflowId, engagementWorkflowId } from '../../contracts/ids';
import type { ContentState } from '../../contracts/workflow';
import { inspectMedia } from '../../media/inspect';
import { putMedia } from '../../media/store';
import { vaultFrom } from '../../platform/crypto/keyring';
import { AppError } from '../../publishing/errors';
import { statusQuery } from '../../workflows/content/definitions';
import {
  startBlueskyNetwork,
  type BlueskyNetwork,
  type TestAccount,
} from '../helpers/bluesky-network';
import { EDITOR, approveAsSeen, post, publishingDeps, submit } from '../helpers/content';
import { png } from '../helpers/media';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { spawnWorker, waitForExit } from '../helpers/worker-process';

const CREATE = 'com.atproto.repo.createRecord';
const ORG_URN = 'urn:li:organization:27182818';
const JANE = { sub: 'JaneDoe01', name: 'Jane Doe' };

describe('publishing one item to several channels on two networks', () => {
  let stack: Stack;
  let network: BlueskyNetwork;
  let alice: TestAccount;
  let bob: TestAccount;
  let worker: Awaited<ReturnType<Stack['startWorker']>>;

  before(async () => {
    stack = await startStack();
    network = await startBlueskyNetwork();
    alice = await network.createAccount('alice');
    bob = await network.createAccount('bob');
    const vault = vaultFrom(stack.config);
    // Jane's own channel and the page she administers (organization posting on).
    await stack.standIn.addMember(JANE);
    await stack.standIn.setOrganization({ id: ORG_URN.split(':').pop() ?? '', admins: [JANE.sub] });
    await stack.db.outletFeatureFlag.update({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
      data: { enabled: true, updatedBy: 'test' },
    });
    const token = await stack.standIn.issueToken({
      sub: JANE.sub,
      scopes: ['openid', 'profile', 'w_member_social', 'w_organization_social'],
    });
    const tokens = {
      accessToken: token.accessToken,
      expiresInSeconds: 5_183_999,
      scopes: token.scopes,
    };
    for (const [channelName, organizationUrn] of [
      ['jane', null],
      ['acme-page', ORG_URN],
    ] as const) {
      await connectLinkedInChannel(stack.db, vault, {
        sub: JANE.sub,
        name: JANE.name,
        tokens,
        connectedBy: 'test',
        channelName,
        organizationUrn,
      });
    }
    // Alice's account is the Bluesky default (the outlet's first channel).
    await connectBlueskyChannel(
      { db: stack.db, vault, log: stack.log, timeoutMs: 10_000 },
      'test',
      { identifier: alice.handle, appPassword: alice.appPassword, service: network.serviceUrl },
    );
    worker = await stack.startWorker();
  });
  after(async () => {
    await stack?.close();
    await network?.close();
  });

  const deps = () => publishingDeps(stack);
  const document = (outlets: string, body: string) =>
    post({ body, extra: `outlets: [${outlets}]` }).replace('outlets: [linkedin]\n', '');
  const state = (id: string): Promise<ContentState> =>
    stack.temporal.workflow.getHandle(contentWorkflowId(id, 1)).query(statusQuery);
  async function reaches(id: string, status: string, timeoutMs = 120_000): Promise<ContentState> {
    return eventually(
      async () => {
        const s = await state(id);
        return s.status === status ? s : undefined;
      },
      timeoutMs,
      `${id} ${status}`,
    );
  }
  async function approved(id: string, outlets: string, body: string): Promise<void> {
    await submit(stack, id, document(outlets, body));
    await reaches(id, 'awaiting_approval');
    await approveAsSeen(deps(), EDITOR, { id });
  }
  const postsWith = async (text: string) =>
    (await network.listPosts(alice.did)).filter((p) => p.value.text === text);

  it('when one item names a page, a member and the Bluesky default, then each gets its own text exactly once', async () => {
    const id = uniqueId('three');
    const tag = `t${uniqueId('')
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 8)}`;
    const body = `Café ☕ déjà vu: read [the notes](https://example.com/notes) #${tag} with @${bob.handle} (really).`;
    await approved(id, 'linkedin:acme-page, linkedin:jane, bluesky', body);
    const done = await reaches(id, 'published');
    assert.deepEqual(
      done.channels.map((c) => [c.key, c.status]),
      [
        ['linkedin:acme-page', 'published'],
        ['linkedin:jane', 'published'],
        [`bluesky:${alice.handle}`, 'published'],
      ],
    );

    const row = await stack.db.content.findUniqueOrThrow({
      where: { contentId_version: { contentId: id, version: 1 } },
      include: { publications: true },
    });
    assert.equal(row.publications.length, 3);
    assert.ok(row.publications.every((p) => p.state === 'confirmed'));
    const audited = await stack.db.audit.findMany({
      where: { subject: id, action: 'publication.confirmed' },
    });
    assert.deepEqual(
      audited.map((a) => (a.details as { channel: string }).channel).sort(),
      done.channels.map((c) => c.key).sort(),
      'each channel audited once',
    );
    // Each channel's post gets its own engagement follow-up.
    for (const channel of done.channels) {
      const followUp = await eventually(
        () =>
          stack.temporal.workflow
            .getHandle(engagementWorkflowId(contentWorkflowId(id, 1), channel.key))
            .describe()
            .catch(() => undefined),
        60_000,
        `the follow-up of ${channel.key}`,
      );
      assert.equal(followUp.type, 'engagementWorkflow');
    }

    // LinkedIn: the escaped little text, once as the page and once as Jane.
    const linkedinText = (row.rendered as { linkedin: { text: string } }).linkedin.text;
    assert.match(linkedinText, /\\\(really\\\)/, 'parentheses escaped');
    assert.ok(linkedinText.includes(`{hashtag|\\#|${tag}}`), linkedinText);
    const ledger = (await stack.standIn.ledger()).filter((p) => p.commentary === linkedinText);
    assert.deepEqual(
      ledger.map((p) => p.author).sort(),
      [ORG_URN, `urn:li:person:${JANE.sub}`].sort(),
    );

    // Bluesky: plain text with facets at UTF-8 byte offsets, read back from the PDS.
    const plain = `Café ☕ déjà vu: read the notes #${tag} with @${bob.handle} (really).`;
    const records = await postsWith(plain);
    assert.equal(records.length, 1, 'one record');
    const record = records[0]!;
    const bytes = Buffer.from(plain, 'utf8');
    const facets = record.value.facets as {
      index: { byteStart: number; byteEnd: number };
      features: Record<string, string>[];
    }[];
    const spans = facets.map((f) => [
      bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'),
      f.features[0]!.$type,
      f.features[0]!.uri ?? f.features[0]!.tag ?? f.features[0]!.did,
    ]);
    assert.deepEqual(spans, [
      ['the notes', 'app.bsky.richtext.facet#link', 'https://example.com/notes'],
      [`#${tag}`, 'app.bsky.richtext.facet#tag', tag],
      [`@${bob.handle}`, 'app.bsky.richtext.facet#mention', bob.did],
    ]);
    assert.deepEqual(record.value.langs, ['en-GB']);
    const bluesky = row.publications.find((p) => p.outlet === 'bluesky');
    assert.equal(bluesky?.postUrn, record.uri);
    assert.equal(bluesky?.postCid, record.cid);
    assert.equal(record.uri, `at://${alice.did}/${BLUESKY_POST_COLLECTION}/${bluesky?.recordKey}`);
  });

  it('when the connection drops after Bluesky wrote the record, then the item adopts it and the PDS holds it once', async () => {
    const id = uniqueId('dropped');
    const text = `Dropped after the create ${id}`;
    network.proxy.inject(CREATE, { kind: 'drop_after_upstream' });
    await approved(id, 'bluesky', text);
    await reaches(id, 'published');
    assert.deepEqual(network.proxy.pending(), [], 'the fault was met');
    const records = await postsWith(text);
    assert.equal(records.length, 1);
    const publication = await stack.db.publication.findFirstOrThrow({ where: { contentId: id } });
    assert.equal(publication.postUrn, records[0]!.uri);
    assert.equal(publication.resolution, 'read_back');
  });

  it('when a Bluesky post carries an uploaded image, then the record embeds its blob with the alt text', async () => {
    const bytes = new Uint8Array(png(3, 2));
    const inspected = inspectMedia(bytes, 5 * 2 ** 20);
    assert.ok(inspected.ok);
    const { media } = await putMedia(stack.db, {
      data: bytes,
      facts: inspected.facts,
      uploadedBy: 'test',
    });
    const id = uniqueId('image');
    const text = `With a picture ${id}`;
    await approved(id, 'bluesky', `${text}\n\n![A red square on white](media:${media.id})`);
    await reaches(id, 'published');
    const [record] = await postsWith(text);
    assert.ok(record, 'one record');
    const embed = record.value.embed as {
      $type: string;
      images: { alt: string; image: { ref: unknown }; aspectRatio: object }[];
    };
    assert.equal(embed.$type, 'app.bsky.embed.images');
    assert.equal(embed.images.length, 1);
    assert.equal(embed.images[0]?.alt, 'A red square on white');
    assert.deepEqual(embed.images[0]?.aspectRatio, { width: 3, height: 2 });
    // The record comes back decoded: the blob's ref is a CID, its string the blob's id.
    const blob = await network.readBlob(alice.did, String(embed.images[0]?.image.ref));
    assert.ok(Buffer.from(blob).equals(Buffer.from(bytes)), 'the blob is the uploaded image');
  });

  it('when the worker is killed while Bluesky writes, then a new worker adopts the record by its key', async () => {
    // Only the production worker process serves the queue while the create is in flight.
    await worker.stop();
    const child = spawnWorker(stack);
    try {
      const id = uniqueId('killed');
      const text = `Killed mid-call ${id}`;
      network.proxy.inject(CREATE, { kind: 'hold_after_upstream' });
      await approved(id, 'bluesky', text);
      await eventually(
        async () =>
          network.proxy.requests().some((r) => r.nsid === CREATE && r.outcome === 'held')
            ? true
            : undefined,
        120_000,
        'the create reached the PDS and is held',
      );
      child.kill('SIGKILL');
      await waitForExit(child);
      network.proxy.dropHeld();
      assert.equal((await postsWith(text)).length, 1, 'the PDS wrote it before the kill');
      worker = await stack.startWorker();
      await reaches(id, 'published');
      assert.equal((await postsWith(text)).length, 1, 'still once');
      const publication = await stack.db.publication.findFirstOrThrow({ where: { contentId: id } });
      assert.equal(publication.resolution, 'read_back');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('when an item names a disabled channel, then submission refuses it naming the valid channels', async () => {
    await disableChannel(stack.db, 'test', 'linkedin', 'acme-page');
    try {
      await assert.rejects(
        submit(
          stack,
          uniqueId('disabled'),
          document('linkedin:acme-page', 'Not for a disabled page.'),
        ),
        (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.equal(err.code, 'VALIDATION_FAILED');
          const issue = err.issues?.[0];
          assert.equal(issue?.path, 'outlets.0');
          assert.equal(issue?.code, 'CHANNEL_DISABLED');
          assert.match(issue?.message ?? '', /jane/);
          return true;
        },
      );
    } finally {
      await enableChannel(stack.db, 'test', 'linkedin', 'acme-page');
    }
  });

  it('when a post fits LinkedIn but not Bluesky, then submission refuses it for Bluesky with the measured length', async () => {
    const body = `${'Long enough for LinkedIn, too long for Bluesky. '.repeat(8)}#fits`;
    await assert.rejects(
      submit(stack, uniqueId('too-long'), document('linkedin:jane, bluesky', body)),
      (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          err.issues?.map((i) => [i.path, i.code]),
          [['body', 'TOO_LONG']],
        );
        assert.match(
          err.issues?.[0]?.message ?? '',
          /^The text for bluesky is 389 characters \(graphemes\) and 389 UTF-8 bytes; the limit is 300/,
        );
        return true;
      },
    );
  });

  it('when Bluesky keeps failing, then LinkedIn still publishes and the item ends partially_published with the reason', async () => {
    const id = uniqueId('partial');
    const text = `Bluesky down for good ${id}`;
    // More failures than the publish activity's attempts (6); this test runs last.
    for (let i = 0; i < 8; i++) {
      network.proxy.inject(CREATE, { kind: 'respond', status: 503, error: 'NotEnoughResources' });
    }
    await approved(id, 'linkedin:jane, bluesky', text);
    const done = await reaches(id, 'partially_published', 240_000);
    const [jane, sky] = done.channels;
    assert.equal(jane?.status, 'published');
    assert.equal(sky?.status, 'failed');
    assert.match(sky?.reason ?? '', /OUTLET_UNAVAILABLE/);
    assert.match(done.lastError?.message ?? '', new RegExp(`bluesky:${alice.handle}`));
    assert.equal((await postsWith(text)).length, 0, 'nothing on Bluesky');
    const row = await stack.db.content.findUniqueOrThrow({
      where: { contentId_version: { contentId: id, version: 1 } },
    });
    assert.equal(row.status, 'partially_published');
    const failed = await stack.db.audit.findMany({
      where: { subject: id, action: 'publication.failed' },
    });
    assert.deepEqual(
      failed.map((a) => (a.details as { channel: string }).channel),
      [`bluesky:${alice.handle}`],
    );
  });
});

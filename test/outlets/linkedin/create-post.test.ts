import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createLinkedInClient,
  createOutcomeFromResponse,
  postUrl,
} from '../../../outlets/linkedin';
import {
  ACTIVE_VERSION,
  clientConfig,
  shareToken,
  startHarness,
  type Harness,
} from './stand-in-setup';

describe('createPost against the stand-in', () => {
  let harness: Harness;
  let token: string;
  before(async () => {
    harness = await startHarness();
  });
  beforeEach(async () => {
    await harness.standIn.reset();
    token = await shareToken(harness.standIn);
  });
  after(() => harness.standIn.close());

  const create = (commentary: string, accessToken = token, author = harness.author) =>
    harness.client.createPost({ accessToken, author, commentary });

  it('when the member may post, then LinkedIn creates one post and names it', async () => {
    const outcome = await create('Shipped \\(v1\\) {hashtag|\\#|release}');
    assert.equal(outcome.kind, 'created');
    const urn = outcome.kind === 'created' ? outcome.urn : '';
    assert.match(urn, /^urn:li:share:\d{19}$/);
    assert.equal(postUrl(urn), `https://www.linkedin.com/feed/update/${urn}/`);
    const ledger = await harness.standIn.ledger();
    assert.equal(ledger.length, 1);
    assert.deepEqual(
      { ...ledger[0], createdAt: 0 },
      {
        urn,
        author: harness.author,
        commentary: 'Shipped \\(v1\\) {hashtag|\\#|release}',
        visibility: 'PUBLIC',
        lifecycleState: 'PUBLISHED',
        feedDistribution: 'MAIN_FEED',
        isReshareDisabledByAuthor: false,
        createdAt: 0,
        deleted: false,
      },
    );
  });

  it('when the same text is sent again, then LinkedIn answers duplicate naming the first post', async () => {
    const first = await create('Exactly once, please');
    assert.equal(first.kind, 'created');
    const again = await create('  Exactly   once, please\n');
    assert.deepEqual(again, { kind: 'duplicate', urn: first.kind === 'created' ? first.urn : '' });
    assert.equal((await harness.standIn.ledger()).length, 1);
  });

  it('when another author sends the same text, then it is not a duplicate', async () => {
    await harness.standIn.addMember({ sub: 'Other42', name: 'Other Member' });
    const other = await harness.standIn.issueToken({ sub: 'Other42', scopes: ['w_member_social'] });
    assert.equal((await create('Same words')).kind, 'created');
    const second = await create('Same words', other.accessToken, 'urn:li:person:Other42');
    assert.equal(second.kind, 'created');
  });

  it('when the commentary exceeds 3000 characters, then LinkedIn refuses it and creates nothing', async () => {
    assert.deepEqual(await create('x'.repeat(3001)), {
      kind: 'too_long',
      message:
        'com.linkedin.content.common.exception.BadRequestResponseException: ShareCommentary text length (3001 characters) exceeded the maximum allowed (3000 characters)',
    });
    assert.equal((await harness.standIn.ledger()).length, 0);
    assert.equal((await create('y'.repeat(3000))).kind, 'created');
  });

  it('when the token is missing, invalid, expired or revoked, then the reason is told apart', async () => {
    assert.deepEqual(await create('a', ''), { kind: 'unauthorized', reason: 'missing' });
    assert.deepEqual(await create('b', 'AQ-made-up'), { kind: 'unauthorized', reason: 'invalid' });
    const expired = await shareToken(harness.standIn);
    await harness.standIn.expireToken(expired);
    assert.deepEqual(await create('c', expired), { kind: 'unauthorized', reason: 'expired' });
    const revoked = await shareToken(harness.standIn);
    await harness.standIn.revokeToken(revoked);
    assert.deepEqual(await create('d', revoked), { kind: 'unauthorized', reason: 'revoked' });
    assert.equal((await harness.standIn.ledger()).length, 0);
  });

  it('when the token lacks w_member_social, then creating is forbidden', async () => {
    const signInOnly = await shareToken(harness.standIn, ['openid', 'profile']);
    assert.deepEqual(await create('no scope', signInOnly), {
      kind: 'forbidden',
      permission: `partnerApiPostsExternal.CREATE.${ACTIVE_VERSION}01`,
    });
  });

  it('when the author is another person, then creating is forbidden', async () => {
    const outcome = await create('impersonation', token, 'urn:li:person:SomeoneElse');
    assert.equal(outcome.kind, 'forbidden');
  });

  it('when posting as an organization, then the scope and an admin role are both required', async () => {
    const org = 'urn:li:organization:2414183';
    assert.equal((await create('org post', token, org)).kind, 'forbidden');

    const orgToken = await shareToken(harness.standIn, ['w_organization_social']);
    assert.equal((await create('org post', orgToken, org)).kind, 'forbidden');

    await harness.standIn.setOrganization({ id: '2414183', admins: [harness.standIn.member.sub] });
    const created = await create('org post', orgToken, org);
    assert.equal(created.kind, 'created');
    assert.equal((await harness.standIn.ledger())[0]?.author, org);
  });

  it('when the client is configured for an inactive version, then the answer is version_inactive', async () => {
    const outdated = createLinkedInClient(clientConfig(harness.standIn, { version: '202401' }));
    const outcome = await outdated.createPost({
      accessToken: token,
      author: harness.author,
      commentary: 'v',
    });
    assert.deepEqual(outcome, {
      kind: 'version_inactive',
      message: 'Requested version 20240101 is not active',
    });
  });

  it('when the version header is missing, then LinkedIn answers VERSION_MISSING with gateway headers', async () => {
    const response = await rawCreate(harness, token, { 'X-Restli-Protocol-Version': '2.0.0' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-restli-gateway-error'), 'true');
    assert.equal(response.headers.get('x-restli-error-response'), 'true');
    assert.deepEqual(createOutcomeFromResponse(response), { kind: 'version_missing' });
  });

  it('when the token is bad and the version missing, then the token is reported first', async () => {
    const response = await rawCreate(harness, 'AQ-made-up', {});
    assert.deepEqual(createOutcomeFromResponse(response), {
      kind: 'unauthorized',
      reason: 'invalid',
    });
  });

  it('when the protocol header is missing, then the create is rejected', async () => {
    const response = await rawCreate(harness, token, { 'LinkedIn-Version': ACTIVE_VERSION });
    const outcome = createOutcomeFromResponse(response);
    assert.equal(outcome.kind, 'rejected');
    assert.equal((await harness.standIn.ledger()).length, 0);
  });

  it('when the body is {}, then LinkedIn answers 422 naming the missing fields', async () => {
    const response = await rawCreate(
      harness,
      token,
      { 'LinkedIn-Version': ACTIVE_VERSION, 'X-Restli-Protocol-Version': '2.0.0' },
      '{}',
    );
    assert.equal(response.status, 422);
    const { message } = JSON.parse(response.body) as { message: string };
    for (const field of [
      '/author',
      '/commentary',
      '/visibility',
      '/distribution',
      '/lifecycleState',
    ]) {
      assert.ok(message.includes(`ERROR :: ${field} :: field is required`), `${field} not named`);
    }
    const outcome = createOutcomeFromResponse(response);
    assert.equal(outcome.kind === 'rejected' && outcome.status, 422);
    assert.ok(outcome.kind === 'rejected' && outcome.message.length <= 300, 'message is truncated');
  });
});

describe('duplicate window', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ duplicateWindowMs: 100 });
  });
  after(() => harness.standIn.close());

  it('when the window has passed, then the same text is a new post', async () => {
    const accessToken = await shareToken(harness.standIn);
    const input = { accessToken, author: harness.author, commentary: 'Weekly reminder' };
    assert.equal((await harness.client.createPost(input)).kind, 'created');
    assert.equal((await harness.client.createPost(input)).kind, 'duplicate');
    await delay(150);
    assert.equal((await harness.client.createPost(input)).kind, 'created');
    assert.equal((await harness.standIn.ledger()).length, 2);
  });
});

describe('little text handling', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ truncateOnUnescapedReserved: true });
  });
  after(() => harness.standIn.close());

  it('when a reserved character is unescaped, then LinkedIn keeps only the text before it', async () => {
    const accessToken = await shareToken(harness.standIn);
    const outcome = await harness.client.createPost({
      accessToken,
      author: harness.author,
      commentary: 'Release notes (v2) are out',
    });
    assert.equal(outcome.kind, 'created', 'still a 201');
    assert.equal((await harness.standIn.ledger())[0]?.commentary, 'Release notes ');
  });

  it('when everything is escaped or a valid element, then the text is kept and hashtags normalised', async () => {
    const accessToken = await shareToken(harness.standIn);
    await harness.client.createPost({
      accessToken,
      author: harness.author,
      commentary:
        'Thanks @[Ada](urn:li:person:Xk2mQ9aLpT) for \\(v3\\) #launch {hashtag|#|news} done',
    });
    const posts = await harness.standIn.ledger();
    assert.equal(
      posts.at(-1)?.commentary,
      'Thanks @[Ada](urn:li:person:Xk2mQ9aLpT) for \\(v3\\) #launch {hashtag|\\#|news} done',
    );
  });
});

describe('the wire format of a create', () => {
  let received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      response.writeHead(201, { 'X-RestLi-Id': 'urn:li:ugcPost:7141138937766391808' }).end();
    });
  });
  before(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends exactly the documented headers and body, and reads the id case-insensitively', async () => {
    const { port } = server.address() as AddressInfo;
    const client = createLinkedInClient({
      apiBase: `http://127.0.0.1:${port}/`,
      oauthBase: `http://127.0.0.1:${port}/oauth/v2`,
      version: '202601',
      clientId: 'id',
      clientSecret: 'secret',
      redirectUri: 'https://stargue.example/cb',
      requestTimeoutMs: 2000,
    });
    const outcome = await client.createPost({
      accessToken: 'AQ-token',
      author: 'urn:li:person:782bbtaQ',
      commentary: 'Shipped \\(v1\\) {hashtag|\\#|release}',
    });
    assert.deepEqual(outcome, { kind: 'created', urn: 'urn:li:ugcPost:7141138937766391808' });
    assert.equal(received.method, 'POST');
    assert.equal(received.url, '/rest/posts');
    assert.equal(received.headers.authorization, 'Bearer AQ-token');
    assert.equal(received.headers['linkedin-version'], '202601');
    assert.equal(received.headers['x-restli-protocol-version'], '2.0.0');
    assert.equal(received.headers['content-type'], 'application/json');
    assert.equal(
      received.body,
      '{"author":"urn:li:person:782bbtaQ","commentary":"Shipped \\\\(v1\\\\) {hashtag|\\\\#|release}","visibility":"PUBLIC",' +
        '"distribution":{"feedDistribution":"MAIN_FEED","targetEntities":[],"thirdPartyDistributionChannels":[]},' +
        '"lifecycleState":"PUBLISHED","isReshareDisabledByAuthor":false}',
    );
  });
});

async function rawCreate(
  harness: Harness,
  accessToken: string,
  headers: Record<string, string>,
  body = JSON.stringify({ author: harness.author, commentary: 'raw' }),
) {
  const response = await fetch(`${harness.standIn.url}/rest/posts`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${accessToken}`,
      'Content-Type': 'application/json',
      ...headers,
    },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

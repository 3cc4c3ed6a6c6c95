// Which of an item's LinkedIn channels hold a token that cannot be refreshed: the approval warns
// of them (activities/accounts.ts), read in the statement that records the approval.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { unrefreshableTokens, type UnrefreshableToken } from '../../activities/accounts';
import { createDb, type Db } from '../../platform/db/client';
import { adminUrl, createScratchDatabase, dropDatabase } from '../helpers/database';

describe('the LinkedIn tokens an approval warns of', () => {
  let databaseUrl: string;
  let db: Db;
  const ids: Record<string, string> = {};

  before(async () => {
    databaseUrl = await createScratchDatabase(
      'stargue_accounts',
      adminUrl(),
      process.env.TEST_TEMPLATE_DATABASE_URL,
    );
    db = createDb(databaseUrl, { max: 2 });
    const token = (name: string, refresh: boolean) =>
      db.linkedinToken.create({
        data: {
          id: `acct-${name}`,
          memberUrn: `urn:li:person:${name}`,
          scopes: ['w_member_social'],
          keyId: 'k1',
          accessCiphertext: Buffer.alloc(40),
          accessNonce: Buffer.alloc(24),
          ...(refresh
            ? { refreshCiphertext: Buffer.alloc(40), refreshNonce: Buffer.alloc(24) }
            : {}),
          accessExpiresAt: new Date(Date.now() + 86_400_000),
          connectedBy: 'test',
        },
      });
    const channel = async (name: string, tokenId: string, isDefault = false) => {
      const row = await db.channel.create({
        data: {
          outlet: 'linkedin',
          name,
          displayName: name,
          isDefault,
          linkedinTokenId: tokenId,
          createdBy: 'test',
          updatedBy: 'test',
        },
      });
      ids[name] = row.id;
    };
    await token('main', false);
    await token('brand', true);
    await token('team', false);
    await channel('main', 'acct-main', true);
    await channel('brand', 'acct-brand');
    await channel('team', 'acct-team');
    // A Bluesky channel's id: no row is needed, it never joins a LinkedIn token.
    ids.sky = randomUUID();
  });
  after(async () => {
    await db.$disconnect();
    await dropDatabase(databaseUrl);
  });

  async function tokensOf(outlets: string[], targets: unknown): Promise<string[]> {
    const contentId = `acct-${randomUUID()}`;
    await db.content.create({
      data: {
        contentId,
        version: 1,
        workflowId: `content:${contentId}:v1`,
        sourceHash: 'a'.repeat(64),
        markdown: 'm',
        status: 'awaiting_approval',
        language: 'en',
        outlets,
        sanitize: false,
        contentHash: 'b'.repeat(64),
        rendered: {},
        ...(targets === null ? {} : { targets }),
        title: 't',
        submittedBy: 'test',
      },
    });
    const rows = await db.$queryRaw<UnrefreshableToken[]>`${unrefreshableTokens({
      contentId,
      version: 1,
    })}`;
    return rows.map((r) => r.name);
  }
  const target = (outlet: string, channel: string | null) => ({
    outlet,
    channelId: channel === null ? null : ids[channel],
  });

  it('when an item predates channels and goes to LinkedIn, then the default channel is the one', async () => {
    assert.deepEqual(await tokensOf(['linkedin'], null), ['main']);
    assert.deepEqual(await tokensOf(['bluesky'], null), []);
  });

  it('when an item names LinkedIn channels, then those whose token cannot be refreshed', async () => {
    const targets = [
      target('linkedin', 'team'),
      target('linkedin', 'brand'),
      target('bluesky', 'sky'),
    ];
    assert.deepEqual(await tokensOf(['linkedin', 'bluesky'], targets), ['team']);
  });

  it('when a LinkedIn target has no channel, then the default channel publishes it', async () => {
    const targets = [target('linkedin', null), target('linkedin', 'team')];
    assert.deepEqual(await tokensOf(['linkedin'], targets), ['main']);
  });

  it('when an item has no LinkedIn target, or no row, then there is nothing to warn of', async () => {
    assert.deepEqual(await tokensOf(['bluesky'], [target('bluesky', 'sky')]), []);
    const none = await db.$queryRaw<UnrefreshableToken[]>`${unrefreshableTokens({
      contentId: 'missing',
      version: 1,
    })}`;
    assert.deepEqual(none, []);
  });
});

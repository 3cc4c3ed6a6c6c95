// `npm run tokens:rotate` for Bluesky channels: app passwords and sessions sealed under the old
// key are re-sealed under the new one, so the old key can be retired, without moving updated_at.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { channelSignInHolder } from '../../channels/bluesky';
import { insertChannel, withOutletLock } from '../../channels/manage';
import { rotateChannelSecrets } from '../../channels/rotate';
import { createVault, VaultError } from '../../platform/crypto/vault';
import { createDb, type Db } from '../../platform/db/client';
import { adminUrl, createScratchDatabase, dropDatabase, runtimeUrlFor } from '../helpers/database';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const v1 = createVault({ currentKeyId: 'k1', currentKey: k1, oldKeys: [] });
const v2 = createVault({ currentKeyId: 'k2', currentKey: k2, oldKeys: [{ id: 'k1', key: k1 }] });
const v2Only = createVault({ currentKeyId: 'k2', currentKey: k2, oldKeys: [] });

describe('re-sealing Bluesky channel secrets under a new key', () => {
  let databaseUrl: string;
  let db: Db;

  before(async () => {
    const template = process.env.TEST_TEMPLATE_DATABASE_URL;
    assert.ok(template, 'npm test provides a migrated template database');
    databaseUrl = await createScratchDatabase('stargue_rotate', adminUrl(), template);
    db = createDb(runtimeUrlFor(databaseUrl), { max: 4 });
  });
  after(async () => {
    await db.$disconnect();
    await dropDatabase(databaseUrl);
  });

  /** A Bluesky channel sealed under k1, with a session when `session` is given. */
  async function sealedUnderK1(name: string, session: string | null) {
    const id = randomUUID();
    const password = v1.seal(id, `pass-${name}`);
    const sealedSession = session === null ? null : v1.seal(id, session);
    await withOutletLock(db, 'bluesky', (tx) =>
      insertChannel(tx, 'test', {
        id,
        outlet: 'bluesky',
        name,
        displayName: name,
        did: `did:plc:${name}`,
        handle: `${name}.test`,
        service: 'https://bsky.social',
        identifier: `${name}.test`,
        passwordKeyId: password.keyId,
        passwordNonce: Buffer.from(password.nonce),
        passwordCiphertext: Buffer.from(password.ciphertext),
        ...(sealedSession
          ? {
              sessionKeyId: sealedSession.keyId,
              sessionNonce: Buffer.from(sealedSession.nonce),
              sessionCiphertext: Buffer.from(sealedSession.ciphertext),
            }
          : {}),
      }),
    );
    return id;
  }

  it('when rotated, then every password and session opens with the new key alone, a second run does nothing, and updated_at stays', async () => {
    const withSession = await sealedUnderK1('with-session', '{"did":"did:plc:x"}');
    const without = await sealedUnderK1('without-session', null);
    const before = await db.channel.findMany({ orderBy: { name: 'asc' } });

    assert.deepEqual(await rotateChannelSecrets(db, v2), { rotated: 2 });
    assert.deepEqual(await rotateChannelSecrets(db, v2), { rotated: 0 });
    const after = await db.channel.findMany({ orderBy: { name: 'asc' } });
    assert.deepEqual(
      after.map((c) => c.updatedAt.getTime()),
      before.map((c) => c.updatedAt.getTime()),
    );
    for (const [id, password, session] of [
      [withSession, 'pass-with-session', '{"did":"did:plc:x"}'],
      [without, 'pass-without-session', null],
    ] as const) {
      const sealed = await channelSignInHolder(db, id).read();
      assert.ok(sealed);
      assert.equal(sealed.appPassword.keyId, 'k2');
      assert.equal(v2Only.open(id, sealed.appPassword), password);
      if (session === null) assert.equal(sealed.session, null);
      else {
        assert.ok(sealed.session);
        assert.equal(v2Only.open(id, sealed.session), session);
      }
      // Sealed to its own channel: another channel's id does not open it.
      assert.throws(
        () => v2Only.open(randomUUID(), sealed.appPassword),
        (err: unknown) => err instanceof VaultError && err.code === 'WRONG_OWNER',
      );
    }
  });
});

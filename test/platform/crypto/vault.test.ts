import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  openAccessToken,
  openRefreshToken,
  rotateTokens,
  saveAccount,
} from '../../../outlets/linkedin/accounts';
import { createVault, VaultError, type Vault } from '../../../platform/crypto/vault';
import { createDb, type Db } from '../../../platform/db/client';
import { adminUrl, createScratchDatabase, dropDatabase } from '../../helpers/database';

const root = path.resolve(import.meta.dirname, '../../..');
const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
/** Only k1: the vault before a rotation. */
const v1 = createVault({ currentKeyId: 'k1', currentKey: K1, oldKeys: [] });
/** k2 current, k1 still listed: the vault during a rotation. */
const v2 = createVault({ currentKeyId: 'k2', currentKey: K2, oldKeys: [{ id: 'k1', key: K1 }] });
/** k1 retired: the vault after a rotation. */
const v2Only = createVault({ currentKeyId: 'k2', currentKey: K2, oldKeys: [] });

const TOKEN = `AQV${randomBytes(360).toString('base64url')}`;

function isVaultError(code: VaultError['code'], secrets: string[] = [TOKEN]) {
  return (err: unknown) => {
    assert.ok(err instanceof VaultError, `expected a VaultError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const secret of [...secrets, K1, K2]) assert.ok(!err.message.includes(secret));
    return true;
  };
}

describe('token vault (secretbox)', () => {
  it('when a token is sealed and opened by the same owner, then the plain text comes back', () => {
    const sealed = v1.seal('li-member-a', TOKEN);
    assert.equal(sealed.keyId, 'k1');
    assert.equal(v1.open('li-member-a', sealed), TOKEN);
    assert.equal(Buffer.from(sealed.ciphertext).indexOf(TOKEN), -1);
    assert.equal(v1.open('li-member-a', v1.seal('li-member-a', 'é✓🚀')), 'é✓🚀');
  });

  it('when the same token is sealed twice, then each seal has a fresh 24-byte nonce and a different ciphertext', () => {
    const nonces = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const sealed = v1.seal('li-member-a', TOKEN);
      assert.equal(sealed.nonce.length, 24);
      nonces.add(Buffer.from(sealed.nonce).toString('hex'));
      ciphertexts.add(Buffer.from(sealed.ciphertext).toString('hex'));
    }
    assert.equal(nonces.size, 50);
    assert.equal(ciphertexts.size, 50);
  });

  it('when any bit of the ciphertext or nonce is flipped, then opening fails TAMPERED', () => {
    const sealed = v1.seal('li-member-a', TOKEN);
    for (const index of [0, 15, 16, sealed.ciphertext.length - 1]) {
      const ciphertext = Uint8Array.from(sealed.ciphertext);
      ciphertext[index] = (ciphertext[index] ?? 0) ^ 0x01;
      assert.throws(
        () => v1.open('li-member-a', { ...sealed, ciphertext }),
        isVaultError('TAMPERED'),
      );
    }
    const nonce = Uint8Array.from(sealed.nonce);
    nonce[3] = (nonce[3] ?? 0) ^ 0x80;
    assert.throws(() => v1.open('li-member-a', { ...sealed, nonce }), isVaultError('TAMPERED'));
    assert.throws(
      () => v1.open('li-member-a', { ...sealed, nonce: sealed.nonce.slice(0, 23) }),
      isVaultError('TAMPERED'),
    );
    assert.throws(
      () => v1.open('li-member-a', { ...sealed, ciphertext: sealed.ciphertext.slice(0, 10) }),
      isVaultError('TAMPERED'),
    );
  });

  it('when the key id is not configured, then opening fails UNKNOWN_KEY', () => {
    const sealed = v2.seal('li-member-a', TOKEN);
    assert.throws(() => v1.open('li-member-a', sealed), isVaultError('UNKNOWN_KEY'));
    assert.throws(
      () => v1.open('li-member-a', { ...v1.seal('li-member-a', TOKEN), keyId: 'k9' }),
      isVaultError('UNKNOWN_KEY'),
    );
  });

  it('when a ciphertext is moved to another owner, then opening fails WRONG_OWNER', () => {
    const sealed = v1.seal('li-member-a', TOKEN);
    assert.throws(() => v1.open('li-member-b', sealed), isVaultError('WRONG_OWNER'));
  });

  it('when the ciphertext was sealed under another key with the same id, then TAMPERED', () => {
    const impostor = createVault({
      currentKeyId: 'k1',
      currentKey: randomBytes(32).toString('base64'),
      oldKeys: [],
    });
    assert.throws(
      () => v1.open('li-member-a', impostor.seal('li-member-a', TOKEN)),
      isVaultError('TAMPERED'),
    );
  });

  it('when the key is rotated, then the old key still opens old seals and new seals use the new key', () => {
    const old = v1.seal('li-member-a', TOKEN);
    assert.equal(v2.open('li-member-a', old), TOKEN);
    const fresh = v2.seal('li-member-a', TOKEN);
    assert.equal(fresh.keyId, 'k2');
    assert.equal(v2Only.open('li-member-a', fresh), TOKEN);
    assert.throws(() => v2Only.open('li-member-a', old), isVaultError('UNKNOWN_KEY'));
  });
});

describe('token rotation against Postgres', () => {
  let databaseUrl: string;
  let db: Db;
  const plain = new Map<string, { access: string; refresh: string | null }>();

  before(async () => {
    const template = process.env.TEST_TEMPLATE_DATABASE_URL;
    assert.ok(template, 'npm test provides a migrated template database');
    databaseUrl = await createScratchDatabase('stargue_vault', adminUrl(), template);
    db = createDb(databaseUrl, { max: 10 });
  });
  after(async () => {
    await db.$disconnect();
    await dropDatabase(databaseUrl);
  });

  /** Accounts sealed under k1, half of them with a refresh token. */
  async function seedUnderK1(count: number, prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const access = `acc-${prefix}-${i}-${randomBytes(24).toString('base64url')}`;
      const refresh =
        i % 2 === 0 ? `ref-${prefix}-${i}-${randomBytes(24).toString('base64url')}` : null;
      const saved = await saveAccount(db, v1, {
        sub: `${prefix}${i}`,
        name: `Member ${i}`,
        tokens: {
          accessToken: access,
          expiresInSeconds: 3600,
          scopes: ['w_member_social'],
          ...(refresh ? { refreshToken: refresh, refreshTokenExpiresInSeconds: 86_400 } : {}),
        },
        connectedBy: 'test',
      });
      plain.set(saved.id, { access, refresh });
      ids.push(saved.id);
    }
    return ids;
  }

  async function openAll(vault: Vault, ids: string[]): Promise<void> {
    const rows = await db.linkedinToken.findMany({ where: { id: { in: ids } } });
    assert.equal(rows.length, ids.length);
    for (const row of rows) {
      assert.equal(openAccessToken(vault, row), plain.get(row.id)?.access);
      assert.equal(openRefreshToken(vault, row), plain.get(row.id)?.refresh);
    }
  }

  it('when a row’s ciphertext is copied to another account, then opening it fails WRONG_OWNER', async () => {
    const [a, b] = await seedUnderK1(2, 'swap');
    const rowA = await db.linkedinToken.findUniqueOrThrow({ where: { id: a } });
    await db.linkedinToken.update({
      where: { id: b },
      data: { accessCiphertext: rowA.accessCiphertext, accessNonce: rowA.accessNonce },
    });
    const rowB = await db.linkedinToken.findUniqueOrThrow({ where: { id: b } });
    assert.throws(
      () => openAccessToken(v1, rowB),
      isVaultError('WRONG_OWNER', [plain.get(a ?? '')?.access ?? '']),
    );
    await db.linkedinToken.deleteMany({ where: { id: { in: [a ?? '', b ?? ''] } } });
  });

  it('when rotateTokens runs, then every row is re-sealed under the new key, none is left under the old one, and all open after k1 is retired', async () => {
    const ids = await seedUnderK1(12, 'rot');
    const result = await rotateTokens(db, v2);
    assert.equal(result.rotated, 12);
    assert.deepEqual(result.remainingByKey, { k2: 12 });
    assert.equal(await db.linkedinToken.count({ where: { keyId: 'k1' } }), 0);
    await openAll(v2Only, ids);
    const again = await rotateTokens(db, v2);
    assert.equal(again.rotated, 0, 'a second run has nothing to do');
    await db.linkedinToken.deleteMany({});
  });

  it('when tokens are re-sealed, then no row’s updated_at moves (rotation is not a reconnect)', async () => {
    const [older, newer] = await seedUnderK1(2, 'pick');
    // `newer` was connected last; `older` sits after it on disk, so it is re-sealed last.
    await db.$executeRaw`UPDATE linkedin_tokens SET updated_at = now() + interval '1 minute' WHERE id = ${newer}`;
    await db.$executeRaw`UPDATE linkedin_tokens SET updated_at = now() - interval '1 hour' WHERE id = ${older}`;
    const before = await db.linkedinToken.findMany({ orderBy: { id: 'asc' } });
    const result = await rotateTokens(db, v2);
    assert.equal(result.rotated, 2);
    const after = await db.linkedinToken.findMany({ orderBy: { id: 'asc' } });
    assert.deepEqual(
      after.map((row) => row.updatedAt),
      before.map((row) => row.updatedAt),
    );
    assert.ok(after.every((row) => row.keyId === 'k2'));
    await db.linkedinToken.deleteMany({});
  });

  it('when rotations run while tokens are opened and refreshed concurrently, then 0 decrypt failures and 0 rows left under the old key', async () => {
    const ids = await seedUnderK1(30, 'load');
    const versions = new Map(ids.map((id) => [id, new Set([plain.get(id)?.access])]));
    let opened = 0;
    const failures: unknown[] = [];
    let rotating = true;
    const reader = async () => {
      while (rotating) {
        const rows = await db.linkedinToken.findMany({ where: { id: { in: ids } } });
        for (const row of rows) {
          try {
            // Before or after a concurrent refresh: either token is right, nothing else is.
            assert.ok(versions.get(row.id)?.has(openAccessToken(v2, row)), 'a token we stored');
            assert.equal(openRefreshToken(v2, row), plain.get(row.id)?.refresh);
            opened++;
          } catch (err) {
            failures.push(err);
          }
        }
      }
    };
    // A refresh saves a new access token without a refresh token while the row may be re-sealed.
    const refresher = async (offset: number) => {
      for (let i = offset; i < ids.length; i += 3) {
        const id = ids[i] ?? '';
        const access = `acc-new-${i}-${randomBytes(24).toString('base64url')}`;
        versions.get(id)?.add(access);
        plain.set(id, { access, refresh: plain.get(id)?.refresh ?? null });
        try {
          await saveAccount(db, v2, {
            sub: id.replace('li-member-', ''),
            name: 'Member',
            tokens: { accessToken: access, expiresInSeconds: 3600, scopes: ['w_member_social'] },
            connectedBy: 'test',
          });
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const readers = [reader(), reader(), reader()];
    const work = await Promise.all([
      rotateTokens(db, v2),
      rotateTokens(db, v2),
      rotateTokens(db, v2),
      refresher(0),
      refresher(1),
    ]);
    rotating = false;
    await Promise.all(readers);
    assert.deepEqual(failures, []);
    assert.ok(opened > 0);
    const rotated = work
      .slice(0, 3)
      .reduce((sum, r) => sum + (r as { rotated: number }).rotated, 0);
    assert.ok(rotated <= 30, `each row is re-sealed once at most (${rotated})`);
    assert.equal(await db.linkedinToken.count({ where: { keyId: 'k1' } }), 0);
    await openAll(v2Only, ids);
    await db.linkedinToken.deleteMany({});
  });

  it('when `npm run tokens:rotate` runs with k2 current and k1 old, then it reports the rows moved and k1 at 0', async () => {
    const ids = await seedUnderK1(4, 'cli');
    const { code, output } = await new Promise<{ code: number | null; output: string }>(
      (resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/tokens-rotate.ts'], {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            DATABASE_URL: databaseUrl,
            TOKEN_ENCRYPTION_KEY: K2,
            TOKEN_ENCRYPTION_KEY_ID: 'k2',
            TOKEN_ENCRYPTION_OLD_KEYS: `k1:${K1}`,
            LOG_LEVEL: 'silent',
          },
        });
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.stderr.on('data', (d: Buffer) => (text += d.toString()));
        child.on('exit', (exitCode) => resolve({ code: exitCode, output: text }));
      },
    );
    assert.equal(code, 0, output);
    assert.match(output, /re-sealed 4 account\(s\) under key k2/);
    assert.match(output, /key k2: 4 row\(s\)/);
    assert.doesNotMatch(output, /key k1/);
    for (const secret of [K1, K2, ...ids.map((id) => plain.get(id)?.access ?? '')])
      assert.ok(!output.includes(secret));
    await openAll(v2Only, ids);
    const audit = await db.audit.findFirst({ where: { action: 'tokens.rotated' } });
    assert.ok(audit, 'the rotation is audited');
  });
});

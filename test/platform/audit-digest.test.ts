// platform/audit-digest.ts: the hashes that outlive releases. Changing any of them would make
// every existing row or seal look tampered with, so each is pinned to a value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chainHash,
  comparePositions,
  rowDigest,
  sealHash,
  sealMessage,
  type SealedRow,
} from '../../platform/audit-digest';

// Computed when 0004_audit_journal shipped; every seal since depends on it staying so.
const PINNED_ROW_DIGEST = 'ff29c5a68ec790e2a9301780f8f019769b8b27b1df7717b1c89ebcdc2c419cf0';

const chained = {
  at: new Date('2026-03-01T09:00:00.123Z'),
  actor: 'editor:ada',
  action: 'content.transition',
  subject: 'spring-launch',
  workflowId: 'content:spring-launch:v1',
  runId: 'run-1',
  fromStatus: 'scheduled',
  toStatus: 'published',
  reason: 'é \u2028 "quoted"',
  details: { version: 1, nested: { b: 2, a: [1, 'x'] } },
};

describe('audit digests', () => {
  it('when a row from before 0004 is hashed, then the chain hash is the one the previous release wrote (computed by its auditHash)', () => {
    assert.equal(
      chainHash('0'.repeat(64), chained),
      '634ed53b13b5a8eab00144e853ebf5d29314106da4909e1659551132211199bf',
    );
    assert.equal(
      chainHash('f'.repeat(64), { ...chained, details: null, reason: null }),
      '2fb39142d1e18b0981c907aeb444cf992060ea86fd10cf7b41c05df41c8cf4a0',
    );
    // Read back from the database a row has more columns; the chain covers only its own.
    const readBack = { ...chained, id: 7n, writerXid: 0n, dedupeKey: null, hash: 'x' };
    assert.equal(chainHash('0'.repeat(64), readBack), chainHash('0'.repeat(64), chained));
  });

  it('when a row is digested, then the digest is pinned, covers every sealed column, and ignores columns added later', () => {
    const row: SealedRow = {
      ...chained,
      id: 42n,
      writerXid: 1234n,
      dedupeKey: 'k',
      prevHash: null,
      hash: null,
    };
    const digest = rowDigest(row).toString('hex');
    assert.equal(digest, rowDigest({ ...row }).toString('hex'));
    assert.equal(digest, PINNED_ROW_DIGEST);
    for (const [key, value] of Object.entries({
      id: 43n,
      writerXid: 1235n,
      at: new Date('2026-03-01T09:00:00.124Z'),
      reason: 'other',
      details: { version: 2 },
      dedupeKey: null,
    })) {
      assert.notEqual(rowDigest({ ...row, [key]: value }).toString('hex'), digest, key);
    }
    const wider = { ...row, addedIn0009: 'x' } as SealedRow;
    assert.equal(rowDigest(wider).toString('hex'), digest);
  });

  it('when a seal is described, then its message and hash are pinned and its key order does not matter', () => {
    const fields = {
      sealedAt: new Date('2026-03-01T09:00:02Z'),
      from: { xid: 0n, id: 0n },
      to: { xid: 5000n, id: 0n },
      rowCount: 3,
      rowsHash: 'a'.repeat(64),
      prevHash: '0'.repeat(64),
      keyId: 'a1',
    };
    const message = sealMessage(fields);
    assert.equal(
      message.toString('utf8'),
      'stargue audit seal v1\n{"from":{"id":"0","xid":"0"},"keyId":"a1","prevHash":"' +
        '0'.repeat(64) +
        '","rowCount":3,"rowsHash":"' +
        'a'.repeat(64) +
        '","sealedAt":"2026-03-01T09:00:02.000Z","to":{"id":"0","xid":"5000"}}',
    );
    const { keyId, ...rest } = fields;
    assert.equal(sealHash(sealMessage({ keyId, ...rest })), sealHash(message));
  });

  it('when positions are compared, then the writer transaction comes first, then the id', () => {
    assert.equal(comparePositions({ xid: 1n, id: 9n }, { xid: 2n, id: 1n }), -1);
    assert.equal(comparePositions({ xid: 2n, id: 1n }, { xid: 2n, id: 1n }), 0);
    assert.equal(comparePositions({ xid: 2n, id: 2n }, { xid: 2n, id: 1n }), 1);
  });
});

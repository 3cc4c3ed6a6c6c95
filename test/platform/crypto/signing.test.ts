import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import {
  createSigner,
  createVerifier,
  generateSigningKey,
  publicKeyOf,
} from '../../../platform/crypto/signing';

describe('ed25519 signing keys', () => {
  it('when a claim is signed, then the matching public key verifies it and any change breaks it', () => {
    const key = generateSigningKey();
    const signer = createSigner('a1', key.seed);
    const verifier = createVerifier([{ id: 'a1', key: key.publicKey }]);
    const signature = signer.sign('approve content:x:v1');
    assert.equal(verifier.verify('a1', 'approve content:x:v1', signature), true);
    assert.equal(verifier.verify('a1', 'approve content:x:v2', signature), false);
    const flipped = Buffer.from(signature, 'base64');
    flipped[3] = (flipped[3] ?? 0) ^ 1;
    assert.equal(verifier.verify('a1', 'approve content:x:v1', flipped.toString('base64')), false);
  });

  it('when the key id is unknown, the signature malformed or made by another key, then it fails', () => {
    const ours = generateSigningKey();
    const theirs = createSigner('a1', generateSigningKey().seed);
    const verifier = createVerifier([{ id: 'a1', key: ours.publicKey }]);
    const signature = createSigner('a1', ours.seed).sign('x');
    assert.equal(verifier.knows('a2'), false);
    assert.equal(verifier.verify('a2', 'x', signature), false);
    assert.equal(verifier.verify('a1', 'x', 'not base64 at all!'), false);
    assert.equal(verifier.verify('a1', 'x', theirs.sign('x')), false);
  });

  it('when keys rotate, then a verifier listing both accepts either', () => {
    const old = generateSigningKey();
    const fresh = generateSigningKey();
    const verifier = createVerifier([
      { id: 'a1', key: old.publicKey },
      { id: 'a2', key: fresh.publicKey },
    ]);
    assert.ok(verifier.verify('a1', 'x', createSigner('a1', old.seed).sign('x')));
    assert.ok(verifier.verify('a2', 'x', createSigner('a2', fresh.seed).sign('x')));
  });

  it('when compared with the reference implementation (tweetnacl), then keys and signatures agree', () => {
    const { seed } = generateSigningKey();
    const pair = nacl.sign.keyPair.fromSeed(Buffer.from(seed, 'base64'));
    assert.equal(publicKeyOf(seed), Buffer.from(pair.publicKey).toString('base64'));
    const text = 'stargue-decision-v1\n{}';
    const ours = createSigner('a1', seed).sign(text);
    const reference = nacl.sign.detached(Buffer.from(text), pair.secretKey);
    assert.equal(ours, Buffer.from(reference).toString('base64'));
  });
});

import { randomBytes, randomInt } from 'node:crypto';

/** Opaque like LinkedIn's tokens and codes (`AQ…`, base64url). */
export function opaqueToken(bytes: number): string {
  return `AQ${randomBytes(bytes).toString('base64url')}`;
}

/** Issues 19-digit share ids that grow like LinkedIn's and differ between stand-in processes. */
export function shareUrnSequence(): () => string {
  let last =
    7_000_000_000_000_000_000n + BigInt(Date.now()) * 100_000n + BigInt(randomInt(100_000));
  return () => {
    last += BigInt(randomInt(1, 4096));
    return `urn:li:share:${last}`;
  };
}

// `npm run tokens:rotate` for channels: Bluesky app passwords and sessions sealed under an older
// key are re-sealed under the current one, so the old key can be retired.
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/db/client';

/** Re-seals every Bluesky channel secret not under the current key; returns how many channels moved. */
export async function rotateChannelSecrets(db: Db, vault: Vault): Promise<{ rotated: number }> {
  const stale = {
    outlet: 'bluesky',
    OR: [
      { passwordKeyId: { not: vault.currentKeyId } },
      { sessionKeyId: { not: vault.currentKeyId } },
    ],
  };
  let rotated = 0;
  for (;;) {
    const rows = await db.channel.findMany({ where: stale, select: { id: true }, take: 100 });
    if (rows.length === 0) break;
    for (const { id } of rows) {
      await db.$transaction(async (tx) => {
        // Locked, so a session renewed meanwhile is not overwritten with the older one.
        await tx.$queryRaw`SELECT id FROM channels WHERE id = ${id}::uuid FOR UPDATE`;
        const row = await tx.channel.findUniqueOrThrow({ where: { id } });
        const reseal = (keyId: string | null, nonce: Uint8Array | null, ct: Uint8Array | null) => {
          if (!keyId || !nonce || !ct) return null;
          const sealed = vault.seal(id, vault.open(id, { keyId, nonce, ciphertext: ct }));
          return {
            keyId: sealed.keyId,
            nonce: Buffer.from(sealed.nonce),
            ct: Buffer.from(sealed.ciphertext),
          };
        };
        const password = reseal(row.passwordKeyId, row.passwordNonce, row.passwordCiphertext);
        const session = reseal(row.sessionKeyId, row.sessionNonce, row.sessionCiphertext);
        await tx.channel.update({
          where: { id },
          data: {
            // A re-seal is not a change an operator made.
            updatedAt: row.updatedAt,
            ...(password
              ? {
                  passwordKeyId: password.keyId,
                  passwordNonce: password.nonce,
                  passwordCiphertext: password.ct,
                }
              : {}),
            ...(session
              ? {
                  sessionKeyId: session.keyId,
                  sessionNonce: session.nonce,
                  sessionCiphertext: session.ct,
                }
              : {}),
          },
        });
        rotated++;
      });
    }
  }
  return { rotated };
}

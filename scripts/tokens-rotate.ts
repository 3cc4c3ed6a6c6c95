// `npm run tokens:rotate`: re-seals every LinkedIn token and every Bluesky channel's app password
// and session under TOKEN_ENCRYPTION_KEY_ID. Run it after
// adding a new current key (old one moved to TOKEN_ENCRYPTION_OLD_KEYS); retire the old key once
// it reports 0 rows under it.
import { appendAudit } from '../platform/audit';
import { loadConfig } from '../platform/config';
import { vaultFrom } from '../platform/crypto/keyring';
import { createDb } from '../platform/db/client';
import { rotateChannelSecrets } from '../channels/rotate';
import { rotateTokens } from '../outlets/linkedin/accounts';

let config;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`tokens:rotate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const db = createDb(config.DATABASE_URL);
try {
  const vault = vaultFrom(config);
  const result = await rotateTokens(db, vault);
  const channels = await rotateChannelSecrets(db, vault);
  await appendAudit(db, {
    actor: `cli:${process.env.USER ?? 'unknown'}`,
    action: 'tokens.rotated',
    subject: 'token-vault',
    details: {
      rotated: result.rotated,
      channels: channels.rotated,
      keyId: config.TOKEN_ENCRYPTION_KEY_ID,
    },
  });
  console.log(`re-sealed ${result.rotated} account(s) under key ${config.TOKEN_ENCRYPTION_KEY_ID}`);
  console.log(`re-sealed ${channels.rotated} Bluesky channel(s)`);
  for (const [keyId, count] of Object.entries(result.remainingByKey))
    console.log(`  key ${keyId}: ${count} row(s)`);
} catch (err) {
  process.stderr.write(
    `tokens:rotate: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
  );
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}

// `npm run apikey -- create --name NAME --role ROLE | list | revoke --name NAME`
// The new key is printed once, alone on the last line; only its hash is stored.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { RoleSchema } from '../contracts/api';
import { createApiKey, listApiKeys, revokeApiKey } from '../platform/api-keys';
import { appendAudit } from '../platform/audit';
import { createDb } from '../platform/db/client';
import { isUniqueViolation } from '../platform/db/errors';

const USAGE =
  'usage: npm run apikey -- create --name NAME --role integration|editor|operator | list | revoke --name NAME';

function fail(message: string): never {
  process.stderr.write(`apikey: ${message}\n`);
  process.exit(1);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, role: { type: 'string' } },
});
const command = positionals[0];
const databaseUrl = z.url().safeParse(process.env.DATABASE_URL);
if (!databaseUrl.success) fail('DATABASE_URL must be set to a postgres:// URL');
const db = createDb(databaseUrl.data);
const actor = `cli:${process.env.USER ?? 'unknown'}`;

try {
  if (command === 'create') {
    const name = z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .safeParse(values.name);
    if (!name.success) fail(`--name must be 1–64 letters, digits, '.', '_' or '-'\n${USAGE}`);
    const role = RoleSchema.safeParse(values.role);
    if (!role.success) fail(`--role must be integration, editor or operator\n${USAGE}`);
    try {
      const created = await createApiKey(db, name.data, role.data);
      await appendAudit(db, {
        actor,
        action: 'api_key.created',
        subject: `api-key:${name.data}`,
        details: { role: role.data },
      });
      console.log(`Created ${role.data} key "${name.data}". It is shown once; store it now:`);
      console.log(created.key);
    } catch (err) {
      if (isUniqueViolation(err)) fail(`a key named "${name.data}" already exists`);
      throw err;
    }
  } else if (command === 'list') {
    for (const k of await listApiKeys(db)) {
      const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
      console.log(
        `${k.name}\t${k.role}\t${k.prefix}…\t${state}\tcreated ${k.createdAt.toISOString()}`,
      );
    }
  } else if (command === 'revoke') {
    if (!values.name) fail(`--name is required\n${USAGE}`);
    if (!(await revokeApiKey(db, values.name))) fail(`no active key named "${values.name}"`);
    await appendAudit(db, { actor, action: 'api_key.revoked', subject: `api-key:${values.name}` });
    console.log(`Revoked "${values.name}"; it stops working at once.`);
  } else {
    fail(USAGE);
  }
} catch (err) {
  fail(err instanceof Error ? (err.message.split('\n')[0] ?? 'failed') : String(err));
} finally {
  await db.$disconnect();
}

// `npm run apikey -- create --name NAME --role ROLE [--expires-in 90d] | list | revoke --name NAME`
// The new key is printed once, alone on the last line; only its hash is stored.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { RoleSchema } from '../contracts/api';
import { createApiKey, listApiKeys, parseLifetime, revokeApiKey } from '../platform/api-keys';
import { appendAudit } from '../platform/audit';
import { createDb } from '../platform/db/client';
import { isUniqueViolation } from '../platform/db/errors';

const USAGE =
  'usage: npm run apikey -- create --name NAME --role integration|editor|operator [--expires-in 90d|12h] | list | revoke --name NAME';

function fail(message: string): never {
  process.stderr.write(`apikey: ${message}\n`);
  process.exit(1);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        'expires-in': { type: 'string' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}

const { positionals, values } = parseCommandLine();
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
    const lifetime =
      values['expires-in'] === undefined ? null : parseLifetime(values['expires-in']);
    if (lifetime === null && values['expires-in'] !== undefined) {
      fail(`--expires-in must be days or hours, e.g. 90d or 12h (at most 3650d)\n${USAGE}`);
    }
    const expiresAt = lifetime === null ? undefined : new Date(Date.now() + lifetime);
    try {
      const created = await createApiKey(db, name.data, role.data, { expiresAt });
      await appendAudit(db, {
        actor,
        action: 'api_key.created',
        subject: `api-key:${name.data}`,
        details: { role: role.data, expiresAt: expiresAt?.toISOString() ?? null },
      });
      const until = expiresAt ? `, valid until ${expiresAt.toISOString()}` : '';
      console.log(
        `Created ${role.data} key "${name.data}"${until}. It is shown once; store it now:`,
      );
      console.log(created.key);
    } catch (err) {
      if (isUniqueViolation(err)) fail(`a key named "${name.data}" already exists`);
      throw err;
    }
  } else if (command === 'list') {
    const now = Date.now();
    for (const k of await listApiKeys(db)) {
      const state = k.revokedAt
        ? `revoked ${k.revokedAt.toISOString()}`
        : k.expiresAt && k.expiresAt.getTime() <= now
          ? `expired ${k.expiresAt.toISOString()}`
          : k.expiresAt
            ? `active until ${k.expiresAt.toISOString()}`
            : 'active';
      const used = k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used';
      console.log(
        `${k.name}\t${k.role}\t${k.prefix}…\t${state}\tcreated ${k.createdAt.toISOString()}\t${used}`,
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

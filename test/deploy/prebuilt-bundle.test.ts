// The Docker image's prebuilt workflow bundle: built by deploy/bundle-workflows.ts, used by the
// worker only while it matches the workflow sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BUNDLE_FILE,
  MANIFEST_FILE,
  loadPrebuiltBundle,
  workflowSourceFingerprint,
} from '../../deploy/prebuilt-bundle';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'stargue-bundle-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A repository-shaped directory with a little workflow source and, optionally, a bundle. */
function fakeRepo(name: string): string {
  const repo = path.join(scratch, name);
  mkdirSync(path.join(repo, 'workflows'), { recursive: true });
  mkdirSync(path.join(repo, 'contracts'), { recursive: true });
  writeFileSync(path.join(repo, 'workflows/index.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(repo, 'contracts/ids.ts'), 'export const b = 2;\n');
  writeFileSync(path.join(repo, 'package-lock.json'), '{}\n');
  return repo;
}

function writeBundle(repo: string, fingerprint: string | undefined): void {
  mkdirSync(path.join(repo, 'dist'), { recursive: true });
  writeFileSync(path.join(repo, 'dist', BUNDLE_FILE), '/* bundle */');
  if (fingerprint !== undefined) {
    writeFileSync(
      path.join(repo, 'dist', MANIFEST_FILE),
      JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }),
    );
  }
}

describe('loadPrebuiltBundle', () => {
  it('when there is no dist/workflow-bundle.js, then it returns undefined quietly', () => {
    const repo = fakeRepo('absent');
    const skipped: string[] = [];
    assert.equal(loadPrebuiltBundle({ root: repo, onSkip: (r) => skipped.push(r) }), undefined);
    assert.deepEqual(skipped, []);
  });

  it('when the bundle matches the sources, then it returns its code', () => {
    const repo = fakeRepo('fresh');
    writeBundle(repo, workflowSourceFingerprint(repo));
    assert.deepEqual(loadPrebuiltBundle({ root: repo }), { code: '/* bundle */' });
  });

  it('when a workflow or contract changed after bundling, then it is skipped with the reason', () => {
    for (const file of ['workflows/index.ts', 'contracts/ids.ts', 'package-lock.json']) {
      const repo = fakeRepo(`stale-${path.basename(file)}`);
      writeBundle(repo, workflowSourceFingerprint(repo));
      writeFileSync(path.join(repo, file), '// edited\n');
      const skipped: string[] = [];
      assert.equal(loadPrebuiltBundle({ root: repo, onSkip: (r) => skipped.push(r) }), undefined);
      assert.equal(skipped.length, 1, file);
      assert.match(skipped[0] ?? '', /workflow sources changed/);
    }
  });

  it('when a workflow file is added, then the fingerprint changes', () => {
    const repo = fakeRepo('added');
    const before = workflowSourceFingerprint(repo);
    writeFileSync(path.join(repo, 'workflows/other.workflow.ts'), 'export {};\n');
    assert.notEqual(workflowSourceFingerprint(repo), before);
  });

  it('when the manifest is missing, then the bundle is not trusted', () => {
    const repo = fakeRepo('no-manifest');
    writeBundle(repo, undefined);
    const skipped: string[] = [];
    assert.equal(loadPrebuiltBundle({ root: repo, onSkip: (r) => skipped.push(r) }), undefined);
    assert.match(skipped[0] ?? '', /workflow-bundle\.json is missing/);
  });

  it('when deploy/bundle-workflows.ts runs (as the Docker build does), then the worker can load its output', () => {
    const out = path.join(scratch, 'built');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'deploy/bundle-workflows.ts', out],
      { cwd: root, encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    const bundle = loadPrebuiltBundle({ dir: out, onSkip: (r) => assert.fail(r) });
    assert.ok(bundle && 'code' in bundle);
    assert.match(bundle.code, /contentWorkflow/);

    // The same bundle against a copy of what it is built from: trusted until the workflow code,
    // or the bundler options beside the worker (which modules are preloaded), change.
    const copyOf = (name: string): string => {
      const copy = path.join(scratch, name);
      for (const dir of ['workflows', 'contracts']) {
        cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
      }
      for (const file of ['package-lock.json', 'worker/create-worker.ts']) {
        cpSync(path.join(root, file), path.join(copy, file));
      }
      assert.ok(loadPrebuiltBundle({ root: copy, dir: out }));
      return copy;
    };
    const workflowChanged = copyOf('workflow-changed');
    writeFileSync(path.join(workflowChanged, 'workflows/index.ts'), '// changed\n', { flag: 'a' });
    assert.equal(loadPrebuiltBundle({ root: workflowChanged, dir: out }), undefined);
    const optionsChanged = copyOf('options-changed');
    writeFileSync(path.join(optionsChanged, 'worker/create-worker.ts'), '// changed\n', {
      flag: 'a',
    });
    assert.equal(loadPrebuiltBundle({ root: optionsChanged, dir: out }), undefined);
  });
});

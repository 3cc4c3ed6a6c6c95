import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedBundle } from '../helpers/stack';

// What the workflow bundle holds costs memory in every worker thread, and whatever the worker
// does not preload is evaluated again for every workflow it caches (RELIABILITY.md G4). Lint
// keeps zod out of workflow files; this checks what webpack actually pulled in and preloads.
describe('workflow bundle', () => {
  it('when the workflows are bundled, then only Temporal and its small helpers are in it', async () => {
    const { code } = await sharedBundle();
    const packages = new Set(
      [...code.matchAll(/\.\/node_modules\/((?:@[^/\s"']+\/)?[^/\s"']+)/g)].map((m) => m[1]),
    );
    assert.ok(packages.has('@temporalio/workflow'), 'the bundle was inspected');
    for (const heavy of ['zod', 'pino', 'gray-matter', '@prisma/client', 'unified', 'yaml']) {
      assert.equal(packages.has(heavy), false, `${heavy} must not be in the workflow bundle`);
    }
  });

  it('when the workflows are bundled, then the worker preloads them once rather than per workflow', async () => {
    const { code } = await sharedBundle();
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code);
    assert.ok(preload, 'the bundle has a preload step');
    assert.match(preload[1]!, /"\.\/workflows\/index\.ts"/);
  });
});

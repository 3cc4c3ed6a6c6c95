import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { sharedBundle } from '../helpers/stack';

// Histories recorded from real runs of every path (`npm run histories:capture`), one folder per
// shape the workflow has had. Replaying them through today's code fails on any non-deterministic
// change: such changes need patched(), and running workflows of every shape must keep working.
const root = path.join(import.meta.dirname, 'fixtures/histories');
/** Every path capture-histories.ts records since per-channel publishing. */
const CURRENT_PATHS = [
  'cancelled',
  'channel-reauthorized',
  'halted',
  'partially-published',
  'published',
  'refused',
  'rejected',
  'released',
  'rescheduled',
  'two-channels',
];
const SHAPES: Record<string, string[]> = {
  'before-hot-path': ['cancelled', 'halted', 'published', 'rejected', 'rescheduled'],
  'hot-path-v2': [
    'cancelled',
    'halted',
    'published',
    'refused',
    'rejected',
    'released',
    'rescheduled',
  ],
  channels: CURRENT_PATHS,
  'lean-visibility': CURRENT_PATHS,
};

describe('workflow replay', () => {
  for (const [shape, paths] of Object.entries(SHAPES)) {
    it(`when every ${shape} history is replayed through the current code, then none diverges`, async () => {
      const dir = path.join(root, shape);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      assert.deepEqual(
        files.map((f) => f.replace(/\.json$/, '')),
        paths,
      );
      const histories = files.map((f) => ({
        workflowId: `${shape}/${f}`,
        history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))),
      }));
      const bundle = await sharedBundle();
      let replayed = 0;
      for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
        assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
        replayed++;
      }
      assert.equal(replayed, paths.length);
    });
  }
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { sharedBundle } from '../helpers/stack';

// Histories recorded from real runs of every path (`npm run histories:capture`). Replaying them
// through today's code fails on any non-deterministic change: such changes need patched().
const dir = path.join(import.meta.dirname, 'fixtures/histories');
const EXPECTED_PATHS = ['cancelled', 'halted', 'published', 'rejected', 'rescheduled'];

describe('workflow replay', () => {
  it('when every recorded history is replayed through the current code, then none diverges', async () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(
      files.map((f) => f.replace(/\.json$/, '')),
      EXPECTED_PATHS,
    );
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))),
    }));
    const bundle = await sharedBundle();
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
      replayed++;
    }
    assert.equal(replayed, EXPECTED_PATHS.length);
  });
});

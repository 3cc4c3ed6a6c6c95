// G5: the production worker (`npm run worker`, spawned by the test helper) is SIGKILLed while
// the stand-in holds the publish request; LinkedIn then commits it, and the worker is back 2 s
// later. Time = request held → item terminal. Baseline: the same flow, the hold released with
// the worker alive. Bound: startToClose 60 s + retry interval 2 s + 15 s; exactly one post.
import type { Stack } from '../test/helpers/stack';
import { spawnWorker, waitForExit } from '../test/helpers/worker-process';
import type { Harness } from './harness';
import { approveOurs, nextId, ourHandle, StatusWatcher, submitOurs } from './items';
import { runPairs } from './pairs';
import { round, spread } from './stats';

export interface G5Plan {
  pairs: number;
  restartAfterMs: number;
}

interface ArmRun {
  seconds: number;
  status: string;
  posts: number;
}

const BOUND_SECONDS = 60 + 2 + 15;
type WorkerProcess = ReturnType<typeof spawnWorker>;

export async function runG5(h: Harness, plan: G5Plan, log: (line: string) => void) {
  const taskQueue = `${h.ours.taskQueue}-g5`;
  // spawnWorker reads only the configuration and the task queue of a test stack.
  const stack = { config: h.config, taskQueue } as Stack;
  const lane: Harness = { ...h, publishing: { ...h.publishing, taskQueue } };
  const watcher = new StatusWatcher(h);
  let worker = await started(spawnWorker(stack));

  const arm = (kill: boolean) => async (): Promise<ArmRun> => {
    const id = nextId(kill ? 'g5-kill' : 'g5');
    await h.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    await submitOurs(lane, id);
    await watcher.until(id, 'awaiting_approval');
    await approveOurs(lane, id);
    const held = await h.standIn.waitForHeldRequest(60_000);
    const t0 = Date.now();
    if (kill) {
      worker.kill('SIGKILL');
      await waitForExit(worker);
      await h.standIn.release(held.id);
      await new Promise((resolve) => setTimeout(resolve, plan.restartAfterMs));
      worker = await started(spawnWorker(stack));
    } else {
      await h.standIn.release(held.id);
    }
    const status = await terminal(lane, id, (BOUND_SECONDS + 30) * 1000);
    const seconds = round((Date.now() - t0) / 1000, 2);
    const posts = (await h.standIn.ledger()).filter((p) => p.commentary.includes(`${id} `));
    return { seconds, status, posts: posts.length };
  };

  try {
    const result = await runPairs({
      name: 'G5',
      warmup: 0,
      pairs: plan.pairs,
      ours: arm(true),
      bare: arm(false),
      ratio: (k, n) => k.seconds / n.seconds,
      describe: (r) => `${r.seconds} s to ${r.status}, ${r.posts} post(s)`,
      log,
    });
    const kills = result.pairs.map((p) => p.ours);
    const ok = (r: ArmRun) => r.status === 'published' && r.posts === 1;
    return {
      ratio: result.ratio,
      pass:
        kills.every((r) => ok(r) && r.seconds <= BOUND_SECONDS) &&
        result.pairs.every((p) => ok(p.bare)),
      threshold: `terminal <= ${BOUND_SECONDS} s after the kill (60 s startToClose + 2 s retry + 15 s); one post; ratio reported`,
      boundSeconds: BOUND_SECONDS,
      withKillSeconds: spread(kills.map((r) => r.seconds)),
      withoutKillSeconds: spread(result.pairs.map((p) => p.bare.seconds)),
      pairs: result.pairs.map((p) => ({ withKill: p.ours, withoutKill: p.bare })),
    };
  } finally {
    worker.kill('SIGTERM');
    await waitForExit(worker);
  }
}

async function started(worker: WorkerProcess): Promise<WorkerProcess> {
  const deadline = Date.now() + 60_000;
  while (!worker.output().includes('worker running')) {
    if (worker.exitCode !== null || Date.now() > deadline) {
      throw new Error(`G5 worker did not start: ${worker.output().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return worker;
}

/** The item's status once terminal, or what it was when the time ran out. */
async function terminal(h: Harness, id: string, timeoutMs: number): Promise<string> {
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve('timeout'), timeoutMs).unref(),
  );
  const done = ourHandle(h, id)
    .result()
    .then((state) => state.status);
  return Promise.race([done, timeout]);
}

// G5: our worker process is SIGKILLed while the stand-in holds the publish request; LinkedIn then
// commits the post with no one listening (the W2 drill), and the worker is back 2 s later. Time =
// request held → item terminal. Baseline: the same flow, the hold released with the worker alive.
// Bound: startToClose 60 s + retry interval 2 s + 15 s; exactly one post.
import type { Harness } from './harness';
import { nextId, sleep, within } from './items';
import { OurApi, startOurWorker, StatusWatcher } from './ours';
import { runPairs } from './pairs';
import type { Child } from './processes';
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

export const G5_BOUND_SECONDS = 60 + 2 + 15;

export async function runG5(h: Harness, plan: G5Plan, log: (line: string) => void) {
  const taskQueue = h.queue('g5');
  const api = await OurApi.start(h.ours, taskQueue, 'g5-our-api');
  const watcher = new StatusWatcher(h.db);
  const start = () => startOurWorker(h.ours, taskQueue, 'g5-our-worker');
  let worker: Child = await start();

  const arm = (kill: boolean) => async (): Promise<ArmRun> => {
    const id = nextId(kill ? 'g5-kill' : 'g5');
    await h.holdNextPost();
    await api.submit(id);
    await within(watcher.until(id, 'awaiting_approval'), 60_000, `${id} awaiting approval`);
    await api.approveOk(id);
    const held = await h.standIn.waitForHeldRequest(60_000);
    const t0 = Date.now();
    if (kill) {
      await worker.kill();
      await h.standIn.release(held.id);
      await sleep(plan.restartAfterMs);
      worker = await start();
    } else {
      await h.standIn.release(held.id);
    }
    const status = await within(watcher.until(id, 'published'), (G5_BOUND_SECONDS + 30) * 1000, id)
      .then(() => 'published')
      .catch(async () => (await watcher.statuses([id])).get(id) ?? 'unknown');
    const seconds = round((Date.now() - t0) / 1000, 2);
    return { seconds, status, posts: (await h.ledger()).get(id)?.count ?? 0 };
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
        kills.every((r) => ok(r) && r.seconds <= G5_BOUND_SECONDS) &&
        result.pairs.every((p) => ok(p.bare)),
      threshold: `terminal <= ${G5_BOUND_SECONDS} s after the kill (60 s startToClose + 2 s retry + 15 s); one post; ratio (with ÷ without the kill) reported, not gated`,
      boundSeconds: G5_BOUND_SECONDS,
      withKillSeconds: spread(kills.map((r) => r.seconds)),
      withoutKillSeconds: spread(result.pairs.map((p) => p.bare.seconds)),
      pairs: result.pairs.map((p) => ({ withKill: p.ours, withoutKill: p.bare })),
    };
  } finally {
    await Promise.all([worker.stop(), api.child.stop()]);
  }
}

// G6: the Temporal server is SIGKILLed and restarted on the same database file with items in
// every state: awaiting approval, approved and due during the outage (overdue at restart),
// approved and due after it, mid-publish (the stand-in holding the request), and just submitted.
// Each arm gets its own outage (A B A B). Afterwards every item must be published exactly once,
// none early, and the overdue items' posts must follow "ready" by at most bare's p99 + 1 s.
import type { Harness } from './harness';
import { forEachLimit, nextId, sleep, untilBareStage, within } from './items';
import { startOurWorker } from './ours';
import { runPairs } from './pairs';
import { distribution, round, spread, type Distribution } from './stats';

export interface G6Plan {
  overdue: number;
  /** Items in each of the other states (awaiting, due later, just submitted). */
  perState: number;
  outageMs: number;
  concurrency: number;
  warmup: number;
  pairs: number;
  /** The first pair's lead time per arm; later pairs size it from the last setup. */
  firstLeadMs: { ours: number; bare: number };
}

interface ArmRun {
  /** Overdue items: stand-in receipt − the moment the restarted server answered. */
  afterReady: Distribution;
  items: number;
  recovered: number;
  early: number;
  duplicates: number;
  marginSeconds: number;
  restartSeconds: number;
  workerRestarts: number;
}

export const G6_SLACK_MS = 1000;
const SETTLE_MS = 10_000;
const DRAIN_TIMEOUT_MS = 240_000;
const LATER_MS = 10_000;

type Kind = 'overdue' | 'later' | 'awaiting' | 'held' | 'fresh';

export async function runG6(h: Harness, plan: G6Plan, log: (line: string) => void) {
  const lead = { ...plan.firstLeadMs };

  const arm = (name: 'ours' | 'bare') => async (): Promise<ArmRun> => {
    const ids: Record<Kind, string[]> = {
      overdue: [],
      later: [],
      awaiting: [],
      held: [],
      fresh: [],
    };
    const make = (kind: Kind, n: number) => {
      ids[kind] = Array.from({ length: n }, () => nextId(`g6-${name}-${kind}`));
    };
    make('overdue', plan.overdue);
    make('later', plan.perState);
    make('awaiting', plan.perState);
    make('held', 1);
    make('fresh', plan.perState);
    const started = Date.now();
    const due = started + lead[name];
    const laterDue = due + plan.outageMs + LATER_MS;
    const dueOf = (kind: Kind) => (kind === 'later' ? laterDue : kind === 'held' ? undefined : due);

    // Setup: everything but the held and fresh items.
    const setup = (['overdue', 'later', 'awaiting', 'held'] as const).flatMap((kind) =>
      ids[kind].map((id) => ({ id, kind })),
    );
    await forEachLimit(setup, plan.concurrency, async ({ id, kind }) => {
      const at = dueOf(kind);
      const approve = kind === 'overdue' || kind === 'later';
      if (name === 'ours') {
        await h.ours.api.submit(id, at === undefined ? undefined : new Date(at));
        await h.ours.watcher.until(id, 'awaiting_approval');
        if (approve) await h.ours.api.approveOk(id);
      } else {
        await h.bare.start({ key: id, ...(at === undefined ? {} : { dueMs: at }) });
        if (approve) await h.bare.approve(id);
        else await untilBareStage(h, id, 'awaiting');
      }
    });
    const ready = Date.now();
    lead[name] = (ready - started) * 1.3 + SETTLE_MS;
    // Kill half an outage before the items fall due, so they are overdue when it comes back.
    await sleep(due - plan.outageMs / 2 - Date.now());

    // Mid-publish: the held item's post is in the stand-in's hands when the server dies.
    await h.holdNextPost();
    if (name === 'ours') await h.ours.api.approveOk(ids.held[0]!);
    else await h.bare.approve(ids.held[0]!);
    const held = await h.standIn.waitForHeldRequest(30_000);
    for (const id of ids.fresh) {
      if (name === 'ours') await h.ours.api.submit(id);
      else await h.bare.start({ key: id });
    }
    const margin = round((due - Date.now()) / 1000, 1);

    await h.server.kill();
    const restartStarted = Date.now() + plan.outageMs;
    try {
      await sleep(plan.outageMs);
    } finally {
      // Whatever happens, the server comes back for the goals after this one.
      await h.server.restart();
    }
    const up = Date.now();
    const workerRestarts = await superviseWorkers(h);
    await h.standIn.release(held.id);

    // Decisions after the restart: the awaiting and the fresh items.
    await forEachLimit([...ids.awaiting, ...ids.fresh], plan.concurrency, async (id) => {
      if (name === 'ours') {
        await within(h.ours.watcher.until(id, 'awaiting_approval'), 120_000, `${id} awaiting`);
        // A 409 after a 503 means the first attempt landed after all.
        await untilAccepted(async () => {
          const answer = await h.ours.api.approve(id);
          return (
            answer.status === 200 ||
            (answer.status === 409 && (await h.ours.api.approvals(id)) === 1)
          );
        });
      } else {
        await untilAccepted(() => h.bare.approve(id).then(() => true));
      }
    });

    const all = Object.values(ids).flat();
    const done = await Promise.allSettled(
      all.map((id) =>
        within(
          name === 'ours' ? h.ours.watcher.until(id, 'published') : h.bare.result(id),
          DRAIN_TIMEOUT_MS,
          id,
        ),
      ),
    );
    const ledger = await h.ledger();
    const posts = all.map((id) => ({ id, post: ledger.get(id) }));
    const scheduled = new Map(
      [...ids.overdue, ...ids.later, ...ids.awaiting].map((id) => [
        id,
        ids.later.includes(id) ? laterDue : due,
      ]),
    );
    return {
      afterReady: distribution(ids.overdue.map((id) => (ledger.get(id)?.first ?? NaN) - up)),
      items: all.length,
      recovered: done.filter((d) => d.status === 'fulfilled').length,
      early: posts.filter((p) => p.post && p.post.first < (scheduled.get(p.id) ?? 0)).length,
      duplicates: posts.filter((p) => (p.post?.count ?? 0) > 1).length,
      marginSeconds: margin,
      restartSeconds: round((up - restartStarted) / 1000, 1),
      workerRestarts,
    };
  };

  const result = await runPairs({
    name: 'G6',
    warmup: plan.warmup,
    pairs: plan.pairs,
    ours: arm('ours'),
    bare: arm('bare'),
    ratio: (o, b) => o.afterReady.p99 / b.afterReady.p99,
    describe: (r) =>
      `overdue posted p50 ${r.afterReady.p50} p99 ${r.afterReady.p99} ms after ready, ${r.recovered}/${r.items} recovered, ${r.duplicates} dup, ${r.early} early, margin ${r.marginSeconds} s`,
    log,
  });
  const pairs = result.pairs;
  const diff = spread(pairs.map((p) => p.ours.afterReady.p99 - p.bare.afterReady.p99));
  const all = (f: (r: ArmRun) => boolean) => pairs.every((p) => f(p.ours));
  // Valid only if the overdue items fell due while the server was down.
  const overdueAtRestart = (r: ArmRun) =>
    r.marginSeconds > 0 && r.marginSeconds * 1000 < plan.outageMs;
  const valid = pairs.every((p) => overdueAtRestart(p.ours) && overdueAtRestart(p.bare));
  return {
    ratio: result.ratio,
    pass:
      valid &&
      all((r) => r.recovered === r.items && r.duplicates === 0 && r.early === 0) &&
      diff.median <= G6_SLACK_MS,
    threshold: `100 % recover; overdue posted p99 after ready <= bare + ${G6_SLACK_MS} ms (median over pairs); 0 duplicates; never early`,
    valid,
    outageMs: plan.outageMs,
    p99AfterReadyOursMs: spread(pairs.map((p) => p.ours.afterReady.p99)),
    p99AfterReadyBareMs: spread(pairs.map((p) => p.bare.afterReady.p99)),
    p99MinusBareMs: diff,
    recovered: pairs.reduce((n, p) => n + p.ours.recovered, 0),
    items: pairs.reduce((n, p) => n + p.ours.items, 0),
    duplicates: pairs.reduce((n, p) => n + p.ours.duplicates, 0),
    early: pairs.reduce((n, p) => n + p.ours.early, 0),
    pairs: pairs.map((p) => ({ ours: p.ours, bare: p.bare })),
  };
}

/** A process supervisor's job: a worker that gave up during the outage is started again. */
async function superviseWorkers(h: Harness): Promise<number> {
  let restarts = 0;
  if (!h.ours.worker.alive) {
    h.ours.worker = await startOurWorker(h.ours, h.ours.taskQueue, 'our-worker');
    restarts++;
  }
  if (!h.bare.worker.alive) {
    h.bare.worker = await h.bare.startWorker(h.bare.taskQueue, 'bare-worker');
    restarts++;
  }
  return restarts;
}

/** Right after a restart the API may answer 503 for a while: retried, as a client would. */
async function untilAccepted(attempt: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await attempt().catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('approval not accepted within 120 s of the restart');
    await sleep(500);
  }
}

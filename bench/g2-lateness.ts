// G2: 200 approved items due at the same instant; lateness = stand-in receipt − scheduled time,
// against 200 bare workflows sleeping until the same kind of instant and recording when they woke.
import type { Harness } from './harness';
import { approveOurs, forEachLimit, nextId, ourHandle, StatusWatcher, submitOurs } from './items';
import { bareSleeper } from './bare.workflow';
import { runPairs } from './pairs';
import { profileArm } from './profile';
import { distribution, round, spread, type Distribution } from './stats';

export interface G2Plan {
  items: number;
  concurrency: number;
  pairs: number;
  /** G1's rate for our full pipeline: sizes the first lead time (setup must end before due). */
  oursItemsPerSecond: number;
}

interface ArmRun {
  lateness: Distribution;
  /** Due time minus the moment the last item was ready: negative = the pair is not valid. */
  marginSeconds: number;
  setupSeconds: number;
  drainSeconds: number;
  early: number;
  missing: number;
}

const SETTLE_SLACK_MS = 10_000;
const DRAIN_TIMEOUT_MS = 180_000;

export async function runG2(h: Harness, plan: G2Plan, log: (line: string) => void) {
  const watcher = new StatusWatcher(h);
  // A generous first lead (setup is ~5/8 of the full pipeline), then 1.3 × the last setup.
  let oursLeadMs = (plan.items / plan.oursItemsPerSecond) * 1000 + SETTLE_SLACK_MS;
  let bareLeadMs = 15_000;
  const last = { ours: [] as string[], bare: [] as string[] };

  const ours = async (): Promise<ArmRun> => {
    const ids = Array.from({ length: plan.items }, () => nextId('g2'));
    last.ours = ids.map((id) => ourHandle(h, id).workflowId);
    const started = Date.now();
    const due = started + oursLeadMs;
    const scheduled = new Date(due).toISOString();
    await forEachLimit(ids, plan.concurrency, async (id) => {
      await submitOurs(h, id, scheduled);
      await watcher.until(id, 'awaiting_approval');
      await approveOurs(h, id);
    });
    const ready = Date.now();
    oursLeadMs = (ready - started) * 1.3 + SETTLE_SLACK_MS;
    const receipts = await waitFor(async () => {
      const byId = new Map<string, number>();
      for (const p of await h.standIn.ledger()) {
        const id = /Bench item (\S+)/.exec(p.commentary)?.[1];
        if (id) byId.set(id, p.createdAt);
      }
      return ids.map((id) => byId.get(id));
    }, due + DRAIN_TIMEOUT_MS);
    await Promise.allSettled(ids.map((id) => ourHandle(h, id).result()));
    return summarize(receipts, due, ready, started);
  };

  const bare = async (): Promise<ArmRun> => {
    const keys = Array.from({ length: plan.items }, () => nextId('g2-bare'));
    last.bare = keys;
    const started = Date.now();
    const due = started + bareLeadMs;
    await forEachLimit(keys, plan.concurrency, async (key) => {
      await h.temporal.workflow.start(bareSleeper, {
        workflowId: key,
        taskQueue: h.bare.taskQueue,
        args: [key, due],
      });
    });
    const ready = Date.now();
    bareLeadMs = (ready - started) * 1.3 + SETTLE_SLACK_MS;
    const receipts = await waitFor(
      async () => keys.map((key) => h.bare.receipts.get(key)),
      due + DRAIN_TIMEOUT_MS,
    );
    await Promise.allSettled(keys.map((key) => h.temporal.workflow.getHandle(key).result()));
    return summarize(receipts, due, ready, started);
  };

  const result = await runPairs({
    name: 'G2',
    warmup: 0,
    pairs: plan.pairs,
    ours,
    bare,
    ratio: (o, b) => o.lateness.p99 / b.lateness.p99,
    describe: (r) =>
      `p50 ${r.lateness.p50} p99 ${r.lateness.p99} max ${r.lateness.max} ms, margin ${r.marginSeconds} s`,
    log,
  });
  const p99Ours = spread(result.pairs.map((p) => p.ours.lateness.p99));
  const p99Diff = spread(result.pairs.map((p) => p.ours.lateness.p99 - p.bare.lateness.p99));
  const early = result.pairs.reduce((n, p) => n + p.ours.early, 0);
  const missing = result.pairs.reduce((n, p) => n + p.ours.missing, 0);
  const valid = result.pairs.every((p) => p.ours.marginSeconds > 0 && p.bare.marginSeconds > 0);
  return {
    ratio: result.ratio,
    pass: valid && early === 0 && missing === 0 && p99Ours.median <= 2000 && p99Diff.median <= 250,
    threshold:
      'never early; p99 <= 2000 ms; p99 <= bare p99 + 250 ms (ratio = p99 ours / p99 bare)',
    items: plan.items,
    valid,
    early,
    missing,
    p99OursMs: p99Ours,
    p99MinusBareMs: p99Diff,
    // RELIABILITY.md: the burst should drain within 1.2 × items / G1 rate (reported, not gated).
    drainSeconds: spread(result.pairs.map((p) => p.ours.drainSeconds)),
    drainBoundSeconds: round((1.2 * plan.items) / plan.oursItemsPerSecond, 1),
    pairs: result.pairs.map((p) => ({ ours: p.ours, bare: p.bare })),
    profile: { ours: await profileArm(h, last.ours), bare: await profileArm(h, last.bare) },
  };
}

function summarize(
  receipts: (number | undefined)[],
  due: number,
  ready: number,
  started: number,
): ArmRun {
  const got = receipts.filter((r): r is number => r !== undefined);
  const lateness = got.map((r) => r - due);
  return {
    lateness: distribution(lateness),
    marginSeconds: round((due - ready) / 1000, 1),
    setupSeconds: round((ready - started) / 1000, 1),
    drainSeconds: round((Math.max(...got) - due) / 1000, 1),
    early: lateness.filter((l) => l < 0).length,
    missing: receipts.length - got.length,
  };
}

/** Polls until every slot is filled or the deadline passes; returns what arrived. */
async function waitFor(
  read: () => Promise<(number | undefined)[]>,
  deadline: number,
): Promise<(number | undefined)[]> {
  for (;;) {
    const values = await read();
    if (values.every((v) => v !== undefined) || Date.now() > deadline) return values;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

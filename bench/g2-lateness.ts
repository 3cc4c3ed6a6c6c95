// G2: 200 approved items due at one instant; lateness = stand-in receipt − scheduled time. Bare:
// 200 bare items (the same minimal shape) approved and due at an instant of their own, posting to
// the same stand-in. Gate: never early, p99 ours ≤ p99 bare + 1 s (median over pairs).
import type { Harness } from './harness';
import { forEachLimit, nextId, sleep } from './items';
import { ourWorkflowId } from './ours';
import { runPairs } from './pairs';
import { profileArm } from './profile';
import { distribution, round, spread, type Distribution } from './stats';

export interface G2Plan {
  items: number;
  concurrency: number;
  warmup: number;
  pairs: number;
  /** The first pair's lead time per arm; later pairs size it from the last setup. */
  firstLeadMs: { ours: number; bare: number };
}

interface ArmRun {
  lateness: Distribution;
  /** Due time minus the moment the last item was ready: ≤ 0 makes the pair invalid. */
  marginSeconds: number;
  setupSeconds: number;
  drainSeconds: number;
  early: number;
  missing: number;
  duplicates: number;
}

export const G2_SLACK_MS = 1000;
const SETTLE_MS = 10_000;
const DRAIN_TIMEOUT_MS = 240_000;

export async function runG2(h: Harness, plan: G2Plan, log: (line: string) => void) {
  // A first lead generous for this machine, then 1.3 × the last setup plus a settle.
  const lead = { ...plan.firstLeadMs };
  const last = { ours: [] as string[], bare: [] as string[] };

  const arm = (name: 'ours' | 'bare') => async (): Promise<ArmRun> => {
    const ids = Array.from({ length: plan.items }, () =>
      nextId(name === 'ours' ? 'g2' : 'g2-bare'),
    );
    last[name] = name === 'ours' ? ids.map(ourWorkflowId) : ids;
    const started = Date.now();
    const due = started + lead[name];
    await h.pinPostgres();
    await forEachLimit(ids, plan.concurrency, async (id) => {
      if (name === 'ours') {
        await h.ours.api.submit(id, new Date(due));
        await h.ours.watcher.until(id, 'awaiting_approval');
        await h.ours.api.approveOk(id);
      } else {
        await h.bare.start({ key: id, dueMs: due });
        await h.bare.approve(id);
      }
    });
    const ready = Date.now();
    lead[name] = (ready - started) * 1.3 + SETTLE_MS;
    const receipts = await receiptsOf(h, ids, due + DRAIN_TIMEOUT_MS);
    return summarize(receipts, due, ready, started);
  };

  const result = await runPairs({
    name: 'G2',
    warmup: plan.warmup,
    pairs: plan.pairs,
    ours: arm('ours'),
    bare: arm('bare'),
    ratio: (o, b) => o.lateness.p99 / b.lateness.p99,
    describe: (r) =>
      `p50 ${r.lateness.p50} p99 ${r.lateness.p99} max ${r.lateness.max} ms, margin ${r.marginSeconds} s, early ${r.early}`,
    log,
  });
  const counted = result.pairs;
  const p99Diff = spread(counted.map((p) => p.ours.lateness.p99 - p.bare.lateness.p99));
  const sum = (f: (r: ArmRun) => number) => counted.reduce((n, p) => n + f(p.ours), 0);
  const early = sum((r) => r.early);
  const missing = sum((r) => r.missing);
  const duplicates = sum((r) => r.duplicates);
  const valid = counted.every((p) => p.ours.marginSeconds > 0 && p.bare.marginSeconds > 0);
  return {
    ratio: result.ratio,
    pass:
      valid && early === 0 && missing === 0 && duplicates === 0 && p99Diff.median <= G2_SLACK_MS,
    threshold: `never early; p99 ours − p99 bare <= ${G2_SLACK_MS} ms (median over pairs); ratio p99 ours ÷ bare reported`,
    items: plan.items,
    setupApprovalsRetriedAfter503: h.ours.api.retried503,
    valid,
    early,
    missing,
    duplicates,
    p99OursMs: spread(counted.map((p) => p.ours.lateness.p99)),
    p99BareMs: spread(counted.map((p) => p.bare.lateness.p99)),
    p99MinusBareMs: p99Diff,
    pairs: counted.map((p) => ({ ours: p.ours, bare: p.bare })),
    profile: { ours: await profileArm(h, last.ours), bare: await profileArm(h, last.bare) },
  };
}

/** Polls the stand-in's ledger until every item has posted or the deadline passes. */
async function receiptsOf(h: Harness, ids: string[], deadline: number) {
  for (;;) {
    const ledger = await h.ledger();
    const got = ids.map((id) => ledger.get(id));
    if (got.every((g) => g !== undefined) || Date.now() > deadline) return got;
    await sleep(250);
  }
}

function summarize(
  receipts: ({ first: number; count: number } | undefined)[],
  due: number,
  ready: number,
  started: number,
): ArmRun {
  const got = receipts.filter((r) => r !== undefined);
  const lateness = got.map((r) => r.first - due);
  return {
    lateness: distribution(lateness),
    marginSeconds: round((due - ready) / 1000, 1),
    setupSeconds: round((ready - started) / 1000, 1),
    drainSeconds: round(Math.max(...lateness, 0) / 1000, 1),
    early: lateness.filter((l) => l < 0).length,
    missing: receipts.length - got.length,
    duplicates: got.filter((r) => r.count > 1).length,
  };
}

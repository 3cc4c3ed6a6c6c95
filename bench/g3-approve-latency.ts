// G3: approve → acknowledged through our API process (auth, Update, whatever the route does)
// against a bare Fastify route (its own process) sending the same Update to a bare item whose
// handler runs one no-op activity. Open loop: each editor sends at a fixed interval whatever the
// answers, and latency counts from the intended send time (no coordinated omission). Afterwards a
// few items are approved again: the repeat must add no second approval.
import path from 'node:path';
import type { Harness } from './harness';
import { forEachLimit, nextId, untilBareStage } from './items';
import { createEditorKeys, ourWorkflowId } from './ours';
import { runPairs } from './pairs';
import { Child } from './processes';
import { profileArm, traceApprovals, type ApprovalTrace, type ArmProfile } from './profile';
import { distribution, spread, type Distribution, type Spread } from './stats';

export interface G3Plan {
  /** Editors at once, with how many approvals each sends per arm. */
  levels: { editors: number; requestsPerEditor: number }[];
  intervalMs: number;
  warmup: number;
  pairs: number;
  poolConcurrency: number;
  /** Items approved a second time per arm (ours): "a repeated approve has one effect". */
  repeats: number;
}

export interface G3Level {
  ratio: Spread;
  pass: boolean;
  errors: number;
  bareErrors: number;
  repeats: { sent: number; answers: Record<string, number>; secondApprovals: number };
  requestsPerArm: number;
  approvalsPerSecond: number;
  p99OursMs: Spread;
  p99BareMs: Spread;
  /** Every pair's samples together: the p99 with the most samples behind it. */
  pooledOurs: Distribution;
  pooledBare: Distribution;
  profileOurs: ArmProfile;
  /** Our slowest approvals of each measured pair, split at their Update's workflow task. */
  slowestOurs: ApprovalTrace[];
  pairs: { ours: Distribution; bare: Distribution; ratio: number }[];
}

interface ArmRun {
  latency: Distribution;
  errors: number;
  samples: number[];
  /** Per request: its index, when it was due to be sent (epoch ms) and its latency. */
  sent: { index: number; sentAt: number; latencyMs: number }[];
}

/** Slowest approvals traced per pair. */
const TRACED_PER_PAIR = 3;

export const G3_THRESHOLD = 1.3;
const FAR_FUTURE_MS = 7 * 86_400_000;

export async function runG3(h: Harness, plan: G3Plan, log: (line: string) => void) {
  let bareUrl = '';
  const bareApi = await Child.start({
    name: 'bare-api',
    entry: path.join(import.meta.dirname, 'bare-api.ts'),
    env: h.bare.env(h.bare.taskQueue),
    ready: (child) =>
      new Promise((resolve) =>
        child.process.once('message', (m) => {
          bareUrl = (m as { url: string }).url;
          resolve();
        }),
      ),
    logFile: path.join(h.logDir, 'bare-api.log'),
  });
  const maxEditors = Math.max(...plan.levels.map((l) => l.editors));
  const keys = await createEditorKeys(h.ours, maxEditors, 'g3-editor');

  const levels: Record<string, G3Level> = {};
  try {
    for (const level of plan.levels) {
      const count = level.editors * level.requestsPerEditor;
      const due = Date.now() + FAR_FUTURE_MS;
      let lastOurs: string[] = [];
      let oursRuns = 0;
      const slowestOurs: ApprovalTrace[] = [];
      const repeats = { sent: 0, answers: {} as Record<string, number>, secondApprovals: 0 };
      const ours = async (): Promise<ArmRun> => {
        const ids = Array.from({ length: count }, () => nextId('g3'));
        lastOurs = ids.map(ourWorkflowId);
        await forEachLimit(ids, plan.poolConcurrency, async (id) => {
          await h.ours.api.submit(id, new Date(due));
          await h.ours.watcher.until(id, 'awaiting_approval');
        });
        await h.pinPostgres();
        const run = await openLoop(level, plan.intervalMs, (editor, i) =>
          h.ours.api.approve(ids[i]!, keys[editor]),
        );
        // The warm-up pair's are not kept; the measured pairs' explain their p99.
        if (oursRuns++ >= plan.warmup) {
          const slow = [...run.sent].sort((a, b) => b.latencyMs - a.latencyMs);
          const picked = slow.slice(0, TRACED_PER_PAIR).map((r) => ({
            workflowId: lastOurs[r.index]!,
            sentAt: r.sentAt,
            latencyMs: r.latencyMs,
          }));
          slowestOurs.push(...(await traceApprovals(h, picked)));
        }
        // The approved items settle into their sleep before anything else is timed.
        await forEachLimit(ids, plan.poolConcurrency, (id) =>
          h.ours.watcher.until(id, 'scheduled'),
        );
        for (const id of ids.slice(0, plan.repeats)) {
          const again = await h.ours.api.approve(id);
          repeats.sent += 1;
          repeats.answers[again.status] = (repeats.answers[again.status] ?? 0) + 1;
          if ((await h.ours.api.approvals(id)) !== 1) repeats.secondApprovals += 1;
        }
        return run;
      };
      const bare = async (): Promise<ArmRun> => {
        const ids = Array.from({ length: count }, () => nextId('g3-bare'));
        await forEachLimit(ids, plan.poolConcurrency, async (key) => {
          await h.bare.start({ key, dueMs: due, recordApproval: true });
          await untilBareStage(h, key, 'awaiting');
        });
        const run = await openLoop(level, plan.intervalMs, async (_editor, i) => {
          const response = await fetch(`${bareUrl}/bare/${ids[i]}/approve`, { method: 'POST' });
          return { status: response.status, body: await response.text() };
        });
        await forEachLimit(ids, plan.poolConcurrency, (key) => untilBareStage(h, key, 'sleeping'));
        return run;
      };
      const result = await runPairs({
        name: `G3 c=${level.editors}`,
        warmup: plan.warmup,
        pairs: plan.pairs,
        ours,
        bare,
        ratio: (o, b) => o.latency.p99 / b.latency.p99,
        describe: (r) =>
          `p50 ${r.latency.p50} p99 ${r.latency.p99} max ${r.latency.max} ms, ${r.errors} errors`,
        log,
      });
      for (const t of [...slowestOurs].sort((a, b) => b.latencyMs - a.latencyMs).slice(0, 3)) {
        log(
          `G3 c=${level.editors} slow approval ${t.latencyMs} ms: ${t.beforeTaskMs} before its task, ${t.taskQueuedMs} queued, ${t.taskRunMs} in the task, ${t.afterTaskMs} after`,
        );
      }
      const errors = result.pairs.reduce((n, p) => n + p.ours.errors, 0);
      const repeatOk =
        repeats.secondApprovals === 0 &&
        Object.keys(repeats.answers).every((s) => s === '200' || s === '409');
      levels[`c${level.editors}`] = {
        ratio: result.ratio,
        pass: result.ratio.median <= G3_THRESHOLD && errors === 0 && repeatOk,
        errors,
        bareErrors: result.pairs.reduce((n, p) => n + p.bare.errors, 0),
        repeats,
        requestsPerArm: count,
        approvalsPerSecond: (level.editors * 1000) / plan.intervalMs,
        p99OursMs: spread(result.pairs.map((p) => p.ours.latency.p99)),
        p99BareMs: spread(result.pairs.map((p) => p.bare.latency.p99)),
        pooledOurs: distribution(result.pairs.flatMap((p) => p.ours.samples)),
        pooledBare: distribution(result.pairs.flatMap((p) => p.bare.samples)),
        profileOurs: await profileArm(h, lastOurs),
        slowestOurs,
        pairs: result.pairs.map((p) => ({
          ours: p.ours.latency,
          bare: p.bare.latency,
          ratio: p.ratio,
        })),
      };
    }
  } finally {
    await bareApi.stop(5_000);
  }
  const worst = Object.values(levels).sort((a, b) => b.ratio.median - a.ratio.median)[0]!;
  return {
    ratio: worst.ratio,
    pass: Object.values(levels).every((l) => l.pass),
    threshold: `p99 ours ÷ p99 bare Update <= ${G3_THRESHOLD} at every level (ratio shown: the worst level); 0 errors; a repeated approve adds no approval`,
    levels,
  };
}

/**
 * Editor e sends request j at t0 + (e / editors + j) × interval: evenly spread phases, a fixed
 * rate per editor. Request index e × requestsPerEditor + j picks a fresh item.
 */
async function openLoop(
  level: { editors: number; requestsPerEditor: number },
  intervalMs: number,
  send: (editor: number, index: number) => Promise<{ status: number }>,
): Promise<ArmRun> {
  const t0 = performance.now() + 50;
  const samples: number[] = [];
  const sent: ArmRun['sent'] = [];
  let errors = 0;
  const requests: Promise<void>[] = [];
  for (let e = 0; e < level.editors; e++) {
    for (let j = 0; j < level.requestsPerEditor; j++) {
      const at = t0 + (e / level.editors + j) * intervalMs;
      const index = e * level.requestsPerEditor + j;
      requests.push(
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
          try {
            if ((await send(e, index)).status !== 200) errors++;
          } catch {
            errors++;
          }
          const latencyMs = performance.now() - at;
          samples.push(latencyMs);
          sent.push({ index, sentAt: performance.timeOrigin + at, latencyMs });
        })(),
      );
    }
  }
  await Promise.all(requests);
  return { latency: distribution(samples), errors, samples, sent };
}

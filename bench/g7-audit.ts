// G7: audit appends per second with 16 concurrent writers ÷ with 1 writer, calling the product's
// `appendAudit` directly against the bench database. Each writer appends transition-like entries
// back to back for a fixed time. ≥ 3 means nothing serializes the write path.
import { createDb } from '../platform/db/client';
import type { Harness } from './harness';
import { nextId } from './items';
import { appendAudit } from './ours';
import { runPairs } from './pairs';
import { round, spread } from './stats';

export interface G7Plan {
  writers: number;
  seconds: number;
  warmup: number;
  pairs: number;
}

interface ArmRun {
  writers: number;
  appends: number;
  appendsPerSecond: number;
}

export const G7_THRESHOLD = 3;

export async function runG7(h: Harness, plan: G7Plan, log: (line: string) => void) {
  // One connection per writer, as 16 worker and API processes would have.
  const db = createDb(h.config.DATABASE_URL, { max: plan.writers });
  await db.$queryRaw`SELECT 1`;
  const arm = (writers: number) => async (): Promise<ArmRun> => {
    await h.pinPostgres();
    let appends = 0;
    const started = performance.now();
    const end = started + plan.seconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < end) {
          const subject = nextId('g7');
          await appendAudit(db, {
            actor: 'workflow',
            action: 'transition',
            subject,
            workflowId: `content:${subject}:v1`,
            fromStatus: 'scheduled',
            toStatus: 'publishing',
            details: { outlet: 'linkedin', attempt: 1 },
            dedupeKey: `${subject}:publishing`,
          });
          appends++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { writers, appends, appendsPerSecond: round(appends / seconds, 1) };
  };
  try {
    const result = await runPairs({
      name: 'G7',
      warmup: plan.warmup,
      pairs: plan.pairs,
      ours: arm(plan.writers),
      bare: arm(1),
      ratio: (many, one) => many.appendsPerSecond / one.appendsPerSecond,
      describe: (r) => `${r.writers} writer(s) ${r.appendsPerSecond}/s`,
      log,
    });
    return {
      ratio: result.ratio,
      pass: result.ratio.median >= G7_THRESHOLD,
      threshold: `appends/s at ${plan.writers} writers ÷ at 1 writer >= ${G7_THRESHOLD}`,
      writers: plan.writers,
      secondsPerArm: plan.seconds,
      manyPerSecond: spread(result.pairs.map((p) => p.ours.appendsPerSecond)),
      onePerSecond: spread(result.pairs.map((p) => p.bare.appendsPerSecond)),
      pairs: result.pairs,
    };
  } finally {
    await db.$disconnect();
  }
}

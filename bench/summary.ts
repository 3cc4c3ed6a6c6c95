// The printed summary: one line per goal, ratio median [min–max] and PASS/MISS.
import type { Spread } from './stats';

type Goal = { ratio: Spread; pass: boolean } & Record<string, unknown>;

const TITLES: Record<string, string> = {
  G1: 'pipeline throughput, ours/bare (>= 0.75)',
  G2: 'publish lateness p99, ours/bare (never early, p99 <= 2 s, <= bare + 250 ms)',
  G3: 'approve -> ack p99, ours/bare (<= 1.3 at every level, 0 errors)',
  G4: 'worker ΔRSS with items sleeping, ours/bare (<= 1.25, within cache bound)',
  G5: 'worker SIGKILL mid-publish, time with/without kill (<= 77 s, one post)',
};

export function summaryLines(goals: Record<string, Goal>): string[] {
  return ['G1', 'G2', 'G3', 'G4', 'G5'].map((name) => {
    const goal = goals[name];
    if (!goal) return `${name}  not run`;
    const r = goal.ratio;
    return `${name}  ${fmt(r.median)} [${fmt(r.min)}–${fmt(r.max)}]  ${goal.pass ? 'PASS' : 'MISS'}  ${TITLES[name]}${detail(name, goal)}`;
  });
}

function fmt(value: number): string {
  return value.toFixed(2);
}

/** The absolute behind each ratio, so a line can be read without the JSON. */
function detail(name: string, g: Goal): string {
  const s = (x: unknown) => (x as Spread).median;
  switch (name) {
    case 'G1':
      return `; ours ${median(g.oursItemsPerSecond)}/s vs bare ${median(g.bareItemsPerSecond)}/s, ${String(g.activitiesPerItem)} activities/item`;
    case 'G2':
      return `; ours p99 ${s(g.p99OursMs)} ms, p99 − bare ${s(g.p99MinusBareMs)} ms, early ${String(g.early)}`;
    case 'G3': {
      const levels = g.levels as Record<string, Goal>;
      return `; ${Object.entries(levels)
        .map(
          ([k, l]) =>
            `${k} ${fmt(l.ratio.median)} (ours p99 ${s(l.p99OursMs)} ms vs signal ${s(l.p99BareMs)} ms, bare Update ${s(l.p99BareUpdateMs)} ms; ${String(l.errors)} errors)`,
        )
        .join('; ')}`;
    }
    case 'G4':
      return `; ${String(g.itemsSleepingPerArm)} items, cache ${String(g.maxCachedWorkflows)}: ours ΔRSS ${String(g.oursDeltaMb)} MB, bare ${String(g.bareDeltaMb)} MB`;
    case 'G5':
      return `; ${s(g.withKillSeconds)} s with kill vs ${s(g.withoutKillSeconds)} s without`;
    default:
      return '';
  }
}

function median(values: unknown): number {
  const sorted = [...(values as number[])].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

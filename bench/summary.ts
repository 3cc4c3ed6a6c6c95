// The printed summary: one line per goal, ratio median [min–max], PASS/MISS, and the absolutes
// behind the ratio so a line can be read without the JSON.
import type { Spread } from './stats';

export type Goal = { ratio: Spread; pass: boolean } & Record<string, unknown>;

const TITLES: Record<string, string> = {
  G1: 'throughput items/s ours ÷ bare minimal shape (>= 0.7)',
  G2: 'lateness of 200 due at once, p99 ours ÷ bare (gate: never early, p99 <= bare + 1 s)',
  G3: 'approve -> ack p99 ours ÷ bare Update route (<= 1.3 at c=10 and c=50, 0 errors, repeat = one effect)',
  G4: 'MB per cached workflow (RSS slope) ours ÷ bare (<= 1.25, RSS rising in every pair; flat past the cache; one post each on wake)',
  G5: 'worker SIGKILL mid-publish, seconds with ÷ without the kill (gate: <= 77 s, one post)',
  G6: 'server SIGKILL + restart, overdue posted after ready p99 ours ÷ bare (gate: 100 % recover, <= bare + 1 s, 0 dup)',
  G7: 'audit appends/s 16 writers ÷ 1 writer (>= 3)',
};

export function summaryLines(goals: Record<string, Goal | undefined>, ran: string[]): string[] {
  return Object.keys(TITLES).map((name) => {
    const goal = goals[name];
    if (!goal) return `${name}  ${ran.includes(name) ? 'FAILED TO RUN (see errors)' : 'not run'}`;
    const r = goal.ratio;
    return `${name}  ${fmt(r.median)} [${fmt(r.min)}–${fmt(r.max)}]  ${goal.pass ? 'PASS' : 'MISS'}  ${TITLES[name]}${detail(name, goal)}`;
  });
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : String(value);
}

function detail(name: string, g: Goal): string {
  const m = (x: unknown) => (x as Spread).median;
  switch (name) {
    case 'G1': {
      const posts = g.posts as { duplicates: number; missing: number };
      return `; ours ${m(g.oursItemsPerSecond)}/s vs bare ${m(g.bareItemsPerSecond)}/s; activities/item ${JSON.stringify(g.activitiesPerItem)}; ${posts.duplicates} dup, ${posts.missing} missing`;
    }
    case 'G2':
      return `; p99 ours ${m(g.p99OursMs)} ms vs bare ${m(g.p99BareMs)} ms (diff ${m(g.p99MinusBareMs)} ms); early ${String(g.early)}, missing ${String(g.missing)}, dup ${String(g.duplicates)}${g.valid ? '' : '; INVALID: items not ready before due'}`;
    case 'G3': {
      const levels = g.levels as Record<string, Goal & Record<string, unknown>>;
      return `; ${Object.entries(levels)
        .map(
          ([k, l]) =>
            `${k} ${fmt(l.ratio.median)} (p99 ours ${m(l.p99OursMs)} ms vs bare ${m(l.p99BareMs)} ms; ${String(l.errors)} errors; repeat ${JSON.stringify((l.repeats as { answers: unknown }).answers)})`,
        )
        .join('; ')}`;
    }
    case 'G4': {
      const flat = g.flat as Record<string, { mbPerItem: number; pass: boolean }>;
      const wake = g.wake as Record<string, { pass: boolean; notOnePost: number }>;
      return `; cache ${String(g.cache)}: ours ${m(g.oursMbPerWorkflow)} MB/wf vs bare ${m(g.bareMbPerWorkflow)}; past the cache ours ${flat.ours?.mbPerItem} MB/item (${flat.ours?.pass ? 'flat' : 'NOT flat'}); wake ${wake.ours?.pass ? 'one post each' : `FAILED (${wake.ours?.notOnePost} not one post)`}${typeof g.unmeasuredPairs === 'number' && g.unmeasuredPairs > 0 ? `; ${g.unmeasuredPairs} pair(s) with falling RSS measured nothing` : ''}`;
    }
    case 'G5':
      return `; ${m(g.withKillSeconds)} s with kill vs ${m(g.withoutKillSeconds)} s without`;
    case 'G6':
      return `; p99 after ready ours ${m(g.p99AfterReadyOursMs)} ms vs bare ${m(g.p99AfterReadyBareMs)} ms (diff ${m(g.p99MinusBareMs)} ms); recovered ${String(g.recovered)}/${String(g.items)}, dup ${String(g.duplicates)}, early ${String(g.early)}${g.valid ? '' : '; INVALID: setup overran the kill'}`;
    case 'G7':
      return `; ${m(g.manyPerSecond)}/s at ${String(g.writers)} writers vs ${m(g.onePerSecond)}/s at 1`;
    default:
      return '';
  }
}

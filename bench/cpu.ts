// CPU time spent per arm, by process: this one (workers, activities, Prisma, stand-in, load), the
// Temporal dev server, and the Postgres backends serving the bench database. On 2 shared cores
// throughput follows CPU, so "CPU ms per item" is the profile that explains a throughput ratio.
import { readFileSync } from 'node:fs';
import type { Harness } from './harness';
import { round } from './stats';

const TICK_MS = 10; // USER_HZ is 100 on Linux (getconf CLK_TCK)

export interface CpuSample {
  bench: number;
  server: number;
  postgres: number;
}

/** utime + stime of a process in ms, 0 when it is gone or /proc is absent. */
function procCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

export async function cpuSample(h: Harness): Promise<CpuSample> {
  // Pooled connections live across arms, so the same backends are read before and after.
  const backends = await h.db.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  const self = process.cpuUsage();
  return {
    bench: (self.user + self.system) / 1000,
    server: procCpuMs(h.server.pid),
    postgres: backends.reduce((sum, b) => sum + procCpuMs(b.pid), 0),
  };
}

/** CPU ms per item between two samples. */
export function cpuPerItem(before: CpuSample, after: CpuSample, items: number): CpuSample {
  const per = (k: keyof CpuSample) => round(Math.max(0, after[k] - before[k]) / items, 1);
  return { bench: per('bench'), server: per('server'), postgres: per('postgres') };
}

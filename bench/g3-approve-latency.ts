// G3: approve → acknowledged through the real API (Fastify, API-key auth, Update on the workflow,
// audit) against a bare Fastify route that only signals a bare pipeline. Open loop: every editor
// sends at a fixed interval whatever the answers, and latency counts from the intended send time
// (no coordinated omission). Both arms' workers are G4's child processes, so the approved items
// become G4's sleeping items. A third, ungated arm sends the bare approval as an Update.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { createApiKey } from '../platform/api-keys';
import { vaultFrom } from '../platform/crypto/keyring';
import { approveSignal, approveUpdate } from './bare.workflow';
import type { G4Workers } from './g4-memory';
import { barePool, forEachLimit, nextId, ourHandle, ourPool, untilBareStage } from './items';
import { runPairs } from './pairs';
import { profileArm, type ArmProfile } from './profile';
import { distribution, spread, type Distribution, type Spread } from './stats';

export interface G3Plan {
  /** Editors at once, with how many approvals each sends per run. */
  levels: { editors: number; requestsPerEditor: number }[];
  intervalMs: number;
  warmup: number;
  pairs: number;
  poolConcurrency: number;
}

export interface G3Level {
  ratio: Spread;
  pass: boolean;
  errors: number;
  bareErrors: number;
  requestsPerArm: number;
  perEditorPerSecond: number;
  p99OursMs: Spread;
  p99BareMs: Spread;
  /** Informational: the bare route sending an Update whose handler records (one activity). */
  p99BareUpdateMs: Spread;
  ratioVsBareUpdate: Spread;
  pooledOurs: Distribution;
  pooledBare: Distribution;
  pooledBareUpdate: Distribution;
  /** The last pair's approved workflows: how long the Update took inside them. */
  profileOurs: ArmProfile;
}

interface ArmRun {
  latency: Distribution;
  errors: number;
  samples: number[];
}

const FAR_FUTURE_MS = 7 * 86_400_000;

export async function runG3(
  w: G4Workers,
  plan: G3Plan,
  log: (line: string) => void,
): Promise<Record<string, G3Level>> {
  const h = w.lane;
  const api = await buildApp({
    publishing: h.publishing,
    log: h.publishing.log,
    readiness: [],
    linkedin: null,
    vault: vaultFrom(h.config),
  });
  const bareApi = bareApp(w);
  const [apiUrl, bareUrl] = await Promise.all([listen(api), listen(bareApi)]);
  const maxEditors = Math.max(...plan.levels.map((l) => l.editors));
  const keys: string[] = [];
  for (let e = 0; e < maxEditors; e++) {
    keys.push((await createApiKey(h.db, `bench-editor-${e}`, 'editor')).key);
  }

  const levels: Record<string, G3Level> = {};
  try {
    for (const level of plan.levels) {
      const count = level.editors * level.requestsPerEditor;
      const due = new Date(Date.now() + FAR_FUTURE_MS);
      let lastOurs: string[] = [];
      const ours = async (): Promise<ArmRun> => {
        const ids = Array.from({ length: count }, () => nextId('g3'));
        lastOurs = ids.map((id) => ourHandle(h, id).workflowId);
        await ourPool(h, w.watcher, ids, due.toISOString(), plan.poolConcurrency);
        const run = await openLoop(level, plan.intervalMs, (editor, i) =>
          fetch(`${apiUrl}/v1/content/${ids[i]}/approve`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${keys[editor]}`,
              'content-type': 'application/json',
            },
            body: '{}',
          }),
        );
        // Let the approved items reach their sleep before the other arm runs.
        await forEachLimit(ids, plan.poolConcurrency, (id) => w.watcher.until(id, 'scheduled'));
        w.ours.items += count;
        return run;
      };
      const bareArm = async (route: 'signal' | 'update'): Promise<ArmRun> => {
        const ids = Array.from({ length: count }, () => nextId(`g3-${route}`));
        await barePool(h, ids, due.getTime(), plan.poolConcurrency);
        const run = await openLoop(level, plan.intervalMs, (_editor, i) =>
          fetch(`${bareUrl}/bare/${ids[i]}/${route}`, { method: 'POST' }),
        );
        await forEachLimit(ids, plan.poolConcurrency, (id) => untilBareStage(h, id, 'sleeping'));
        w.bare.items += count;
        return run;
      };
      // A third arm, after the gated pair: the bare route sending an Update instead, which
      // splits our gap into "Update, not Signal" and "our work around the Update".
      const updates: ArmRun[] = [];
      const bare = async (pair: number): Promise<ArmRun> => {
        const run = await bareArm('signal');
        updates[pair] = await bareArm('update');
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
      await w.sample();
      const errors = result.pairs.reduce((n, p) => n + p.ours.errors, 0);
      const counted = updates.slice(plan.warmup);
      levels[`c${level.editors}`] = {
        ratio: result.ratio,
        pass: result.ratio.median <= 1.3 && errors === 0,
        errors,
        bareErrors: result.pairs.reduce((n, p) => n + p.bare.errors, 0),
        requestsPerArm: count,
        perEditorPerSecond: 1000 / plan.intervalMs,
        p99OursMs: spread(result.pairs.map((p) => p.ours.latency.p99)),
        p99BareMs: spread(result.pairs.map((p) => p.bare.latency.p99)),
        p99BareUpdateMs: spread(counted.map((u) => u.latency.p99)),
        ratioVsBareUpdate: spread(
          result.pairs.map((p, i) => p.ours.latency.p99 / counted[i]!.latency.p99),
        ),
        // Every pair's samples together: the only p99 here with more than a handful behind it.
        pooledOurs: distribution(result.pairs.flatMap((p) => p.ours.samples)),
        pooledBare: distribution(result.pairs.flatMap((p) => p.bare.samples)),
        pooledBareUpdate: distribution(counted.flatMap((u) => u.samples)),
        profileOurs: await profileArm(h, lastOurs),
      };
    }
  } finally {
    await api.close();
    await bareApi.close();
  }
  return levels;
}

/** The baseline routes: no auth, no database, no audit; one signal (or Update) and a 200. */
function bareApp(w: G4Workers): FastifyInstance {
  const app = Fastify({ logger: false });
  const handle = (id: string) => w.lane.temporal.workflow.getHandle(id);
  app.post<{ Params: { id: string } }>('/bare/:id/signal', async (request) => {
    await handle(request.params.id).signal(approveSignal, 'editor');
    return { ok: true };
  });
  app.post<{ Params: { id: string } }>('/bare/:id/update', async (request) => {
    await handle(request.params.id).executeUpdate(approveUpdate, { args: ['editor'] });
    return { ok: true };
  });
  return app;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * Editor e sends request j at t0 + (e / editors + j) × interval: evenly spread phases, a fixed
 * rate per editor. Request index e × requestsPerEditor + j picks a fresh item.
 */
async function openLoop(
  level: { editors: number; requestsPerEditor: number },
  intervalMs: number,
  send: (editor: number, index: number) => Promise<Response>,
): Promise<ArmRun> {
  const t0 = performance.now() + 50;
  const samples: number[] = [];
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
            const response = await send(e, index);
            await response.arrayBuffer();
            if (response.status !== 200) errors++;
          } catch {
            errors++;
          }
          samples.push(performance.now() - at);
        })(),
      );
    }
  }
  await Promise.all(requests);
  return { latency: distribution(samples), errors, samples };
}

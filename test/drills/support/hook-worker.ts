// The production worker (worker/main.ts: same config, outlets, createWorker and workflows) with
// the fault-drill hooks the product exposes (`beforeSend`, activities/publish.ts) and two more
// points around the outlet, so a test can SIGKILL or SIGSTOP it at an exact step of a publish:
//
//   DRILL_HOOK=before_prepare  before the outlet is prepared (before the deadline check and claim)
//   DRILL_HOOK=before_send     after `sending` commits (and any media is uploaded), before the
//                              create leaves (W1, W4)
//   DRILL_HOOK=after_create    after LinkedIn answered 201, before the URN is recorded (W3)
//   DRILL_HOOK_MS=n            pause n ms there (default: never continue)
//   DRILL_MAX_ACTIVITIES=n     activity slots; 1 keeps a frozen worker from polling for more
//
// The hook fires once per process and announces itself on stdout as `DRILL_HOOK <point> <detail>`.
import { setTimeout as delay } from 'node:timers/promises';
import type { Outlet, OutletSession } from '../../../outlets/outlet';
import { decisionVerifierFrom, vaultFrom } from '../../../platform/crypto/keyring';
import { createDb } from '../../../platform/db/client';
import { linkedinClientFrom } from '../../../platform/linkedin';
import { runProcess } from '../../../platform/process';
import { connectWorker } from '../../../platform/temporal';
import { createWorker } from '../../../worker/create-worker';
import { keyedOutletsFor, outletsFor } from '../../../worker/outlets';

type HookPoint = 'before_prepare' | 'before_send' | 'after_create';

const point = process.env.DRILL_HOOK as HookPoint | undefined;
const pauseMs = process.env.DRILL_HOOK_MS ? Number(process.env.DRILL_HOOK_MS) : undefined;
let fired = false;

async function hook(at: HookPoint, detail: string): Promise<void> {
  if (at !== point || fired) return;
  fired = true;
  process.stdout.write(`DRILL_HOOK ${at} ${detail}\n`);
  if (pauseMs === undefined) await new Promise<never>(() => undefined);
  await delay(pauseMs);
}

function withHooks(outlet: Outlet): Outlet {
  const wrapSession = (session: OutletSession): OutletSession => ({
    channelId: session.channelId,
    accountId: session.accountId,
    authorUrn: session.authorUrn,
    findPost: (text, since) => session.findPost(text, since),
    refresh: () => session.refresh(),
    markReauthRequired: (reason) => session.markReauthRequired(reason),
    ...(session.media ? { media: session.media } : {}),
    async create(text, attachments) {
      const outcome = await session.create(text, attachments);
      if (outcome.kind === 'created') await hook('after_create', outcome.urn);
      return outcome;
    },
  });
  return {
    name: outlet.name,
    postUrl: (urn) => outlet.postUrl(urn),
    async prepare(channelId) {
      await hook('before_prepare', outlet.name);
      const prepared = await outlet.prepare(channelId);
      return prepared.ok ? { ok: true, session: wrapSession(prepared.session) } : prepared;
    },
  };
}

await runProcess('stargue-drill-worker', async ({ config, log, onShutdown }) => {
  const db = createDb(config.DATABASE_URL, { max: 10 });
  await db.$queryRaw`SELECT 1`;
  const outlets = outletsFor({
    db,
    vault: vaultFrom(config),
    log,
    linkedin: linkedinClientFrom(config),
    linkedinVersion: config.LINKEDIN_VERSION,
  });
  const connection = await connectWorker(config);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: {
      db,
      outlets: Object.fromEntries(Object.entries(outlets).map(([k, o]) => [k, withHooks(o)])),
      keyedOutlets: keyedOutletsFor({ db, vault: vaultFrom(config), log }),
      decisionVerifier: decisionVerifierFrom(config),
      beforeSend: (key) => hook('before_send', key),
      mediaGraceMs: config.LINKEDIN_MEDIA_GRACE_SECONDS * 1000,
    },
    ...(process.env.DRILL_MAX_ACTIVITIES
      ? { maxConcurrentActivities: Number(process.env.DRILL_MAX_ACTIVITIES) }
      : {}),
  });
  onShutdown(async () => worker.shutdown());
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, hook: point ?? null }, 'worker running');
  await worker.run();
  await connection.close();
  await db.$disconnect();
  process.exit(0);
});

import type { z } from 'zod';
import type { KillSwitchSchema } from '../contracts/api';
import { appendAudit } from '../platform/audit';
import { globalSwitchSignal, type GlobalSwitchMessage } from '../workflows/content/definitions';
import { globalReleaseProof } from './decisions';
import type { Actor, PublishingDeps } from './deps';
import { toAppError } from './temporal-errors';

type KillSwitchView = z.infer<typeof KillSwitchSchema>;

const SIGNAL_CONCURRENCY = 16;

export async function getKillSwitch(deps: PublishingDeps): Promise<KillSwitchView> {
  try {
    const row = await deps.db.killSwitch.findUniqueOrThrow({ where: { id: 1 } });
    return {
      engaged: row.engaged,
      reason: row.reason,
      updatedBy: row.updatedBy,
      updatedAt: row.updatedAt.toISOString(),
    };
  } catch (err) {
    return toAppError(err);
  }
}

/**
 * Persists the switch first (the publish activity reads it right before every outlet call, so
 * it holds even for items no signal reaches), then tells every open item so they report
 * `halted` at once.
 */
export async function setKillSwitch(
  deps: PublishingDeps,
  actor: Actor,
  body: { engaged: boolean; reason?: string | undefined },
): Promise<KillSwitchView & { signalled: number }> {
  try {
    const reason = body.engaged ? (body.reason ?? null) : null;
    const row = await deps.db.killSwitch.update({
      where: { id: 1 },
      data: { engaged: body.engaged, reason, updatedBy: actor.name },
    });
    await appendAudit(deps.db, {
      actor: actor.name,
      action: body.engaged ? 'kill_switch.engaged' : 'kill_switch.released',
      subject: 'kill-switch',
      reason: body.reason ?? null,
      details: { role: actor.role, channel: actor.channel },
    });
    // Engaging is believed at once; a release carries the API's signed claim (items also
    // re-read this row before believing it).
    const signalled = await signalOpenItems(deps, {
      engaged: body.engaged,
      reason,
      actor: actor.name,
      ...(body.engaged ? {} : { proof: globalReleaseProof(deps, actor) }),
    });
    return {
      engaged: row.engaged,
      reason: row.reason,
      updatedBy: row.updatedBy,
      updatedAt: row.updatedAt.toISOString(),
      signalled,
    };
  } catch (err) {
    return toAppError(err);
  }
}

async function signalOpenItems(deps: PublishingDeps, input: GlobalSwitchMessage): Promise<number> {
  const query = `WorkflowType = 'contentWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${deps.taskQueue}'`;
  const pending = new Set<Promise<void>>();
  let signalled = 0;
  for await (const wf of deps.temporal.workflow.list({ query })) {
    const p = deps.temporal.workflow
      .getHandle(wf.workflowId, wf.runId)
      .signal(globalSwitchSignal, input)
      .then(
        () => {
          signalled++;
        },
        (err: unknown) =>
          deps.log.warn(
            { workflowId: wf.workflowId, err: String(err) },
            'kill switch signal failed',
          ),
      )
      .finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= SIGNAL_CONCURRENCY) await Promise.race(pending);
  }
  await Promise.all(pending);
  return signalled;
}

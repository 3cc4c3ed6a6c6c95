// Where an arm's time went, read back from the workflow histories: for each activity type and for
// workflow tasks, the time queued (scheduled → started: waiting for a worker slot or the server)
// and the time running (started → completed). This is the profile docs/performance.md cites when
// a goal is missed.
import proto from '@temporalio/proto';
import type { Harness } from './harness';
import { forEachLimit } from './items';
import { percentile, round } from './stats';

const { EventType } = proto.temporal.api.enums.v1;
type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

interface Step {
  queue: number[];
  run: number[];
}

export interface ArmProfile {
  workflows: number;
  /** Per workflow, p50 of: start → close, and the sums over its steps. */
  perWorkflowP50Ms: Record<string, number>;
  /** Per workflow (mean): activities and workflow tasks, counted from the histories. */
  activitiesPerWorkflow: number;
  workflowTasksPerWorkflow: number;
  /** Per step, p50 queued and running, and how many per workflow. */
  steps: Record<
    string,
    { perWorkflow: number; queueP50Ms: number; runP50Ms: number; runP90Ms: number }
  >;
}

export async function profileArm(h: Harness, workflowIds: string[]): Promise<ArmProfile> {
  const steps = new Map<string, Step>();
  const totals: Record<string, number[]> = {
    total: [],
    activityQueued: [],
    activityRunning: [],
    workflowTaskQueued: [],
    workflowTaskRunning: [],
    update: [],
  };
  await forEachLimit(workflowIds, 10, async (id) => {
    const history = await h.temporal.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    const at = new Map<string, number>();
    const names = new Map<string, string>();
    const sums = {
      activityQueued: 0,
      activityRunning: 0,
      workflowTaskQueued: 0,
      workflowTaskRunning: 0,
      update: 0,
    };
    const add = (name: string, queue: number, run: number): void => {
      const step = steps.get(name) ?? { queue: [], run: [] };
      step.queue.push(queue);
      step.run.push(run);
      steps.set(name, step);
    };
    let updateAccepted = 0;
    for (const e of events) {
      const t = ms(e.eventTime);
      const eventId = String(e.eventId);
      at.set(eventId, t);
      switch (e.eventType) {
        case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
          names.set(eventId, e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const a = e.activityTaskCompletedEventAttributes;
          const scheduled = at.get(String(a?.scheduledEventId)) ?? t;
          const started = at.get(String(a?.startedEventId)) ?? t;
          add(
            `activity ${names.get(String(a?.scheduledEventId)) ?? '?'}`,
            started - scheduled,
            t - started,
          );
          sums.activityQueued += started - scheduled;
          sums.activityRunning += t - started;
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
          const a = e.workflowTaskCompletedEventAttributes;
          const scheduled = at.get(String(a?.scheduledEventId)) ?? t;
          const started = at.get(String(a?.startedEventId)) ?? t;
          add('workflow task', started - scheduled, t - started);
          sums.workflowTaskQueued += started - scheduled;
          sums.workflowTaskRunning += t - started;
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
          updateAccepted = t;
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
          sums.update += t - updateAccepted;
          break;
      }
    }
    const first = ms(events[0]?.eventTime);
    const last = ms(events.at(-1)?.eventTime);
    totals.total!.push(last - first);
    for (const [key, value] of Object.entries(sums)) totals[key]!.push(value);
  });
  const p50 = (values: number[]) =>
    round(
      percentile(
        [...values].sort((a, b) => a - b),
        50,
      ),
    );
  const perWorkflow = (match: (name: string) => boolean) =>
    round(
      [...steps.entries()]
        .filter(([name]) => match(name))
        .reduce((n, [, step]) => n + step.run.length, 0) / Math.max(1, workflowIds.length),
      1,
    );
  return {
    workflows: workflowIds.length,
    activitiesPerWorkflow: perWorkflow((name) => name.startsWith('activity ')),
    workflowTasksPerWorkflow: perWorkflow((name) => name === 'workflow task'),
    perWorkflowP50Ms: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, p50(v)])),
    steps: Object.fromEntries(
      [...steps.entries()].map(([name, s]) => [
        name,
        {
          perWorkflow: round(s.run.length / workflowIds.length, 1),
          queueP50Ms: p50(s.queue),
          runP50Ms: p50(s.run),
          runP90Ms: round(
            percentile(
              [...s.run].sort((a, b) => a - b),
              90,
            ),
          ),
        },
      ]),
    ),
  };
}

function ms(ts: Timestamp): number {
  if (!ts) return 0;
  const seconds = ts.seconds as number | { toNumber(): number } | null | undefined;
  const whole = typeof seconds === 'number' ? seconds : (seconds?.toNumber() ?? 0);
  return whole * 1000 + (ts.nanos ?? 0) / 1e6;
}

/** Where one approval's time went, from its item's history (same clock: one machine). */
export interface ApprovalTrace {
  workflowId: string;
  latencyMs: number;
  /** Send → the Update's workflow task scheduled: our API and the server. */
  beforeTaskMs: number;
  /** Scheduled → picked up by the worker. */
  taskQueuedMs: number;
  /** Picked up → completed: the validator, the handler and its local activity. */
  taskRunMs: number;
  /** Completed → the answer at the editor: the server, our API. */
  afterTaskMs: number;
}

/** Splits each given approval's latency at its Update's workflow task (the first one after it was sent). */
export async function traceApprovals(
  h: Harness,
  approvals: { workflowId: string; sentAt: number; latencyMs: number }[],
): Promise<ApprovalTrace[]> {
  const traces: ApprovalTrace[] = [];
  for (const a of approvals) {
    const history = await h.temporal.workflow.getHandle(a.workflowId).fetchHistory();
    const at = new Map<string, number>();
    let trace: ApprovalTrace | null = null;
    for (const e of history.events ?? []) {
      const t = ms(e.eventTime);
      at.set(String(e.eventId), t);
      if (e.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || t < a.sentAt) continue;
      const done = e.workflowTaskCompletedEventAttributes;
      const scheduled = at.get(String(done?.scheduledEventId)) ?? t;
      const started = at.get(String(done?.startedEventId)) ?? t;
      if (scheduled < a.sentAt) continue;
      trace = {
        workflowId: a.workflowId,
        latencyMs: round(a.latencyMs),
        beforeTaskMs: round(scheduled - a.sentAt),
        taskQueuedMs: round(started - scheduled),
        taskRunMs: round(t - started),
        afterTaskMs: round(a.sentAt + a.latencyMs - t),
      };
      break;
    }
    if (trace) traces.push(trace);
  }
  return traces;
}

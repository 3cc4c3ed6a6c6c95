import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { PERMANENT_FAILURES } from '../../contracts/workflow';

type Activities = ReturnType<typeof createActivities>;

const SHORT = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;

/** Short, idempotent database writes: local activities, no task-queue round trip. */
export const local = proxyLocalActivities<Activities>(SHORT);

/** The shape older runs were recorded with (one activity task per write); kept for replay. */
export const legacy = proxyActivities<Activities>(SHORT);

// The outlet call: HTTP deadline (20 s) < startToClose, so a hung call ends as "unknown" inside
// the attempt; a dead worker is noticed by its missing heartbeat and the next attempt resolves
// the outcome.
export const { publishToOutlet } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...PERMANENT_FAILURES],
  },
});

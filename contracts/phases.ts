import type { HaltReason, PublishStatus } from './workflow';
import { TERMINAL_STATUSES } from './workflow';

// Which action is allowed in which step: one table, read by the workflow's validators, the API
// (before it bothers Temporal) and the review page (which buttons it shows). Zod-free: the
// workflow bundle imports it.

export const ITEM_ACTIONS = [
  'approve',
  'reject',
  'reschedule',
  'cancel',
  'halt',
  'release',
] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** Where an item stands: `status` as shown, `phase` the step a halt overlays. */
export interface ItemPosition {
  status: PublishStatus;
  phase: PublishStatus;
  haltReason?: HaltReason | null;
}

/** Halts an operator may lift: the switch-driven ones lift themselves when the switch does. */
export const RELEASABLE_HALTS: readonly HaltReason[] = [
  'item_halt',
  'outcome_unknown',
  'linkedin_version',
];

const PHASES_FOR: Record<'approve' | 'reject' | 'reschedule', readonly PublishStatus[]> = {
  approve: ['awaiting_approval'],
  reject: ['awaiting_approval'],
  reschedule: ['validating', 'awaiting_approval', 'scheduled'],
};

export function isTerminal(status: PublishStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** True when `action` makes sense for an item in this position. */
export function allows(action: ItemAction, item: ItemPosition): boolean {
  switch (action) {
    case 'approve':
    case 'reject':
    case 'reschedule':
      return PHASES_FOR[action].includes(item.phase) && !isTerminal(item.status);
    case 'cancel':
      // A post already going out is never cut short; a parked one may still be cancelled.
      return item.status !== 'publishing' && !isTerminal(item.status);
    case 'halt':
      return !isTerminal(item.status);
    case 'release':
      return (
        item.status === 'halted' &&
        item.haltReason !== undefined &&
        item.haltReason !== null &&
        RELEASABLE_HALTS.includes(item.haltReason)
      );
  }
}

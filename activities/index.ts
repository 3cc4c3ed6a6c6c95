import type { Db } from '../platform/db/client';
import type { Verifier } from '../platform/crypto/signing';
import type { Outlet } from '../outlets/outlet';
import { createAccountActivities } from './accounts';
import { createContentActivities } from './content';
import { createDatabaseActivities } from './database';
import { createDecisionActivities } from './decisions';
import { createEngagementActivities } from './engagement';
import { createPublishActivities, type PublishDeps } from './publish';

export interface ActivityDeps {
  db: Db;
  outlets: Record<string, Outlet>;
  keyedOutlets?: PublishDeps['keyedOutlets'];
  /** The API's public keys (APPROVAL_VERIFY_KEYS); without them no decision is believed. */
  decisionVerifier: Verifier | null;
  followUps?: PublishDeps['followUps'];
  resendWindowMs?: number;
  beforeSend?: PublishDeps['beforeSend'];
  mediaGraceMs?: number;
}

/** Every activity, built once with its dependencies; workflows proxy this type. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createContentActivities(deps),
    ...createDatabaseActivities(deps),
    ...createDecisionActivities(deps),
    ...createEngagementActivities(deps),
    ...createPublishActivities(deps),
  };
}

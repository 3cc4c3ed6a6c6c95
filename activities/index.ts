import type { Db } from '../platform/db/client';
import type { Outlet } from '../outlets/outlet';
import { createAccountActivities } from './accounts';
import { createContentActivities } from './content';
import { createEngagementActivities } from './engagement';
import { createDatabaseActivities } from './database';
import { createPublishActivities, type PublishDeps } from './publish';

export interface ActivityDeps {
  db: Db;
  outlets: Record<string, Outlet>;
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
    ...createEngagementActivities(deps),
    ...createPublishActivities(deps),
  };
}

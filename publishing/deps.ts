import type { Client } from '@temporalio/client';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/logger';

/** What the use cases need: built once by the API process (and the MCP server), passed in. */
export interface PublishingDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  /** Deadline for calls that wait on a worker (updates, queries). */
  workflowCallTimeoutMs?: number;
}

/** Who is acting: an API key's name and role, recorded in the audit log. */
export interface Actor {
  name: string;
  role: string;
  keyId: string;
  /** How the call came in (`POST /v1/content`, `mcp`), recorded in the audit log. */
  channel?: string;
}

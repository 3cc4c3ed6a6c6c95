import type { Client } from '@temporalio/client';
import type { Signer } from '../platform/crypto/signing';
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
  /** Signs decisions (APPROVAL_SIGNING_KEY); null when the API cannot make any. */
  signer: Signer | null;
}

/** Who is acting: an API key's name and role, recorded in the audit log. */
export interface Actor {
  name: string;
  role: string;
  keyId: string;
  /** How the call came in (`POST /v1/content`, `mcp`), recorded in the audit log. */
  channel?: string;
  /** The request's id: signed into decisions and used as their Update id (one effect each). */
  requestId?: string;
}

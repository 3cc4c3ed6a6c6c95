// OUR ARM, wired in this one module and nowhere else in bench/: configuration, schema, connected
// account, bundle and processes. The product is driven only through its stable entry points. The
// API is `api/server.ts` as its own process (configured by the environment, as in production)
// and items go through its HTTP routes; the worker is the production worker (`runWorker`, what
// `npm run worker` runs) in its own process (bench/our-worker.ts), sealing the audit as in
// production; G7 calls `appendAudit` directly. New settings in the environment go here.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { prepareContent } from '../content';
import { contentWorkflowId } from '../contracts/ids';
import { itemContentHash } from '../publishing/content';
import { TERMINAL_STATUSES, type PublishStatus } from '../contracts/workflow';
import { appendAudit, type AuditEntry } from '../platform/audit';
import { createApiKey } from '../platform/api-keys';
import { connectLinkedInChannel } from '../channels/linkedin';
import { loadConfig, type Config } from '../platform/config';
import { vaultFrom } from '../platform/crypto/keyring';
import { generateSigningKey } from '../platform/crypto/signing';
import type { Db } from '../platform/db/client';
import { migrate } from '../platform/db/migrations';
import { bundleWorkflows } from '../worker/create-worker';
import { workerEnv } from '../test/helpers/worker-process';
import { freePort } from '../platform/dev/temporal-cli';
import { Child, waitUntil } from './processes';

export { appendAudit, type AuditEntry };

/** Our configuration for this run, as `.env` would give it, LinkedIn pointing at the stand-in. */
export function ourConfig(settings: {
  databaseUrl: string;
  temporalAddress: string;
  linkedinVersion: string;
  standIn: { url: string; clientId: string; clientSecret: string; redirectUri: string };
}): Config {
  const decisionKey = generateSigningKey();
  const sealKey = generateSigningKey();
  return loadConfig({
    DATABASE_URL: settings.databaseUrl,
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    APPROVAL_SIGNING_KEY: decisionKey.seed,
    APPROVAL_VERIFY_KEYS: `a1:${decisionKey.publicKey}`,
    AUDIT_SIGNING_KEY: sealKey.seed,
    AUDIT_VERIFY_KEYS: `a1:${sealKey.publicKey}`,
    LOG_LEVEL: 'info',
    LINKEDIN_VERSION: settings.linkedinVersion,
    LINKEDIN_API_BASE: settings.standIn.url,
    LINKEDIN_OAUTH_BASE: `${settings.standIn.url}/oauth/v2`,
    LINKEDIN_CLIENT_ID: settings.standIn.clientId,
    LINKEDIN_CLIENT_SECRET: settings.standIn.clientSecret,
    LINKEDIN_REDIRECT_URI: settings.standIn.redirectUri,
  });
}

/** Our schema in the scratch database, by our own migration runner. */
export async function migrateOurDatabase(databaseUrl: string): Promise<void> {
  await migrate(databaseUrl, {
    migrationsDir: path.join(import.meta.dirname, '..', 'prisma', 'migrations'),
    log: () => {},
  });
}

/** Our workflow bundle, built once per run and loaded by every worker process of ours. */
export async function bundleOurWorkflows(): Promise<string> {
  return (await bundleWorkflows()).code;
}

/** A connected LinkedIn account, stored as the OAuth callback stores it: the default channel. */
export async function connectOurAccount(
  config: Config,
  db: Db,
  member: { sub: string; name: string },
  token: { accessToken: string; scopes: string[] },
): Promise<void> {
  await connectLinkedInChannel(db, vaultFrom(config), {
    sub: member.sub,
    name: member.name,
    tokens: { accessToken: token.accessToken, expiresInSeconds: 5_183_999, scopes: token.scopes },
    connectedBy: 'bench',
  });
}

/** What our processes need from the run. */
export interface OursContext {
  config: Config;
  /** The run's own pool on the bench database (keys, status mirror). */
  db: Db;
  /** Our workflow bundle, built once by the run. */
  bundleFile: string;
  logDir: string;
}

/** The environment of our API and worker processes, as `.env` would give it. */
export function oursEnv(c: OursContext, taskQueue: string): Record<string, string> {
  return {
    ...workerEnv(c.config, taskQueue, 'info'),
    // The API signs decisions; the worker verifies them (workerEnv carries the public key).
    APPROVAL_SIGNING_KEY: c.config.APPROVAL_SIGNING_KEY ?? '',
    APPROVAL_SIGNING_KEY_ID: c.config.APPROVAL_SIGNING_KEY_ID,
    AUDIT_SIGNING_KEY: c.config.AUDIT_SIGNING_KEY ?? '',
    AUDIT_SIGNING_KEY_ID: c.config.AUDIT_SIGNING_KEY_ID,
    // The load stands for many clients, each behind its own address; from the run's one address
    // the per-address limit (1,200 a minute) would refuse G4's fill past the cache.
    RATE_LIMIT_PER_MINUTE: '100000',
  };
}

/** One of our worker processes on `taskQueue`; the production cache (500) unless told. */
export function startOurWorker(
  c: OursContext,
  taskQueue: string,
  name: string,
  maxCachedWorkflows = 500,
): Promise<Child> {
  return Child.start({
    name,
    entry: path.join(import.meta.dirname, 'our-worker.ts'),
    args: [c.bundleFile],
    env: { ...oursEnv(c, taskQueue), BENCH_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows) },
    readyLine: 'worker running',
    logFile: path.join(c.logDir, `${name}.log`),
  });
}

/** Our API process (`npm run api`) and the keys the load uses, several per role. */
export class OurApi {
  #submits = 0;
  #approvals = 0;
  private constructor(
    readonly child: Child,
    readonly url: string,
    private readonly keys: { integration: string[]; editor: string[] },
  ) {}

  /** Keys rotate: the load stands for many integrations and editors. */
  static async start(c: OursContext, taskQueue: string, name: string, keysPerRole = 8) {
    const port = await freePort();
    const child = await Child.start({
      name,
      entry: path.join(import.meta.dirname, '..', 'api', 'server.ts'),
      env: { ...oursEnv(c, taskQueue), API_HOST: '127.0.0.1', API_PORT: String(port) },
      ready: () =>
        waitUntil(
          `${name} /healthz`,
          async () =>
            (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok ?? false,
          120_000,
          250,
        ),
      logFile: path.join(c.logDir, `${name}.log`),
    });
    const keys = { integration: [] as string[], editor: [] as string[] };
    for (let i = 0; i < keysPerRole; i++) {
      keys.integration.push((await createApiKey(c.db, `${name}-int-${i}`, 'integration')).key);
      keys.editor.push((await createApiKey(c.db, `${name}-ed-${i}`, 'editor')).key);
    }
    return new OurApi(child, `http://127.0.0.1:${port}`, keys);
  }

  /** Submits an item; `scheduled` absent = publish as soon as approved. */
  async submit(id: string, scheduled?: Date): Promise<void> {
    const key = this.keys.integration[this.#submits++ % this.keys.integration.length]!;
    const response = await fetch(`${this.url}/v1/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, markdown: markdownFor(id, scheduled) }),
    });
    const text = await response.text();
    if (response.status !== 202 && response.status !== 200) {
      throw new Error(`submit ${id}: ${response.status} ${text.slice(0, 300)}`);
    }
    hashes.set(id, previewHashOf(markdownFor(id, scheduled)));
  }

  /** Sends one approval; the caller judges the answer (G3 counts non-200 as errors). */
  async approve(id: string, editorKey?: string): Promise<{ status: number; body: string }> {
    const key = editorKey ?? this.keys.editor[this.#approvals++ % this.keys.editor.length]!;
    // The editor names the version and the hash its preview showed (read before the clock).
    const response = await fetch(`${this.url}/v1/content/${id}/approve?version=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contentHash: contentHashOf(id) }),
    });
    return { status: response.status, body: await response.text() };
  }

  /** Setup approvals that met a 503 and were sent again (reported by the goals that count). */
  retried503 = 0;

  /**
   * An approval that must be accepted (setup, not a measurement). A 503 is retried, as the API
   * asks clients to; a 409 after a 503 means the first attempt landed after all.
   */
  async approveOk(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.approve(id);
      if (answer.status === 200) return;
      if (attempt > 1 && answer.status === 409 && (await this.approvals(id)) === 1) return;
      if (answer.status !== 503 || attempt >= 10) {
        throw new Error(`approve ${id}: ${answer.status} ${answer.body.slice(0, 300)}`);
      }
      this.retried503 += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** The approvals the API shows for an item (a repeated approve must add none). */
  async approvals(id: string): Promise<number> {
    const response = await fetch(`${this.url}/v1/content/${id}`, {
      headers: { authorization: `Bearer ${this.keys.editor[0]!}` },
    });
    const body = (await response.json()) as { approvals?: { decision: string }[] };
    if (response.status !== 200) throw new Error(`read ${id}: ${response.status}`);
    return (body.approvals ?? []).filter((a) => a.decision === 'approved').length;
  }
}

/** G3's editors: one key each. */
export async function createEditorKeys(
  c: OursContext,
  count: number,
  prefix: string,
): Promise<string[]> {
  const keys: string[] = [];
  for (let e = 0; e < count; e++) {
    keys.push((await createApiKey(c.db, `${prefix}-${e}`, 'editor')).key);
  }
  return keys;
}

/**
 * The content hash the preview of an item shows. Items are ours and deterministic (markdownFor),
 * so the hash is known without asking: an editor who previewed would send the same value.
 */
function previewHashOf(markdown: string): string {
  const prepared = prepareContent(markdown);
  if (!prepared.ok) throw new Error('bench markdown is invalid');
  return itemContentHash(prepared.rendered);
}

function contentHashOf(id: string): string {
  const hash = hashes.get(id);
  if (!hash) throw new Error(`no preview hash for ${id}: submit it through OurApi first`);
  return hash;
}
const hashes = new Map<string, string>();

/** A unique body per item: the stand-in refuses an identical post as a duplicate. */
function markdownFor(id: string, scheduled?: Date): string {
  return [
    '---',
    'status: ready',
    'language: en-GB',
    'outlets: [linkedin]',
    ...(scheduled ? [`scheduled: ${scheduled.toISOString()}`] : []),
    'version: 1',
    '---',
    `Bench item ${id} #bench`,
    '',
  ].join('\n');
}

export function ourWorkflowId(id: string): string {
  return contentWorkflowId(id, 1);
}

/**
 * Waits for items to reach a status by reading the `content` mirror for all waiters in one query
 * per tick, which keeps the waiting off the Temporal server being measured. A waiter whose item
 * ends in another terminal status fails at once rather than hang the run.
 */
export class StatusWatcher {
  readonly #waiting = new Map<
    string,
    { status: PublishStatus; resolve: () => void; reject: (err: Error) => void }
  >();
  #polling = false;

  constructor(
    private readonly db: Db,
    private readonly everyMs = 50,
  ) {}

  until(id: string, status: PublishStatus): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { status, resolve, reject });
      if (!this.#polling) {
        this.#polling = true;
        setTimeout(() => void this.#poll(), this.everyMs);
      }
    });
  }

  async statuses(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.db.content.findMany({
      where: { contentId: { in: ids } },
      select: { contentId: true, status: true },
    });
    return new Map(rows.map((r) => [r.contentId, r.status]));
  }

  async #poll(): Promise<void> {
    const ids = [...this.#waiting.keys()];
    const rows = await this.statuses(ids).catch(() => new Map<string, string>());
    for (const [id, status] of rows) {
      const waiter = this.#waiting.get(id);
      if (!waiter) continue;
      if (waiter.status === status) {
        this.#waiting.delete(id);
        waiter.resolve();
      } else if (TERMINAL_STATUSES.includes(status as PublishStatus)) {
        this.#waiting.delete(id);
        waiter.reject(new Error(`${id} ended ${status}, not ${waiter.status}`));
      }
    }
    if (this.#waiting.size > 0) setTimeout(() => void this.#poll(), this.everyMs);
    else this.#polling = false;
  }
}

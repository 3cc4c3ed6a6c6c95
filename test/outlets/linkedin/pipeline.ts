// Shared by the LinkedIn outlet suites (and test/api/oauth.test.ts): the app listening on a real
// port with a LinkedIn client whose redirect URI the stand-in has registered, the OAuth round
// trip a browser would make, a worker whose outlet uses that client, captured logs, and the
// submit → approve → wait steps of the pipeline.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../api/app';
import { contentWorkflowId } from '../../../contracts/ids';
import type { ContentState } from '../../../contracts/workflow';
import { createLinkedInClient, type LinkedInClient } from '../../../outlets/linkedin';
import { openAccessToken, openRefreshToken } from '../../../outlets/linkedin/accounts';
import { createLinkedInOutlet } from '../../../outlets/linkedin/outlet';
import type { Config } from '../../../platform/config';
import { vaultFrom } from '../../../platform/crypto/keyring';
import { createLogger, type Logger } from '../../../platform/logger';
import { statusQuery } from '../../../workflows/content/definitions';
import { EDITOR, post, publishingDeps, submit, approveAsSeen } from '../../helpers/content';
import {
  eventually,
  testConfig,
  uniqueId,
  type RunningWorker,
  type Stack,
} from '../../helpers/stack';

export const CALLBACK_PATH = '/v1/oauth/linkedin/callback';

/** Lines a logger wrote, kept in memory so a test can search them. */
export interface CapturedLog {
  log: Logger;
  lines: string[];
  text(): string;
  /** The access log: one entry per answered request. */
  requests(): AccessLine[];
}

export interface AccessLine {
  method?: string;
  /** As logged: secrets scrubbed. */
  url?: string;
  statusCode?: number;
}

export function captureLogs(name = 'test', level = 'trace'): CapturedLog {
  const lines: string[] = [];
  const log = createLogger({
    level,
    name,
    pretty: false,
    destination: { write: (line: string) => void lines.push(line) },
  });
  const requests = () =>
    lines
      .map(
        (line) =>
          JSON.parse(line) as {
            msg?: string;
            req?: { method?: string; url?: string };
            res?: { statusCode?: number };
          },
      )
      .filter((entry) => entry.msg === 'request completed')
      .map((entry) => ({ ...entry.req, statusCode: entry.res?.statusCode }));
  return { log, lines, text: () => lines.join(''), requests };
}

/** The stack seen through another logger: everything built from it logs there. */
export function withLog(stack: Stack, log: Logger): Stack {
  return { ...stack, log };
}

export interface OAuthApp {
  app: FastifyInstance;
  /** `http://127.0.0.1:{port}` */
  baseUrl: string;
  /** The configuration the app and its LinkedIn client were built from. */
  config: Config;
  /** The LinkedIn client the app uses; a worker built with it posts as the same LinkedIn app. */
  client: LinkedInClient;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export interface OAuthAppOptions {
  /** Only MDP partners get refresh tokens; false by default, as for self-serve apps. */
  issueRefreshTokens?: boolean;
  log?: Logger;
}

/**
 * Listens on a free port, then registers a LinkedIn app at the stand-in whose one redirect URI is
 * exactly that port's callback, and configures our client (LINKEDIN_REDIRECT_URI) with it.
 */
export async function startOAuthApp(
  stack: Stack,
  options: OAuthAppOptions = {},
): Promise<OAuthApp> {
  const clientId = uniqueId('stargue-app');
  const clientSecret = `secret-${uniqueId('s')}-${uniqueId('s')}`;
  const configured: { client?: LinkedInClient } = {};
  const ready = (): LinkedInClient => {
    assert.ok(configured.client, 'the LinkedIn client is configured once the app listens');
    return configured.client;
  };
  // The redirect URI names the port, known only after listening: the app gets a client that
  // forwards to the real one built right after.
  const client: LinkedInClient = {
    authorizationUrl: (input) => ready().authorizationUrl(input),
    exchangeCode: (code) => ready().exchangeCode(code),
    refresh: (token) => ready().refresh(token),
    userinfo: (token) => ready().userinfo(token),
    createPost: (input) => ready().createPost(input),
    getPost: (input) => ready().getPost(input),
    findPostsByAuthor: (input) => ready().findPostsByAuthor(input),
    deletePost: (input) => ready().deletePost(input),
    getSocialActions: (input) => ready().getSocialActions(input),
    initializeUpload: (input) => ready().initializeUpload(input),
    uploadBytes: (input) => ready().uploadBytes(input),
    getMediaStatus: (input) => ready().getMediaStatus(input),
  };
  const log = options.log ?? stack.log;
  const app = await buildApp({
    log,
    publishing: publishingDeps(withLog(stack, log)),
    linkedin: client,
    vault: vaultFrom(stack.config),
    readiness: [],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = testConfig({
    DATABASE_URL: stack.config.DATABASE_URL,
    TOKEN_ENCRYPTION_KEY: stack.config.TOKEN_ENCRYPTION_KEY,
    LINKEDIN_API_BASE: stack.config.LINKEDIN_API_BASE,
    LINKEDIN_OAUTH_BASE: stack.config.LINKEDIN_OAUTH_BASE,
    LINKEDIN_CLIENT_ID: clientId,
    LINKEDIN_CLIENT_SECRET: clientSecret,
    LINKEDIN_REDIRECT_URI: `${baseUrl}${CALLBACK_PATH}`,
  });
  await stack.standIn.registerClient({
    clientId,
    clientSecret,
    redirectUris: [config.LINKEDIN_REDIRECT_URI ?? ''],
    issueRefreshTokens: options.issueRefreshTokens ?? false,
  });
  configured.client = createLinkedInClient({
    apiBase: config.LINKEDIN_API_BASE,
    oauthBase: config.LINKEDIN_OAUTH_BASE,
    version: config.LINKEDIN_VERSION,
    clientId,
    clientSecret,
    redirectUri: config.LINKEDIN_REDIRECT_URI ?? '',
    requestTimeoutMs: 5_000,
  });
  return { app, baseUrl, config, client, clientId, clientSecret, close: () => app.close() };
}

/** One browser step: GET without following redirects. */
export async function visit(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; location: URL | null; body: string }> {
  const response = await fetch(url, { redirect: 'manual', headers });
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location ? new URL(location, url) : null,
    body: await response.text(),
  };
}

export interface OAuthRound {
  /** Where our authorize endpoint sent the browser (LinkedIn's authorization URL). */
  authorization: URL;
  state: string;
  /** Where LinkedIn sent the browser back (our callback, with `code` or `error`). */
  callback: URL;
  /** Our callback's answer. */
  status: number;
  json: Record<string, unknown>;
}

/**
 * Starts the flow as the operator and lets LinkedIn answer; `beforeCallback` may tamper; `query`
 * names the channel (`channel`, `organization`).
 */
export async function connectViaOAuth(
  oauth: OAuthApp,
  operatorKey: string,
  beforeCallback?: (callback: URL, state: string) => Promise<URL | void> | URL | void,
  query: Record<string, string> = {},
): Promise<OAuthRound> {
  const search = new URLSearchParams(query).toString();
  const started = await visit(
    `${oauth.baseUrl}/v1/oauth/linkedin/authorize${search ? `?${search}` : ''}`,
    { authorization: `Bearer ${operatorKey}` },
  );
  assert.equal(started.status, 302, started.body);
  assert.ok(started.location, 'authorize answers with a Location');
  const state = started.location.searchParams.get('state') ?? '';
  const atLinkedIn = await visit(started.location.toString());
  assert.equal(atLinkedIn.status, 302, `LinkedIn did not redirect back: ${atLinkedIn.body}`);
  assert.ok(atLinkedIn.location, 'LinkedIn answers with a Location');
  const callback = (await beforeCallback?.(atLinkedIn.location, state)) ?? atLinkedIn.location;
  const answer = await visit(callback.toString());
  return {
    authorization: started.location,
    state,
    callback,
    status: answer.status,
    json: JSON.parse(answer.body) as Record<string, unknown>,
  };
}

/** A worker on the stack's queue whose LinkedIn outlet uses `client` and logs to `log`. */
export function startWorkerWith(
  stack: Stack,
  options: { client?: LinkedInClient; log?: Logger; linkedinVersion?: string } = {},
): Promise<RunningWorker> {
  const outlet = createLinkedInOutlet({
    db: stack.db,
    vault: vaultFrom(stack.config),
    client: options.client ?? stack.linkedin,
    log: options.log ?? stack.log,
    linkedinVersion: options.linkedinVersion ?? stack.config.LINKEDIN_VERSION,
  });
  return stack.startWorker({ outlets: { linkedin: outlet } });
}

/** The connected account's tokens in plain text, as only a test may read them. */
export async function storedTokens(
  stack: Stack,
  accountId: string,
): Promise<{ accessToken: string; refreshToken: string | null }> {
  const row = await stack.db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
  const vault = vaultFrom(stack.config);
  return { accessToken: openAccessToken(vault, row), refreshToken: openRefreshToken(vault, row) };
}

export function statusOf(stack: Stack, id: string): Promise<ContentState> {
  return stack.temporal.workflow.getHandle(contentWorkflowId(id, 1)).query(statusQuery);
}

export function reaches(
  stack: Stack,
  id: string,
  wanted: ContentState['status'] | ((s: ContentState) => boolean),
  timeoutMs = 60_000,
): Promise<ContentState> {
  return eventually(
    async () => {
      const s = await statusOf(stack, id);
      const done = typeof wanted === 'function' ? wanted(s) : s.status === wanted;
      return done ? s : undefined;
    },
    timeoutMs,
    `${id} to be ${typeof wanted === 'function' ? 'as expected' : wanted}`,
  );
}

export interface Submitted {
  id: string;
  marker: string;
  /** The exact commentary the outlet will send. */
  text: string;
}

/** Submits an item carrying a unique marker and waits until it awaits approval. */
export async function submitItem(stack: Stack, prefix: string, body?: string): Promise<Submitted> {
  const id = uniqueId(prefix);
  const marker = uniqueId('m');
  await submit(stack, id, post({ body: body ?? `Release notes ${marker} (beta) #release` }));
  await reaches(stack, id, 'awaiting_approval');
  const row = await stack.db.content.findFirstOrThrow({ where: { contentId: id } });
  const rendered = row.rendered as Record<string, { text: string }>;
  const text = rendered.linkedin?.text ?? '';
  assert.ok(text.includes(marker), 'the rendered text carries the marker');
  return { id, marker, text };
}

export function approve(stack: Stack, id: string) {
  return approveAsSeen(publishingDeps(stack), EDITOR, { id });
}

/** Posts in the stand-in's ledger (the truth) carrying this marker. */
export async function ledgerFor(stack: Stack, marker: string) {
  return (await stack.standIn.ledger()).filter((p) => p.commentary.includes(marker));
}

/** `POST /rest/posts` requests the stand-in received since `since` (ms). */
export async function createRequestsSince(stack: Stack, since: number) {
  return (await stack.standIn.requests()).filter(
    (r) => r.method === 'POST' && r.path === '/rest/posts' && r.at >= since,
  );
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { handleApi } from './api';
import { createControl } from './control';
import { handleControl } from './control-routes';
import { deliver } from './deliver';
import { FaultQueue } from './faults';
import { HoldRegistry } from './holds';
import { accessToken, authorize } from './oauth';
import { json, wireHeaders, type Reply } from './reply';
import type { StandInRequest } from './request';
import { StandInState } from './state';
import { handleUpload, UPLOAD_PATH } from './media';
import {
  ClientRegistrationSchema,
  MediaScriptSchema,
  MemberSchema,
  type ClientRegistration,
  type Member,
  type StandInControl,
} from './types';

export interface StandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** YYYYMM values; defaults to the twelve months up to the current one. */
  activeVersions?: string[];
  /** How long an identical post counts as a duplicate (UNCONFIRMED at LinkedIn); 10 min. */
  duplicateWindowMs?: number;
  /** Cut text silently at the first stray reserved character, as LinkedIn does. Off by default. */
  truncateOnUnescapedReserved?: boolean;
  /** Refuse `/rest` calls without `X-Restli-Protocol-Version: 2.0.0` (UNCONFIRMED); on. */
  requireProtocolHeader?: boolean;
  /** What a read of a deleted post answers (404 documented, 410 reported); 404. */
  deletedPostStatus?: 404 | 410;
  authorizationCodeTtlMs?: number;
  /** How uploads process (PROCESSING for 1 read or 1 s, then AVAILABLE by default). */
  mediaScript?: z.input<typeof MediaScriptSchema>;
  /** Whether member tokens without a read scope may read image/document status; true. */
  mediaReadsWithoutReadScope?: boolean;
  client?: z.input<typeof ClientRegistrationSchema>;
  member?: Member;
}

export interface StandIn extends StandInControl {
  /** Base for both the API (`apiBase = url`) and OAuth (`oauthBase = url + '/oauth/v2'`). */
  url: string;
  client: ClientRegistration;
  member: Member;
  /** Ends every open, hanging or held request; leaves nothing holding the event loop. */
  close(): Promise<void>;
}

export const DEFAULT_CLIENT: ClientRegistration = {
  clientId: 'stargue-dev',
  clientSecret: 'stargue-dev-secret',
  redirectUris: [
    'http://127.0.0.1:3000/v1/oauth/linkedin/callback',
    'http://localhost:3000/v1/oauth/linkedin/callback',
  ],
  issueRefreshTokens: false,
};

export const DEFAULT_MEMBER: Member = {
  sub: 'Xk2mQ9aLpT',
  name: 'Ada Editor',
  email: 'ada.editor@example.com',
  locale: { country: 'US', language: 'en' },
};

const MAX_BODY_BYTES = 1024 * 1024;
/** Uploads may be as large as LinkedIn's document limit (100 MB), with room to spare. */
const MAX_UPLOAD_BYTES = 110 * 1024 * 1024;

export async function startLinkedInStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const client = ClientRegistrationSchema.parse(options.client ?? DEFAULT_CLIENT);
  const member = MemberSchema.parse(options.member ?? DEFAULT_MEMBER);
  const settings = {
    activeVersions: options.activeVersions ?? recentVersions(new Date(), 12),
    duplicateWindowMs: options.duplicateWindowMs ?? 10 * 60_000,
    truncateOnUnescapedReserved: options.truncateOnUnescapedReserved ?? false,
    requireProtocolHeader: options.requireProtocolHeader ?? true,
    deletedPostStatus: options.deletedPostStatus ?? 404,
    authorizationCodeTtlMs: options.authorizationCodeTtlMs ?? 30 * 60_000,
    mediaScript: MediaScriptSchema.parse(options.mediaScript ?? {}),
    mediaReadsWithoutReadScope: options.mediaReadsWithoutReadScope ?? true,
  };
  const state = new StandInState(settings, client, member);
  const faults = new FaultQueue();
  const holds = new HoldRegistry();
  const control = createControl(state, faults, holds);
  const closing = new AbortController();

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const request = await readRequest(incoming);
    if (!request) return send(response, json(413, { status: 413, message: 'Body too large' }));
    if (request.path.startsWith('/_standin/')) {
      return send(response, await handleControl(control, request));
    }
    const { method, path } = request;
    const fault = faults.take(method, path);
    state.requests.push({ at: Date.now(), method, path, ...(fault ? { fault: fault.type } : {}) });
    await deliver({
      response,
      method,
      path,
      fault,
      process: () => route(state, request),
      holds,
      closing: closing.signal,
    });
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      // A caller that hung up mid-request is not a stand-in bug.
      if (incoming.destroyed && response.destroyed) return;
      console.error('LinkedIn stand-in: request failed', error);
      if (response.headersSent) response.destroy();
      else send(response, json(500, { status: 500, message: 'stand-in internal error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const close = async () => {
    if (closing.signal.aborted) return;
    closing.abort();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  return {
    ...control,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    client,
    member,
    close,
  };
}

function route(state: StandInState, request: StandInRequest): Reply {
  const { method, path } = request;
  if (path === '/oauth/v2/authorization' && method === 'GET') return authorize(state, request);
  if (path === '/oauth/v2/accessToken' && method === 'POST') return accessToken(state, request);
  if (path === '/v2/userinfo' || path.startsWith('/rest/')) return handleApi(state, request);
  if (path.startsWith(UPLOAD_PATH)) return handleUpload(state, request);
  return json(404, { status: 404, message: `No resource for ${method} ${path}` });
}

/** Undefined when the body is larger than any LinkedIn call needs. */
async function readRequest(incoming: IncomingMessage): Promise<StandInRequest | undefined> {
  const url = new URL(incoming.url ?? '/', 'http://stand-in');
  const limit = url.pathname.startsWith(UPLOAD_PATH) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: incoming.headers,
    body: raw.toString('utf8'),
    raw,
  };
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, wireHeaders(reply));
  response.end(reply.body);
}

/** LinkedIn keeps each monthly version live for at least a year. */
function recentVersions(now: Date, months: number): string[] {
  return Array.from({ length: months }, (_, back) => {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    return `${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

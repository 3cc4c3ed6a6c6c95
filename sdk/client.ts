import type { z } from 'zod';
import {
  ActionResultSchema,
  AuditPageSchema,
  ChannelListSchema,
  ChannelViewSchema,
  ContentListSchema,
  ContentViewSchema,
  ErrorBodySchema,
  KillSwitchChangeSchema,
  KillSwitchSchema,
  PreviewSchema,
  SubmitResultSchema,
  WhoAmISchema,
  type ChangeChannelInput,
  type CreateChannelInput,
  type ErrorBody,
  type ReconnectInput,
} from '../contracts/api';
import type { ChannelOutlet } from '../contracts/channels';
import type { Issue } from '../contracts/issues';
import { MediaViewSchema } from '../contracts/media';
import type { PublishStatus } from '../contracts/workflow';

/** A non-2xx answer from Stargue, with its stable error code and, for 422, every issue. */
export class StargueError extends Error {
  override name = 'StargueError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface StargueClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request deadline; 15 s by default. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Version = { version?: number };

/**
 * Typed client for integration services and scripts. Every answer is checked against the same
 * Zod schemas the API serves in /openapi.json, so a drift fails loudly instead of silently.
 */
export function createStargueClient(options: StargueClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
    raw?: { data: Uint8Array<ArrayBuffer> | Blob; type: string },
  ): Promise<z.infer<S>> {
    const payload = raw
      ? { type: raw.type, data: raw.data }
      : body === undefined
        ? undefined
        : { type: 'application/json', data: JSON.stringify(body) };
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(payload ? { 'content-type': payload.type } : {}),
      },
      ...(payload ? { body: payload.data } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      throw new StargueError(
        response.status,
        'BAD_RESPONSE',
        `Stargue answered ${response.status} with a body that is not JSON`,
      );
    }
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(json);
      const error: ErrorBody = parsed.success
        ? parsed.data
        : { error: 'UNKNOWN', message: `HTTP ${response.status}` };
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new StargueError(
        response.status,
        error.error,
        error.message,
        error.issues ?? [],
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      );
    }
    return schema.parse(json);
  }

  const q = (params: Record<string, string | number | undefined>): string => {
    const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [
      string,
      string | number,
    ][];
    return entries.length === 0
      ? ''
      : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  };
  const item = (id: string) => `/v1/content/${encodeURIComponent(id)}`;
  const channel = (outlet: ChannelOutlet, name: string) =>
    `/v1/channels/${outlet}/${encodeURIComponent(name)}`;

  return {
    /** The calling key's name and role. */
    me: () => call(WhoAmISchema, 'GET', '/v1/me'),
    submit: (input: { id: string; markdown: string }) =>
      call(SubmitResultSchema, 'POST', '/v1/content', input),
    get: (id: string, opts: Version = {}) =>
      call(ContentViewSchema, 'GET', `${item(id)}${q({ version: opts.version })}`),
    list: (opts: { status?: PublishStatus; limit?: number; cursor?: string } = {}) =>
      call(ContentListSchema, 'GET', `/v1/content${q(opts)}`),
    preview: (id: string, opts: Version = {}) =>
      call(PreviewSchema, 'GET', `${item(id)}/preview${q({ version: opts.version })}`),
    /** `contentHash` is the one `preview` showed: the approval binds to exactly that text. */
    approve: (id: string, body: { contentHash: string; note?: string }, opts: Version = {}) =>
      call(ActionResultSchema, 'POST', `${item(id)}/approve${q({ version: opts.version })}`, body),
    reject: (id: string, reason: string, opts: Version = {}) =>
      call(ActionResultSchema, 'POST', `${item(id)}/reject${q({ version: opts.version })}`, {
        reason,
      }),
    reschedule: (id: string, scheduled: string, opts: Version & { zone?: string } = {}) =>
      call(ActionResultSchema, 'POST', `${item(id)}/reschedule${q({ version: opts.version })}`, {
        scheduled,
        ...(opts.zone ? { zone: opts.zone } : {}),
      }),
    cancel: (id: string, opts: Version = {}) =>
      call(ActionResultSchema, 'POST', `${item(id)}/cancel${q({ version: opts.version })}`, {}),
    halt: (id: string, reason: string, opts: Version = {}) =>
      call(ActionResultSchema, 'POST', `${item(id)}/halt${q({ version: opts.version })}`, {
        reason,
      }),
    release: (id: string, opts: Version = {}) =>
      call(ActionResultSchema, 'POST', `${item(id)}/release${q({ version: opts.version })}`, {}),
    killSwitch: () => call(KillSwitchSchema, 'GET', '/v1/kill-switch'),
    setKillSwitch: (engaged: boolean, reason?: string) =>
      call(KillSwitchChangeSchema, 'PUT', '/v1/kill-switch', {
        engaged,
        ...(reason ? { reason } : {}),
      }),
    audit: (subject: string, opts: { limit?: number; cursor?: string } = {}) =>
      call(AuditPageSchema, 'GET', `/v1/audit${q({ subject, ...opts })}`),
    /**
     * Uploads an image (PNG, JPEG, GIF) or a PDF; its type is read from the bytes. Answers its id
     * (`sha256:…`, the same for the same bytes), to write `![alt](media:ID)` in Markdown or
     * `document: {media: ID, title: …}` in the frontmatter.
     */
    uploadMedia: (data: Uint8Array<ArrayBuffer> | Blob, type = 'application/octet-stream') =>
      call(MediaViewSchema, 'POST', '/v1/media', undefined, { data, type }),
    media: (id: string) => call(MediaViewSchema, 'GET', `/v1/media/${encodeURIComponent(id)}`),
    /** Every channel (connected account) on every outlet, without secrets; any role. */
    channels: () => call(ChannelListSchema, 'GET', '/v1/channels'),
    /** Operators: connects a Bluesky account with an app password (signs in once to check it). */
    createChannel: (body: CreateChannelInput) =>
      call(ChannelViewSchema, 'POST', '/v1/channels', body),
    /** Operators: rename, display name, disable/enable, default. */
    updateChannel: (outlet: ChannelOutlet, name: string, body: ChangeChannelInput) =>
      call(ChannelViewSchema, 'PATCH', channel(outlet, name), body),
    /** Operators: a new app password for a Bluesky channel (the same account). */
    reconnectChannel: (name: string, body: ReconnectInput) =>
      call(ChannelViewSchema, 'PUT', `${channel('bluesky', name)}/credentials`, body),
    /**
     * Operators: where to send a browser to connect or reconnect a LinkedIn channel (the API's
     * redirect to LinkedIn; the callback finishes the connection).
     */
    linkedinAuthorizationUrl: async (
      opts: { channel?: string; organization?: string } = {},
    ): Promise<string> => {
      const response = await doFetch(`${base}/v1/oauth/linkedin/authorize${q(opts)}`, {
        headers: { authorization: `Bearer ${options.apiKey}` },
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        redirect: 'manual',
      });
      const location = response.headers.get('location');
      if (response.status === 302 && location) return location;
      const parsed = ErrorBodySchema.safeParse(await response.json().catch(() => null));
      throw new StargueError(
        response.status,
        parsed.success ? parsed.data.error : 'UNKNOWN',
        parsed.success ? parsed.data.message : `HTTP ${response.status}`,
        parsed.success ? (parsed.data.issues ?? []) : [],
      );
    },
  };
}

export type StargueClient = ReturnType<typeof createStargueClient>;

import { createHash } from 'node:crypto';
import { Agent, type AppBskyFeedPost } from '@atproto/api';
import { TID } from '@atproto/common-web';
import {
  BLUESKY_IMAGE_TYPES,
  BLUESKY_LIMITS,
  BLUESKY_POST_COLLECTION,
  BLUESKY_RECORD_KEY_PATTERN,
  blueskyPostUrl,
} from '../../contracts/bluesky';
import type { Issue } from '../../contracts/issues';
import { FailureType } from '../../contracts/workflow';
import type { Logger } from '../../platform/logger';
import type {
  ChannelSession,
  CreateResult,
  Opened,
  OutletV2,
  RenderOutcome,
  Resolution,
} from '../outlet-v2';
import { classifyFailure, describeError, isRecordNotFound } from './errors';
import {
  checkImages,
  MediaChanged,
  uploadImages,
  type ImageInput,
  type MediaReader,
  type PostImage,
} from './images';
import { resolveFacets, type Facet, type HandleResolver } from './mentions';
import { AccountSession, reauthRequiredIn, type SessionStore } from './session';
import { renderBlueskyText } from './text';

/** Everything a Bluesky post sends, images by content address. Stored with the approval. */
export interface BlueskyPayload {
  text: string;
  facets: Facet[];
  langs: string[];
  images: PostImage[];
}

/** One Bluesky account: the service it signs in at and where its secrets rest. */
export interface BlueskyChannel {
  /** The account's PDS or entryway, e.g. `https://bsky.social`; every call goes there. */
  service: string;
  store: SessionStore;
}

export interface BlueskyInput {
  body: string;
  sanitize: boolean;
  /** The frontmatter `language` (BCP 47), sent as the post's `langs`. */
  language: string;
  images: ImageInput[];
}

export interface BlueskyOutletDeps {
  log: Logger;
  media: MediaReader;
  fetch?: typeof globalThis.fetch;
  /** Deadline of each server call; past it the outcome is resolved by reading back. */
  timeoutMs?: number;
}

export type BlueskyOutlet = OutletV2<BlueskyPayload, BlueskyChannel, BlueskyInput>;

const DEFAULT_TIMEOUT_MS = 20_000;

export function createBlueskyOutlet(deps: BlueskyOutletDeps): BlueskyOutlet {
  const fetch = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = () => AbortSignal.timeout(timeoutMs);

  return {
    name: 'bluesky',
    media: {
      maxImages: BLUESKY_LIMITS.images,
      maxImageBytes: BLUESKY_LIMITS.imageBytes,
      imageTypes: BLUESKY_IMAGE_TYPES,
      altTextRequired: true,
    },
    idempotency: { kind: 'client_key' },
    newPublicationKey: () => TID.nextStr(),
    postUrl: (post) => blueskyPostUrl(post.id),
    render: (input, channel) => render(input, handleResolver(channel.service, fetch, signal)),
    async open(channel): Promise<Opened<BlueskyPayload>> {
      try {
        const session = await AccountSession.open({
          service: channel.service,
          store: channel.store,
          log: deps.log,
          fetch,
          signal,
        });
        return { ok: true, session: publisher(session, deps, signal) };
      } catch (err) {
        const reauth = reauthRequiredIn(err);
        if (reauth === undefined) throw err;
        return { ok: false, reason: 'reauth_required', message: reauth.message };
      }
    },
  };
}

async function render(
  input: BlueskyInput,
  resolveHandle: HandleResolver,
): Promise<RenderOutcome<BlueskyPayload>> {
  const text = renderBlueskyText(input.body, { sanitize: input.sanitize });
  const images = checkImages(input.images);
  const issues: Issue[] = [...(text.ok ? [] : text.issues), ...(images.ok ? [] : images.issues)];
  const facets = text.ok ? await resolveFacets(text.rendered.facets, resolveHandle) : undefined;
  if (facets && !facets.ok) issues.push(...facets.issues);
  if (!text.ok || !images.ok || !facets?.ok || issues.length > 0) return { ok: false, issues };

  const payload: BlueskyPayload = {
    text: text.rendered.text,
    facets: facets.facets,
    langs: input.language === '' ? [] : [input.language],
    images: images.images,
  };
  const contentHash = createHash('sha256').update(JSON.stringify(payload), 'utf8').digest('hex');
  return {
    ok: true,
    post: {
      text: payload.text,
      measures: [
        { unit: 'graphemes', value: text.rendered.graphemes, limit: BLUESKY_LIMITS.graphemes },
        { unit: 'utf8_bytes', value: text.rendered.bytes, limit: BLUESKY_LIMITS.bytes },
      ],
      contentHash,
      payload,
    },
  };
}

/** Handles resolve at the channel's service; "Unable to resolve handle" means no such account. */
function handleResolver(
  service: string,
  fetch: typeof globalThis.fetch,
  signal: () => AbortSignal,
): HandleResolver {
  const agent = new Agent({ service, fetch });
  return async (handle) => {
    try {
      const { data } = await agent.com.atproto.identity.resolveHandle(
        { handle },
        { signal: signal() },
      );
      return data.did;
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure.kind === 'refused' && !failure.account) return null;
      throw new Error(`could not resolve @${handle}: ${describeError(err)}`, { cause: err });
    }
  };
}

function publisher(
  session: AccountSession,
  deps: BlueskyOutletDeps,
  signal: () => AbortSignal,
): ChannelSession<BlueskyPayload> {
  const { agent } = session;

  async function resolve(key: string, payload: BlueskyPayload): Promise<Resolution> {
    try {
      const { data } = await agent.com.atproto.repo.getRecord(
        { repo: session.did, collection: BLUESKY_POST_COLLECTION, rkey: key },
        { signal: signal() },
      );
      const post = { id: data.uri, ...(data.cid === undefined ? {} : { cid: data.cid }) };
      const text = (data.value as { text?: unknown }).text;
      if (text !== payload.text) {
        return {
          kind: 'conflict',
          post,
          message: `the record at ${data.uri} holds another text than this publication's`,
        };
      }
      return { kind: 'found', post };
    } catch (err) {
      if (isRecordNotFound(err)) return { kind: 'not_found' };
      return { kind: 'cannot_read', message: `read-back failed: ${describeError(err)}` };
    }
  }

  /** The outcome of a call that wrote nothing (the read-back says so, or it never reached a write). */
  function nothingWritten(err: unknown, what: string): CreateResult {
    const reauth = reauthRequiredIn(err);
    if (reauth) return { kind: 'reauth_required', message: reauth.message };
    const message = `${what}: ${describeError(err)}`;
    const failure = classifyFailure(err);
    switch (failure.kind) {
      case 'rate_limited':
        return { kind: 'rate_limited', retryAt: failure.retryAt, message };
      case 'refused':
        return failure.account
          ? { kind: 'reauth_required', message }
          : { kind: 'permanent', type: FailureType.BlueskyRejected, message };
      case 'transient':
        return { kind: 'not_created', message };
    }
  }

  return {
    accountId: session.did,
    resolve: (key, payload) => resolve(key, payload),
    async create(key, payload): Promise<CreateResult> {
      if (!BLUESKY_RECORD_KEY_PATTERN.test(key)) {
        return {
          kind: 'permanent',
          type: FailureType.BlueskyRejected,
          message: `"${key.slice(0, 20)}" is not a record key (a 13-character TID)`,
        };
      }
      let embed: Awaited<ReturnType<typeof uploadImages>>;
      try {
        embed = await uploadImages(agent, payload.images, deps.media, signal);
      } catch (err) {
        if (err instanceof MediaChanged) {
          return { kind: 'permanent', type: FailureType.ContentChanged, message: err.message };
        }
        return nothingWritten(err, 'image upload failed');
      }
      const record: AppBskyFeedPost.Record = {
        $type: 'app.bsky.feed.post',
        text: payload.text,
        // The key's own time: every attempt sends the same record.
        createdAt: new Date(TID.fromStr(key).timestamp() / 1000).toISOString(),
        ...(payload.facets.length > 0 ? { facets: payload.facets } : {}),
        ...(payload.langs.length > 0 ? { langs: payload.langs } : {}),
        ...(embed ? { embed: { ...embed, $type: 'app.bsky.embed.images' as const } } : {}),
      };
      try {
        const { data } = await agent.com.atproto.repo.createRecord(
          { repo: session.did, collection: BLUESKY_POST_COLLECTION, rkey: key, record },
          { signal: signal() },
        );
        return { kind: 'created', post: { id: data.uri, cid: data.cid }, resolution: 'created' };
      } catch (err) {
        // A refused token that could not be renewed: the create never reached the repository.
        if (reauthRequiredIn(err)) return nothingWritten(err, 'create refused');
        // Anything else may have written the record (an existing key even answers 500): look.
        const found = await resolve(key, payload);
        deps.log.info(
          { did: session.did, rkey: key, error: describeError(err), readBack: found.kind },
          'Bluesky create failed; resolved by reading the record back',
        );
        switch (found.kind) {
          case 'found':
            return { kind: 'created', post: found.post, resolution: 'read_back' };
          case 'conflict':
            return {
              kind: 'permanent',
              type: FailureType.DuplicateNotOurs,
              message: found.message,
            };
          case 'not_found':
            return nothingWritten(err, 'create failed');
          case 'cannot_read': {
            const failure = classifyFailure(err);
            // Rate limited before any write; the same key makes the later attempt safe anyway.
            if (failure.kind === 'rate_limited') return nothingWritten(err, 'create failed');
            return {
              kind: 'unknown',
              message: `create failed (${describeError(err)}) and ${found.message}`,
            };
          }
        }
      }
    },
  };
}

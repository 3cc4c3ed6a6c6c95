import type { AppBskyFeedPost } from '@atproto/api';
import { TID } from '@atproto/common-web';
import { BLUESKY_POST_COLLECTION, BLUESKY_RECORD_KEY_PATTERN } from '../../contracts/bluesky';
import { FailureType } from '../../contracts/workflow';
import type { Logger } from '../../platform/logger';
import type { ChannelSession, CreateResult, Resolution } from '../outlet-v2';
import { classifyFailure, describeError, isRecordNotFound } from './errors';
import { MediaChanged, uploadImages, type MediaReader } from './images';
import type { BlueskyPayload } from './render';
import { reauthRequiredIn, type AccountSession } from './session';

/**
 * Creates posts on one signed-in account exactly once per key: the key is the record key, and
 * any failed create is resolved by reading the record back before it is classified.
 */
export function publisher(
  session: AccountSession,
  deps: { log: Logger; media: MediaReader },
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

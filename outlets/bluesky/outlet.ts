import { TID } from '@atproto/common-web';
import { BLUESKY_IMAGE_TYPES, BLUESKY_LIMITS, blueskyPostUrl } from '../../contracts/bluesky';
import type { Logger } from '../../platform/logger';
import type { Opened, OutletV2 } from '../outlet-v2';
import type { MediaReader } from './images';
import { publisher } from './publisher';
import { handleResolver, renderPost, type BlueskyInput, type BlueskyPayload } from './render';
import { AccountSession, reauthRequiredIn, type SessionStore } from './session';

export type { BlueskyInput, BlueskyPayload };

/** One Bluesky account: the service it signs in at and where its secrets rest. */
export interface BlueskyChannel {
  /** The account's PDS or entryway, e.g. `https://bsky.social`; every call goes there. */
  service: string;
  store: SessionStore;
}

export interface BlueskyOutletDeps {
  log: Logger;
  media: MediaReader;
  /** Deadline of each server call; past it the outcome is resolved by reading back. */
  timeoutMs?: number;
}

export type BlueskyOutlet = OutletV2<BlueskyPayload, BlueskyChannel, BlueskyInput>;

const DEFAULT_TIMEOUT_MS = 20_000;

export function createBlueskyOutlet(deps: BlueskyOutletDeps): BlueskyOutlet {
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
    render: (input, channel) => renderPost(input, handleResolver(channel.service, signal)),
    async open(channel): Promise<Opened<BlueskyPayload>> {
      try {
        const session = await AccountSession.open({
          service: channel.service,
          store: channel.store,
          log: deps.log,
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

import type { Attachments, MediaProcessing, OutletMedia } from '../outlet';
import type { LinkedInClient } from './client';
import { toOutletFailure, type AlarmDeps } from './create-outcome';
import type { MediaStatus } from './media';
import type { PostContent } from './posts';

const PROCESSING: Record<MediaStatus | 'UNKNOWN', MediaProcessing> = {
  WAITING_UPLOAD: 'waiting_upload',
  PROCESSING: 'processing',
  AVAILABLE: 'available',
  PROCESSING_FAILED: 'failed',
  UNKNOWN: 'unknown',
};

/** LinkedIn's Images and Documents APIs for one session's author and token. */
export function linkedinMedia(
  client: LinkedInClient,
  author: string,
  token: () => string,
  deps: AlarmDeps,
): OutletMedia {
  return {
    async initialize(kind) {
      const outcome = await client.initializeUpload({ accessToken: token(), kind, owner: author });
      return outcome.kind === 'initialized' ? outcome : toOutletFailure(outcome, deps);
    },
    async upload(input) {
      const outcome = await client.uploadBytes({ ...input, accessToken: token() });
      return outcome.kind === 'uploaded' ? outcome : toOutletFailure(outcome, deps);
    },
    async status(urns) {
      const outcome = await client.getMediaStatus({ accessToken: token(), urns });
      if (outcome.kind === 'found') {
        const statuses = Object.fromEntries(
          urns.map((urn) => [urn, PROCESSING[outcome.statuses[urn] ?? 'UNKNOWN']]),
        );
        return { kind: 'read', statuses };
      }
      // Member tokens (w_member_social only) may not read media: the caller waits a grace instead.
      if (outcome.kind === 'forbidden') {
        return {
          kind: 'cannot_read',
          message: `the token may not read media status (${outcome.permission})`,
        };
      }
      return toOutletFailure(outcome, deps);
    },
  };
}

/** The create body's `content`: one image or the document as `media`, several as `multiImage`. */
export function postContent(attachments: Attachments | undefined): PostContent | undefined {
  if (!attachments) return undefined;
  if (attachments.kind === 'document') {
    return { media: { id: attachments.urn, title: attachments.title } };
  }
  const images = attachments.images.map((image) => ({ id: image.urn, altText: image.alt }));
  if (images.length === 1 && images[0]) return { media: images[0] };
  return { multiImage: { images } };
}

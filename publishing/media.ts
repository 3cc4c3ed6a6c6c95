import type { MediaView } from '../contracts/media';
import { inspectMedia } from '../media/inspect';
import { findMedia, putMedia, readMediaBytes } from '../media/store';
import { appendAudit } from '../platform/audit';
import type { Actor, PublishingDeps } from './deps';
import { AppError, ErrorCode, notFound } from './errors';
import { toAppError } from './temporal-errors';

/**
 * Checks an upload by its bytes and stores it under its content address. The same bytes
 * uploaded again answer the same id (`created: false`) and store nothing new.
 */
export async function uploadMedia(
  deps: PublishingDeps,
  actor: Actor,
  data: Uint8Array<ArrayBuffer>,
  maxBytes: number,
): Promise<{ created: boolean; media: MediaView }> {
  const inspected = inspectMedia(data, maxBytes);
  if (!inspected.ok) {
    if (inspected.code === 'MEDIA_TOO_LARGE' && data.length > maxBytes) {
      throw new AppError(ErrorCode.PayloadTooLarge, inspected.message);
    }
    throw new AppError(ErrorCode.Validation, `the file cannot be used: ${inspected.message}`, [
      { path: 'file', code: inspected.code, message: inspected.message },
    ]);
  }
  try {
    const stored = await putMedia(deps.db, {
      data,
      facts: inspected.facts,
      uploadedBy: actor.name,
    });
    if (stored.created) {
      await appendAudit(deps.db, {
        actor: actor.name,
        action: 'media.uploaded',
        subject: stored.media.id,
        details: { ...stored.media, role: actor.role, channel: actor.channel ?? null },
        dedupeKey: `media:${stored.media.id}`,
      });
    }
    return stored;
  } catch (err) {
    return toAppError(err);
  }
}

export async function getMedia(deps: PublishingDeps, id: string): Promise<MediaView> {
  try {
    const media = await findMedia(deps.db, id);
    if (!media) throw notFound(`media ${id}`);
    return media;
  } catch (err) {
    return toAppError(err);
  }
}

export async function mediaContent(
  deps: PublishingDeps,
  id: string,
): Promise<{ type: string; data: Uint8Array }> {
  try {
    const media = await readMediaBytes(deps.db, id);
    if (!media) throw notFound(`media ${id}`);
    return media;
  } catch (err) {
    return toAppError(err);
  }
}
